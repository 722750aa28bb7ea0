// web/static/js/explorer/morphs.js: the in-between grid's columns and codes, the morph the explorer is on,
// and the reader's words and series.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NUM_CLASSES, gridCodes, stateCode, styleScales } from '../../web/static/js/explorer/codes.js';
import { PERCENTILES } from '../../web/static/js/contract.js';
import {
  inbetweenCodes, inbetweenColumns, morphOf, readSegments, readingOf, rowPosition, stripCodes, stripSeries,
  stripText, stripTs, stripWords,
} from '../../web/static/js/explorer/morphs.js';

const close = (a, b, tol = 1e-6) => assert.ok(Math.abs(a - b) <= tol, `${a} is not within ${tol} of ${b}`);
const NAMES = Array.from({ length: NUM_CLASSES }, (_, i) => String(i));

// class c, dimension d: style value 100 * c + 10 * d + (knot index) at each percentile knot
function fakeMeta(dims = 1) {
  const table = (c) => Object.fromEntries(PERCENTILES.map((q, k) => [String(q), Array.from({ length: dims }, (_, d) => 100 * c + 10 * d + k)]));
  return {
    style_dims: dims,
    style_percentiles: table(50),
    style_percentiles_per_class: Object.fromEntries(Array.from({ length: NUM_CLASSES }, (_, c) => [String(c), table(c)])),
  };
}

test('inbetweenColumns: 10 + 9 * steps columns, whole classes in order, t = k / (steps + 1) between', () => {
  for (const steps of [0, 1, 3, 5]) {
    const cols = inbetweenColumns(steps);
    assert.equal(cols.length, NUM_CLASSES + (NUM_CLASSES - 1) * steps);
    const whole = cols.filter((c) => c.t === 0).map((c) => c.from);
    assert.deepEqual(whole, Array.from({ length: NUM_CLASSES }, (_, i) => i));
    assert.deepEqual(cols.at(-1), { from: 9, to: 9, t: 0 });
  }
  const cols = inbetweenColumns(3);
  assert.deepEqual(cols.slice(0, 5), [
    { from: 0, to: 1, t: 0 }, { from: 0, to: 1, t: 0.25 }, { from: 0, to: 1, t: 0.5 }, { from: 0, to: 1, t: 0.75 },
    { from: 1, to: 2, t: 0 }]);
});

test('inbetweenCodes: rows x columns; whole columns are the grid, in-between ones mix neighbours', () => {
  for (const dims of [1, 2]) {
    const scales = styleScales(fakeMeta(dims));
    const steps = 3;
    const cols = NUM_CLASSES + 9 * steps;
    const codes = inbetweenCodes(scales, 11, steps);
    assert.equal(codes.length, 11 * cols);
    assert.ok(codes.every((c) => c.length === NUM_CLASSES + dims));
    const grid = gridCodes(scales, 11);
    for (let r = 0; r < 11; r++) {
      for (let d = 0; d < NUM_CLASSES; d++) {
        assert.deepEqual(Array.from(codes[r * cols + d * (steps + 1)]), Array.from(grid[r * NUM_CLASSES + d]), `row ${r} class ${d}`);
      }
    }
    // row 4, between 3 and 4 at t = 0.5: [.., 0.5, 0.5, ..] and the explorer's code of that state
    const c = codes[4 * cols + 3 * (steps + 1) + 2];
    close(c[3], 0.5);
    close(c[4], 0.5);
    const explorer = stateCode({ mode: 'pair', from: 3, to: 4, t: 0.5, style: Array(dims).fill(rowPosition(4, 11)) }, scales);
    Array.from(explorer).forEach((v, i) => close(c[i], v));
  }
});

test('morphOf: the pair, or the neighbours the digit walk mixes', () => {
  assert.deepEqual(morphOf({ mode: 'pair', from: 2, to: 6, t: 0.35, digit: 0 }), { a: 2, b: 6, t: 0.35 });
  const walk = morphOf({ mode: 'walk', digit: 3.25 });
  assert.deepEqual([walk.a, walk.b], [3, 4]);
  close(walk.t, 0.25);
  assert.deepEqual(morphOf({ mode: 'walk', digit: 9 }), { a: 8, b: 9, t: 1 });
  assert.deepEqual(morphOf({ mode: 'walk', digit: 0 }), { a: 0, b: 1, t: 0 });
});

test('stripCodes: n codes from a to b at the explorer style positions', () => {
  const scales = styleScales(fakeMeta(2));
  const codes = stripCodes(2, 7, [0.3, 0.8], scales, 21);
  assert.equal(codes.length, 21);
  assert.deepEqual(stripTs(5), [0, 0.25, 0.5, 0.75, 1]);
  stripTs(21).forEach((t, i) => {
    const want = stateCode({ mode: 'pair', from: 2, to: 7, t, style: [0.3, 0.8] }, scales);
    Array.from(want).forEach((v, j) => close(codes[i][j], v));
  });
});

const probsOf = (weights) => Array.from({ length: NUM_CLASSES }, (_, i) => weights[i] ?? 0);

test('readingOf names the likeliest class and its share', () => {
  const r = readingOf(probsOf({ 3: 0.97, 8: 0.03 }), NAMES);
  assert.deepEqual([r.cls, r.text], [3, 'reads as 3 · 97 %']);
  const names = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];
  assert.equal(readingOf(probsOf({ 9: 0.6, 7: 0.4 }), names).text, 'reads as Ankle boot · 60 %');
});

test('stripSeries, readSegments and stripText: where a stops being a', () => {
  const ts = stripTs(5);
  const probs = [probsOf({ 3: 1 }), probsOf({ 3: 0.8, 8: 0.1, 5: 0.1 }), probsOf({ 5: 0.5, 3: 0.3, 8: 0.2 }),
    probsOf({ 8: 0.9, 3: 0.1 }), probsOf({ 8: 1 })];
  const { pa, pb, other } = stripSeries(probs, 3, 8);
  assert.deepEqual(pa, [1, 0.8, 0.3, 0.1, 0]);
  assert.deepEqual(pb, [0, 0.1, 0.2, 0.9, 1]);
  other.forEach((v, i) => close(v, [0, 0.1, 0.5, 0, 0][i]));
  assert.deepEqual(readSegments(ts, probs), [{ cls: 3, from: 0, to: 0.25 }, { cls: 5, from: 0.5, to: 0.5 },
    { cls: 8, from: 0.75, to: 1 }]);
  assert.equal(stripText(ts, probs, 3, 8, NAMES),
    '3 → 8: read as 3 for t 0–0.25, as 5 at t 0.50, as 8 for t 0.75–1; anything else at most 50 % (at t = 0.50).');
  assert.equal(stripWords(ts, probs, NAMES), 'Reads 3 up to t = 0.25, then 5 up to t = 0.50, then 8.');
  assert.equal(stripWords(ts, probs.map(() => probsOf({ 3: 1 })), NAMES), 'Reads 3 all the way.');
  // a -> a: nothing is b
  assert.deepEqual(stripSeries([probsOf({ 4: 1 })], 4, 4).pb, [0]);
});
