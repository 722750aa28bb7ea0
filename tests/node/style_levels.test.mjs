// web/static/js/explorer/style_levels.js: every class's stored levels for a drawing, each within its own class's
// 1st-99th percentile (the rule itself: tests/cases/rules.json, checked in rules.test.mjs).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NUM_CLASSES } from '../../web/static/js/explorer/codes.js';
import { LEVELS } from '../../web/static/js/explorer/search.js';
import { classBounds, rowLevels } from '../../web/static/js/explorer/style_levels.js';

test('rowLevels: each class at its level of the drawing\'s slant, kept within its own percentiles', () => {
  // style_range [0, 255]: a style value is its level. Class c is upright at level 100 + 10 c and leans right
  // by 0.011 a level; class 9's styles end at level 150. Every width is 10.
  const table = (c) => ({ 1: [c === 9 ? 20 : 0], 50: [100], 99: [c === 9 ? 150 : 255] });
  const meta = {
    style_dims: 1, style_range: [[0, LEVELS - 1]], style_percentiles: table(0),
    style_percentiles_per_class: Object.fromEntries(Array.from({ length: NUM_CLASSES }, (_, c) => [String(c), table(c)])),
  };
  const levels = Array.from({ length: LEVELS }, (_, q) => q);
  const traits = {
    slant: Array.from({ length: NUM_CLASSES }, (_, c) => levels.map((q) => (q - 100 - 10 * c) * 0.011)),
    width: Array.from({ length: NUM_CLASSES }, () => levels.map(() => 10)),
  };
  assert.deepEqual(classBounds(meta, 9), { low: [20], high: [150], median: [100] });
  // slant 0.2: nearest at 118 + 10 c (0.198), so 114 + 10 c to 122 + 10 c lie within 0.05 of it, and the
  // lowest is nearest the median; class 9's nearest is its end, 150 (-0.44), and 146 lies within 0.05 of it
  const row = rowLevels(meta, traits, { slant: 0.2, width: 10 });
  assert.deepEqual(row, [114, 124, 134, 144, 154, 164, 174, 184, 194, 146].map((q) => [q]));
});
