// web/static/js/explorer/codes.js: the explorer's code vectors, the percentile style scale, the grid, Play.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  NUM_CLASSES, code, cyclePhases, gridCodes, morphClasses, oneState, percentileOf, phasesOf, playPatch, positionOf,
  stateClasses, stateCode, styleAt, styleScales, styleValues, walkClasses, wave,
} from '../../web/static/js/explorer/codes.js';
import { PERCENTILES } from '../../web/static/js/contract.js';

const close = (a, b, tol = 1e-9, what = '') => assert.ok(Math.abs(a - b) <= tol, `${what}${a} is not within ${tol} of ${b}`);
const sum = (xs) => xs.reduce((a, b) => a + b, 0);
const onehot = (c) => Array.from({ length: NUM_CLASSES }, (_, i) => (i === c ? 1 : 0));

// A meta whose class c, dimension d has the style value 100 * c + 10 * d + (knot index) at each
// percentile knot: every class and dimension has a scale of its own, so mixing them shows.
function fakeMeta(dims = 1, { perClass = true } = {}) {
  const table = (c) => Object.fromEntries(PERCENTILES.map((q, k) => [String(q), Array.from({ length: dims }, (_, d) => 100 * c + 10 * d + k)]));
  return {
    style_dims: dims,
    style_percentiles: table(50),
    ...(perClass ? { style_percentiles_per_class: Object.fromEntries(Array.from({ length: NUM_CLASSES }, (_, c) => [String(c), table(c)])) } : {}),
  };
}

test('morphClasses sums to 1 and puts the weights on the two classes', () => {
  for (const t of [0, 0.1, 0.35, 0.5, 0.9, 1]) {
    const c = morphClasses(2, 7, t);
    assert.equal(c.length, NUM_CLASSES);
    close(sum(c), 1);
    close(c[2], 1 - t);
    close(c[7], t);
    assert.ok(c.every((v, i) => i === 2 || i === 7 || v === 0));
  }
  assert.deepEqual(morphClasses(4, 4, 0.3), onehot(4)); // a class to itself is that class
});

test('walkClasses: a whole position is one digit, in between mixes the neighbours, out of range clamps', () => {
  for (let p = 0; p < NUM_CLASSES; p++) assert.deepEqual(walkClasses(p), onehot(p), `digit ${p}`);
  const c = walkClasses(4.25);
  close(c[4], 0.75);
  close(c[5], 0.25);
  close(sum(c), 1);
  assert.deepEqual(walkClasses(-3), onehot(0));
  assert.deepEqual(walkClasses(42), onehot(NUM_CLASSES - 1));
  for (let p = 0; p <= 9; p += 0.125) close(sum(walkClasses(p)), 1, 1e-12, `p=${p}: `);
});

test('stateClasses: walk mode follows the digit slider, pair mode the from -> to morph', () => {
  assert.deepEqual(stateClasses({ mode: 'walk', digit: 3, from: 1, to: 7, t: 0.5 }), onehot(3));
  const pair = stateClasses({ mode: 'pair', digit: 3, from: 1, to: 7, t: 0.25 });
  close(pair[1], 0.75);
  close(pair[7], 0.25);
  close(pair[3], 0);
});

test('oneState: the walk and the morph always show the same image, whichever set it', () => {
  const start = { mode: 'walk', digit: 0, from: 1, to: 7, t: 0, style: [0.5] };
  const same = (s) => stateClasses(s).forEach((w, c) => close(w, stateClasses({ ...s, mode: s.mode === 'walk' ? 'pair' : 'walk' })[c], 1e-9));
  // a walk is the morph between the two digits it mixes (9 is the end of 8 -> 9)
  const walk = oneState(start, { digit: 3.4 });
  assert.deepEqual([walk.mode, walk.from, walk.to, walk.t], ['walk', 3, 4, 0.4]);
  same(walk);
  assert.deepEqual(oneState(start, { mode: 'walk', digit: 9 }), { ...start, mode: 'walk', digit: 9, from: 8, to: 9, t: 1 });
  // a morph of neighbours (either way) or of one class is a walk position; of two others, its nearer end
  for (const [from, to, t, digit] of [[4, 3, 0.25, 3.75], [3, 4, 0.5, 3.5], [6, 6, 0.3, 6], [1, 7, 0.4, 1], [1, 7, 0.6, 7]]) {
    const pair = oneState(start, { mode: 'pair', from, to, t });
    assert.equal(pair.digit, digit, `${from} -> ${to} at ${t}`);
    if (Math.abs(from - to) <= 1) same(pair);
  }
  // a patch without a mode: the digit sets the walk, an end or t the morph, the style neither
  assert.equal(oneState({ ...start, mode: 'pair' }, { digit: 5 }).mode, 'walk');
  assert.equal(oneState(start, { to: 8 }).mode, 'pair');
  assert.equal(oneState({ ...start, mode: 'pair' }, { style: [0.2] }).mode, 'pair');
  assert.deepEqual(oneState(start, { style: [0.2] }).style, [0.2]);
});

test('code: the classes, then the style values, as float32', () => {
  const c = code(onehot(2), [0.5, -1.25]);
  assert.ok(c instanceof Float32Array);
  assert.deepEqual(Array.from(c), [...onehot(2), 0.5, -1.25]);
});

test('percentile scale: the ends are the 1st and 99th percentiles, the middle the median', () => {
  const meta = fakeMeta(2);
  const scales = styleScales(meta);
  assert.equal(scales.length, NUM_CLASSES);
  const median = PERCENTILES.indexOf(50);
  for (const c of [0, 3, 9]) {
    assert.equal(scales[c].length, 2);
    for (const d of [0, 1]) {
      const s = scales[c][d];
      close(styleAt(s, 0), 100 * c + 10 * d, 1e-9, `class ${c} dim ${d} low end: `);
      close(styleAt(s, 1), 100 * c + 10 * d + PERCENTILES.length - 1, 1e-9, `class ${c} dim ${d} high end: `);
      close(styleAt(s, 0.5), 100 * c + 10 * d + median, 1e-9, `class ${c} dim ${d} middle: `);
      close(styleAt(s, -1), styleAt(s, 0)); // clamped
      close(styleAt(s, 2), styleAt(s, 1));
      close(percentileOf(s, 0), PERCENTILES[0]);
      close(percentileOf(s, 0.5), 50);
      close(percentileOf(s, 1), PERCENTILES.at(-1));
    }
  }
  // positions are proportional to the percentile: the 25th percentile knot sits at (25 - 1) / 98
  const s = scales[0][0];
  close(styleAt(s, (25 - 1) / 98), PERCENTILES.indexOf(25), 1e-9);
  assert.equal(styleScales(meta), scales, 'memoised per meta');
});

test('percentile scale falls back to the overall table when a model has no per-class one', () => {
  const scales = styleScales(fakeMeta(1, { perClass: false }));
  for (let c = 0; c < NUM_CLASSES; c++) close(styleAt(scales[c][0], 0), 5000);
});

test('positionOf inverts styleAt', () => {
  const s = styleScales(fakeMeta(1))[6][0];
  for (const u of [0, 0.01, 0.2, 0.5, 0.77, 1]) close(positionOf(s, styleAt(s, u)), u, 1e-9, `u=${u}: `);
});

test('styleValues mixes the classes\' scales with the classes\' weights', () => {
  const scales = styleScales(fakeMeta(2));
  const classes = morphClasses(3, 8, 0.25);
  const [v0, v1] = styleValues([0.5, 1], scales, classes);
  close(v0, 0.75 * styleAt(scales[3][0], 0.5) + 0.25 * styleAt(scales[8][0], 0.5));
  close(v1, 0.75 * styleAt(scales[3][1], 1) + 0.25 * styleAt(scales[8][1], 1));
  // a pure class is that class's own scale
  close(styleValues([0.2, 0.7], scales, onehot(5))[1], styleAt(scales[5][1], 0.7));
});

test('stateCode: the state\'s classes, then its slider positions in the model\'s units', () => {
  const scales = styleScales(fakeMeta(1));
  const c = stateCode({ mode: 'pair', from: 1, to: 2, t: 0.5, digit: 0, style: [1] }, scales);
  assert.equal(c.length, NUM_CLASSES + 1);
  close(c[1], 0.5);
  close(c[2], 0.5);
  close(c[NUM_CLASSES], 0.5 * styleAt(scales[1][0], 1) + 0.5 * styleAt(scales[2][0], 1), 1e-4);
});

test('gridCodes: rows x classes, row-major, rows from low to high style', () => {
  const scales = styleScales(fakeMeta(2));
  const rows = 5;
  const codes = gridCodes(scales, rows);
  assert.equal(codes.length, rows * NUM_CLASSES);
  codes.forEach((c, i) => {
    const r = Math.floor(i / NUM_CLASSES);
    const d = i % NUM_CLASSES;
    assert.equal(c.length, NUM_CLASSES + 2);
    assert.deepEqual(Array.from(c.slice(0, NUM_CLASSES)), onehot(d), `code ${i} is class ${d}`);
    for (const k of [0, 1]) close(c[NUM_CLASSES + k], styleAt(scales[d][k], r / (rows - 1)), 1e-4, `row ${r} class ${d} dim ${k}: `);
  });
  assert.ok(codes[0][NUM_CLASSES] < codes[(rows - 1) * NUM_CLASSES][NUM_CLASSES], 'the first row is the low style');
  // one row: the median
  const one = gridCodes(scales, 1);
  assert.equal(one.length, NUM_CLASSES);
  close(one[7][NUM_CLASSES], styleAt(scales[7][0], 0.5), 1e-4);
});

test('wave goes 0 -> 1 -> 0 once per unit, for negative phases too', () => {
  for (const [p, v] of [[0, 0], [0.25, 0.5], [0.5, 1], [0.75, 0.5], [1, 0], [1.5, 1], [-0.25, 0.5], [-0.5, 1], [3.1, 0.2]]) close(wave(p), v, 1e-9, `wave(${p}): `);
});

test('playPatch moves only what Play plays', () => {
  const walk = { mode: 'walk', digit: 0, from: 0, to: 1, t: 0, style: [0, 0] };
  const phases = { digit: 0.25, style: [0.5, 0.25] };
  const both = playPatch(walk, phases, 'both');
  close(both.digit, 4.5);
  assert.deepEqual(both.style, [1, 0.5]);
  assert.equal(both.t, undefined);
  assert.deepEqual(Object.keys(playPatch(walk, phases, 'digit')), ['digit']);
  assert.deepEqual(Object.keys(playPatch(walk, phases, 'style')), ['style']);
  const pair = playPatch({ ...walk, mode: 'pair' }, phases, 'digit');
  assert.deepEqual(Object.keys(pair), ['t']);
  close(pair.t, 0.5);
});

test('phasesOf then playPatch gives the state back: Play resumes where the explorer is', () => {
  for (const digit of [0, 1, 3.3, 4.5, 8.9, 9]) {
    for (const style of [[0], [0.37], [1], [0.2, 0.9]]) {
      const state = { mode: 'walk', digit, from: 0, to: 1, t: 0, style };
      const patch = playPatch(state, phasesOf(state), 'both');
      close(patch.digit, digit, 1e-9, `digit ${digit}: `);
      patch.style.forEach((u, d) => close(u, style[d], 1e-9, `style ${d}: `));
    }
  }
  for (const t of [0, 0.2, 0.5, 1]) {
    const state = { mode: 'pair', digit: 0, from: 2, to: 6, t, style: [0.6] };
    const patch = playPatch(state, phasesOf(state), 'both');
    close(patch.t, t);
    close(patch.style[0], 0.6);
  }
  // on the way up: a little more phase moves forward
  const state = { mode: 'walk', digit: 4, from: 0, to: 1, t: 0, style: [0.3] };
  const ph = phasesOf(state);
  assert.ok(playPatch(state, { digit: ph.digit + 0.01, style: ph.style.map((p) => p + 0.01) }, 'both').digit > 4);
});

test('cyclePhases: one digit cycle, the style three times as fast, dimensions a quarter apart', () => {
  const ph = cyclePhases(0.1, 2);
  close(ph.digit, 0.1);
  close(ph.style[0], 0.3);
  close(ph.style[1], 0.55);
});
