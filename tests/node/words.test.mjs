// web/static/js/explorer/words.js: the page's words for a model, and the style in plain words.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pageTexts, styleEnds, styleText, styleTraits, styleWords } from '../../web/static/js/explorer/words.js';
import { PERCENTILES } from '../../web/static/js/contract.js';

// A model whose every class has the same style scale and the traits' correlations given per value.
function fakeMeta(tables, dataset = 'mnist') {
  const table = Object.fromEntries(PERCENTILES.map((q, k) => [String(q), tables.map(() => k)]));
  return {
    dataset, style_dims: tables.length, class_names: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
    style_percentiles: table,
    style_meaning: { correlations: { per_class: Object.fromEntries(Array.from({ length: 10 }, (_, c) => [String(c), tables])) } },
  };
}
const at = (u, dims = 1) => ({ mode: 'walk', digit: 3, style: Array.from({ length: dims }, () => u) });

test('one style value: its strongest trait, in words; none above the threshold says so, never a made-up word', () => {
  const meta = fakeMeta([{ slant: 0.6, width: -0.4 }]);
  assert.deepEqual(styleTraits(meta, 3), [{ trait: 'slant', r: 0.6 }]);
  assert.equal(styleWords(meta, at(1), 0), 'leans more to the right');
  assert.equal(styleWords(meta, at(0), 0), 'leans more to the left');
  assert.equal(styleWords(meta, at(0.5), 0), 'typical');
  assert.match(styleText(meta, at(1), 0), /^style: 99th percentile of 3s — leans more to the right$/);
  const vague = fakeMeta([{ slant: 0.2, ink: -0.25 }]);
  assert.deepEqual(styleTraits(vague, 3), [null]);
  assert.equal(styleWords(vague, at(0), 0), 'style changes several traits at once');
  assert.equal(styleWords(vague, at(0.5), 0), 'style changes several traits at once');
});

test('two style values: each its own trait, the strongest pair first, and the axis ends named by it', () => {
  // both follow slant most: the second (stronger) keeps it, the first takes its next trait, ink
  const meta = fakeMeta([{ slant: -0.5, ink: -0.45 }, { slant: -0.9, width: 0.1 }]);
  assert.deepEqual(styleTraits(meta, 3), [{ trait: 'ink', r: -0.45 }, { trait: 'slant', r: -0.9 }]);
  assert.deepEqual(styleEnds(meta, at(0.5, 2), 0), ['more ink', 'less ink']);
  assert.deepEqual(styleEnds(meta, at(0.5, 2), 1), ['leans right', 'leans left']);
  assert.equal(styleWords(meta, at(0, 2), 0), 'style 1: more ink');
  // no other trait above the threshold: the value says it changes several
  const one = fakeMeta([{ slant: -0.5, ink: 0.1 }, { slant: -0.9 }]);
  assert.equal(styleWords(one, at(0, 2), 0), 'style 1 changes several traits at once');
  assert.deepEqual(styleEnds(one, at(0, 2), 0), ['lower style 1', 'higher style 1']);
});

test('Fashion-MNIST names clothes in the title and the tagline', () => {
  const texts = pageTexts({ ...fakeMeta([{}], 'fashion_mnist') });
  assert.equal(texts.name, 'Clothes Morph');
  assert.ok(texts.title.startsWith('Clothes Morph') && texts.tagline.includes('items of clothing'));
  assert.ok(!/digit|handwrit/i.test(Object.values(texts).join(' ')));
  assert.equal(pageTexts(fakeMeta([{}, {}])).name, 'Digit Morph');
});
