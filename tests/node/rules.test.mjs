// The page's side of tests/cases/rules.json (tests/test_rules.py checks training's side).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { NUM_CLASSES, styleAt, styleScales } from '../../web/static/js/explorer/codes.js';
import { bce, fromLevels, toLevels } from '../../web/static/js/explorer/search.js';
import { pickLevel, traitsOf } from '../../web/static/js/explorer/style_levels.js';

const CASES = JSON.parse(readFileSync(new URL('../cases/rules.json', import.meta.url)));
const close = (a, b, tol) => assert.ok(Math.abs(a - b) <= tol, `${a} is not within ${tol} of ${b}`);

test('percentile scale', () => {
  const { table, cases } = CASES.percentile_scale;
  const perClass = Object.fromEntries(Array.from({ length: NUM_CLASSES }, (_, c) => [String(c), table]));
  const scale = styleScales({ style_dims: 1, style_percentiles: table, style_percentiles_per_class: perClass })[4][0];
  for (const { u, style } of cases) close(styleAt(scale, u), style, 1e-5);
});

test('binary cross-entropy with the Keras clip', () => {
  for (const c of CASES.bce) close(bce(Float32Array.from(c.target), Float32Array.from(c.output)), c.bce, 1e-5 * c.bce);
});

test('stored style levels and back', () => {
  const meta = { style_range: CASES.levels.style_range };
  const [lo, hi] = meta.style_range[0];
  for (const { style, level } of CASES.levels.cases) {
    assert.deepEqual(toLevels([style], meta), [level]);
    if (style >= lo && style <= hi) close(fromLevels([level], meta)[0], style, (hi - lo) / 255 / 2 + 1e-9);
  }
});

test('slant and width', () => {
  for (const { ink, slant, width } of CASES.traits.cases) {
    const pixels = new Float32Array(28 * 28);
    for (const [row, col, value] of ink) pixels[row * 28 + col] = value;
    const measured = traitsOf(pixels);
    close(measured.slant, slant, 1e-6);
    assert.equal(measured.width, width);
  }
});

test('the stored style a class shows for a drawing', () => {
  for (const { levels, slant, width, cases } of CASES.style_level.tables) {
    for (const c of cases) {
      const bounds = { low: c.low, high: c.high, median: c.median };
      assert.equal(pickLevel(levels, slant, width, bounds, { slant: c.slant, width: c.width }), c.pick, JSON.stringify(c));
    }
  }
});
