// The figures below the explorer, their pure parts: plot.js (scales, ticks), architecture.js (the
// layers read from every committed model.json) and arch_diagram.js (its blocks and chains),
// watched.js (the scrubber's points), baselines.js (the scale's labels), compression.js; and the
// sentence each section opens with, read from the figures it shows.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { test } from 'node:test';
import { architectureLead, describeModel, outputShape, shapeText } from '../../web/static/js/figures/architecture.js';
import { blocksOf, chainsOf, glyphSize, opName } from '../../web/static/js/figures/arch_diagram.js';
import { extent, logTicks, scale, ticks } from '../../web/static/js/figures/plot.js';
import { baselinesLead, labelRows, longName, shortName } from '../../web/static/js/figures/baselines.js';
import { chartSeries, rowText, squeezeLead } from '../../web/static/js/figures/compression.js';
import { pointText, watchedLead, watchedPoints } from '../../web/static/js/figures/watched.js';

const MODELS = new URL('../../converted_model/', import.meta.url);
const committed = readdirSync(MODELS).filter((n) => existsSync(new URL(`${n}/meta.json`, MODELS)));
const json = (rel) => JSON.parse(readFileSync(new URL(rel, MODELS), 'utf8'));

test('scales and ticks', () => {
  assert.equal(scale([0, 10], [0, 100])(2.5), 25);
  assert.equal(scale([10, 1000], [0, 2], true)(100), 1);
  assert.deepEqual(ticks(0.16, 0.19, 4), [0.16, 0.17, 0.18, 0.19]);
  assert.deepEqual(ticks(1, 18, 8), [2, 4, 6, 8, 10, 12, 14, 16, 18]);
  assert.deepEqual(logTicks(7, 5000), [10, 100, 1000]);
  assert.deepEqual(extent([1, 3, NaN], 0), [1, 3]);
});

for (const name of committed) {
  test(`${name}: the architecture read from model.json adds up to meta.json's parameters`, () => {
    const meta = json(`${name}/meta.json`);
    const encoder = describeModel(json(`${name}/encoder/model.json`));
    const decoder = describeModel(json(`${name}/decoder/model.json`));
    assert.equal(encoder.params, meta.parameters.encoder);
    assert.equal(decoder.params, meta.parameters.decoder);
    assert.equal(encoder.frozen, meta.parameters.classifier, 'frozen = the classifier (cls_*)');
    assert.ok(encoder.layers.filter((l) => l.frozen).every((l) => l.name.startsWith('cls_')));
    assert.deepEqual(encoder.layers[0].shape, [28, 28, 1]);
    assert.deepEqual(encoder.layers.at(-1).shape, [meta.code_size], 'the code: 10 + k');
    assert.deepEqual(decoder.layers[0].shape, [meta.code_size]);
    assert.deepEqual(decoder.layers.at(-1).shape, [28, 28, 1]);
    assert.ok([...encoder.layers, ...decoder.layers].every((l) => l.shape), 'every shape known');
  });
}

test('output shapes of the layer kinds the models use', () => {
  const conv = { class_name: 'Conv2D', config: { filters: 8, kernel_size: [3, 3], strides: [2, 2], padding: 'valid' } };
  assert.deepEqual(outputShape(conv, [[28, 28, 1]]), [13, 13, 8]);
  assert.deepEqual(outputShape({ ...conv, config: { ...conv.config, padding: 'same' } }, [[28, 28, 1]]), [14, 14, 8]);
  assert.deepEqual(outputShape({ class_name: 'MaxPooling2D', config: { pool_size: [2, 2], padding: 'valid' } }, [[7, 7, 4]]), [3, 3, 4]);
  assert.deepEqual(outputShape({ class_name: 'Concatenate', config: {} }, [[10], [2]]), [12]);
  assert.equal(outputShape({ class_name: 'Mystery', config: {} }, [[3]]), null);
  assert.equal(shapeText(null), '?');
  assert.equal(shapeText([7, 7, 64]), '7 × 7 × 64');
});

const data = {
  curves: {
    autoencoder: { epoch: [0, 1], loss: [0.2, 0.18], val_loss: [0.19, 0.17] },
    refine: { round: [0, 1, 2], loss: [null, 0.17, 0.16], train_bce_searched: [0.175, 0.165, 0.16], val_bce_searched: [0.172, 0.166, 0.161] },
  },
  frames: [{ stage: 'autoencoder', number: 1, of: 2 }, { stage: 'autoencoder', number: 2, of: 2 },
    { stage: 'refine', number: 1, of: 2 }, { stage: 'refine', number: 2, of: 2 }],
  sprite: { file: 'training.png', frame_height: 88 },
};

test('the scrubber walks epochs then rounds, with their own figures', () => {
  const { points, searched } = watchedPoints(data);
  assert.deepEqual(points.map((p) => p.label), ['epoch 1 of 2', 'epoch 2 of 2', 'round 1 of 2', 'round 2 of 2']);
  assert.deepEqual(points.map((p) => p.val), [0.19, 0.17, 0.166, 0.161]);
  assert.deepEqual(points.map((p) => p.frame), [0, 1, 2, 3]);
  assert.equal(searched, 0.172);
  assert.equal(pointText(points[2]), 'round 1 of 2 (stage 3): training BCE 0.1650, validation BCE 0.1660');
  // without samples (or a sprite) the curves give the points, and no frame is drawn
  const bare = watchedPoints({ curves: data.curves });
  assert.deepEqual(bare.points.map((p) => [p.label, p.frame]), [['epoch 1 of 2', null], ['epoch 2 of 2', null],
    ['round 1 of 2', null], ['round 2 of 2', null]]);
  assert.deepEqual(watchedPoints({ curves: { classifier: { epoch: [0] } } }).points, []);
});

test('the compression chart: our code, single codecs, a line per codec by bits', () => {
  const rows = [
    { codec: 'class + 8-bit style (this model)', quality: null, bits_per_digit: 12, bce: 0.17, reader_accuracy: 0.99, ours: true },
    { codec: 'PNG (lossless)', quality: null, bits_per_digit: 2192.3, bce: 0.058, reader_accuracy: 0.9945 },
    { codec: 'JPEG', quality: 50, bits_per_digit: 3962, bce: 0.07, reader_accuracy: 0.99 },
    { codec: 'JPEG', quality: 1, bits_per_digit: 2950, bce: 0.13, reader_accuracy: 0.98 },
  ];
  const s = chartSeries(rows);
  assert.equal(s.ours.bits_per_digit, 12);
  assert.deepEqual(s.single.map((r) => r.codec), ['PNG (lossless)']);
  assert.deepEqual(s.lines.JPEG.map((r) => r.quality), [1, 50]);
  assert.equal(rowText(rows[3]), 'JPEG q1: 2,950 bits, BCE 0.1300, reader 98.00%');
});

test('the baselines scale: short and long names, labels in rows that no label or leader line crosses', () => {
  assert.equal(shortName('per-class PCA, 1 component'), 'class PCA 1');
  assert.equal(shortName('PCA, 11 components'), 'PCA 11');
  assert.equal(shortName('mean image'), 'mean image');
  assert.match(longName('per-class PCA, 2 components'), /mean \+ 2 principal components of that class/);
  assert.equal(longName('PCA, 11 components'), 'PCA with 11 components over all classes');
  assert.equal(longName('something new'), 'something new');
  const items = [{ x: 0, width: 50 }, { x: 30, width: 50 }, { x: 60, width: 50 }, { x: 120, width: 10 }];
  const rows = labelRows(items);
  assert.deepEqual(rows, [2, 1, 0, 0]);
  items.forEach((a, i) => items.forEach((b, j) => {
    if (i < j && rows[i] === rows[j]) assert.ok(a.x + a.width <= b.x || b.x + b.width <= a.x); // no overlap
    if (i !== j && b.x >= a.x && b.x <= a.x + a.width) assert.ok(rows[i] > rows[j]); // no leader through a label
  }));
});

for (const name of committed) {
  test(`${name}: the drawn architecture: blocks that add up to the layers, the classifier and the style head side by side`, () => {
    const meta = json(`${name}/meta.json`);
    const chains = ['encoder', 'decoder'].map((part) => {
      const model = json(`${name}/${part}/model.json`);
      const described = describeModel(model);
      const blocks = blocksOf(model, described.layers);
      assert.equal(blocks.reduce((a, b) => a + b.params, 0), described.params, 'every parameter in a block');
      assert.equal(blocks.flatMap((b) => b.layers).length, described.layers.length, 'every layer in one block');
      return chainsOf(blocks);
    });
    const [encoder, decoder] = chains;
    // the trunk, then two branches fed by it (the classifier, the style head), joined into the code
    assert.deepEqual(encoder.map((c) => c.from), [[], [0], [0], [1, 2]]);
    assert.deepEqual(encoder.slice(1, 3).map((c) => c.blocks.at(-1).shape), [[10], [meta.style_dims]]);
    assert.ok(encoder[1].blocks.every((b) => b.frozen) && !encoder[2].blocks.some((b) => b.frozen));
    assert.deepEqual(encoder[3].blocks.map(opName), ['join']);
    assert.equal(decoder.length, 1);
    assert.deepEqual(decoder[0].blocks.map((b) => b.shape).at(-1), [28, 28, 1]);
    assert.match(opName(decoder[0].blocks.at(-1)), /^conv 3×3, sigmoid$/);
  });
}

test('a block is drawn to scale: an image by its side and channels, a vector by its length', () => {
  assert.deepEqual(glyphSize([28, 28, 1]), { w: 4, h: 48 });
  assert.deepEqual(glyphSize([7, 7, 128]), { w: 25, h: 17 });
  assert.deepEqual(glyphSize([784]), glyphSize([3136]), 'as tall as the image at most');
  assert.ok(glyphSize([10]).h < glyphSize([128]).h && glyphSize([1]).h < glyphSize([10]).h);
});

// a figure as the sentences write it
const f4 = (v) => v.toFixed(4);

test('mnist: the sentences say what the figures show, and follow them when the model is retrained', () => {
  const meta = json('mnist/meta.json');
  const entries = Object.entries(meta.baselines.test_bce);
  const ours = meta.metrics.test_bce;
  const pca = meta.baselines.test_bce['PCA, 11 components'];
  const lead = baselinesLead(entries, ours, meta);
  if (pca < ours) { // (PCA with as many numbers scores closer: what the network offers instead)
    const slightly = (ours - pca) / ours < 0.02 ? 'slightly ' : '';
    assert.ok(lead.startsWith(`PCA with 11 components over all classes reconstructs the test images ${slightly}closer than this model (${f4(pca)} against ${f4(ours)})`), lead);
    assert.match(lead, /this model's 11 are the 10 class probabilities you morph between and the style you sweep\.$/);
  }
  const beaten = baselinesLead(entries, 0.1234, meta);
  assert.ok(beaten.startsWith('This model reconstructs the test images closer than every rule fitted on the training images alone: ' +
    `0.1234 against ${f4(Math.min(...entries.filter(([n]) => n !== 'entropy floor').map(([, v]) => v)))}`), beaten);
  const told = baselinesLead([['class mean', 0.1]], 0.2, meta);
  assert.match(told, /^The true class's mean image reconstructs .* but it is told each image's class; this model finds it/);
  assert.equal(baselinesLead([['entropy floor', 0.05]], 0.2, meta), null, 'the floor is a bound, not a rival');

  const rows = meta.compression.rows;
  const smallest = (codec) => Math.min(...rows.filter((r) => r.codec.startsWith(codec)).map((r) => r.bits_per_digit));
  const bits = rows.find((r) => r.ours).bits_per_digit;
  const squeeze = squeezeLead(rows);
  for (const codec of ['WebP', 'PNG', 'JPEG']) assert.ok(squeeze.includes(`${Math.round(smallest(codec)).toLocaleString('en')} (${codec})`), squeeze);
  assert.ok(squeeze.startsWith(`Stored as its code, a test image takes ${bits} bits`), squeeze);
  assert.match(squeezeLead(rows.map((r) => (r.ours ? { ...r, bits_per_digit: 20 } : r))), /takes 20 bits; .*: 48 to 148 times as many\.$/);
  assert.equal(squeezeLead(rows.filter((r) => !r.ours)), null);

  const record = json('mnist/training.json');
  const { points } = watchedPoints(record);
  const watched = watchedLead(points, record.curves.classifier);
  const val = record.curves.classifier.val_accuracy;
  assert.ok(watched.includes(`fell from ${f4(points[0].val)} after the first epoch to ${f4(points.at(-1).val)} after the last ${points.at(-1).stage === 5 ? 'realism round' : 'round'}`), watched);
  assert.ok(watched.includes(`${(val.at(-1) * 100).toFixed(2)}% validation accuracy in ${val.length} epochs`), watched);
  assert.equal(watchedLead([], {}), null);

  const [encoder, decoder] = ['encoder', 'decoder'].map((part) => describeModel(json(`mnist/${part}/model.json`)));
  assert.equal(architectureLead(encoder, decoder, 1), `An encoder of ${meta.parameters.encoder.toLocaleString('en')} parameters ` +
    'squeezes each 28 × 28 image into 11 numbers: 10 class probabilities, from a classifier frozen after stage 1, and 1 style ' +
    `value; a decoder of ${meta.parameters.decoder.toLocaleString('en')} parameters draws the image back from them alone.`);
});
