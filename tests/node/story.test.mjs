// The figures below the explorer, their pure parts: plot.js (scales, ticks), architecture.js (the
// layers read from every committed model.json), watched.js (the scrubber's points), baselines.js
// (the scale's labels), compression.js.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { test } from 'node:test';
import { describeModel, outputShape, shapeText } from '../../web/static/js/figures/architecture.js';
import { extent, logTicks, scale, ticks } from '../../web/static/js/figures/plot.js';
import { labelRows, longName, shortName } from '../../web/static/js/figures/baselines.js';
import { chartSeries, rowText } from '../../web/static/js/figures/compression.js';
import { pointText, watchedPoints } from '../../web/static/js/figures/watched.js';

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
