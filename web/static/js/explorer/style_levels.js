// Your style on every digit, the rule: each class shows the stored style nearest the drawing's slant, then
// its width, from meta.json's level_traits (each class's decoded slant and width at every stored style the
// search tries). training/export/style_levels.py is the same rule; tests/cases/rules.json holds both's cases.
import { NUM_CLASSES } from './codes.js';
import { latticeLevels, toLevels } from './search.js';
import { IMAGE_SIDE, ROW_SLANT_TOLERANCE } from '../contract.js';

// A 28 x 28 image's slant (a right lean is positive) and width (columns with ink over 0.5), measured as
// training/export/analysis.py measures style_meaning's traits.
export function traitsOf(pixels) {
  let ink = 1e-9, sy = 0, sx = 0;
  for (let r = 0; r < IMAGE_SIDE; r++) {
    for (let c = 0; c < IMAGE_SIDE; c++) {
      const v = pixels[r * IMAGE_SIDE + c];
      ink += v;
      sy += v * r;
      sx += v * c;
    }
  }
  const cy = sy / ink, cx = sx / ink;
  let mu11 = 0, mu02 = 0, first = -1, last = -1;
  for (let r = 0; r < IMAGE_SIDE; r++) {
    for (let c = 0; c < IMAGE_SIDE; c++) {
      const v = pixels[r * IMAGE_SIDE + c];
      mu11 += v * (c - cx) * (r - cy);
      mu02 += v * (r - cy) * (r - cy);
      if (v > 0.5) {
        if (first < 0 || c < first) first = c;
        if (c > last) last = c;
      }
    }
  }
  return { slant: -(mu11 / ink) / Math.max(mu02 / ink, 1e-9), width: first < 0 ? 0 : last - first + 1 };
}

// The index of the stored style a class shows: among the lattice points `levels` within [low, high] on every
// dimension (all of them when none is), those whose slant is within ROW_SLANT_TOLERANCE of the nearest;
// of these the nearest width, then the nearest the median (the sum of the level differences), then the first.
export function pickLevel(levels, slant, width, { low, high, median }, target) {
  const inside = levels.flatMap((p, i) => (p.every((v, d) => low[d] <= v && v <= high[d]) ? [i] : []));
  const candidates = inside.length ? inside : levels.map((_, i) => i);
  const gap = (i) => Math.abs(slant[i] - target.slant);
  const nearest = Math.min(...candidates.map(gap));
  const key = (i) => [Math.abs(width[i] - target.width), levels[i].reduce((s, v, d) => s + Math.abs(v - median[d]), 0), i];
  const before = (a, b) => { for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return a[k] < b[k]; return false; };
  let best = -1;
  for (const i of candidates.filter((j) => gap(j) <= nearest + ROW_SLANT_TOLERANCE)) {
    if (best < 0 || before(key(i), key(best))) best = i;
  }
  return best;
}

// -> { low, high, median }: the levels nearest class c's 1st, 99th and 50th percentile style
export function classBounds(meta, c) {
  const table = meta.style_percentiles_per_class?.[String(c)] ?? meta.style_percentiles;
  const [low, high, median] = ['1', '99', '50'].map((q) => toLevels(table[q], meta));
  return { low, high, median };
}

// -> [10][style_dims]: every class's stored levels for a drawing of this { slant, width }
export function rowLevels(meta, levelTraits, target) {
  const levels = latticeLevels(meta.style_dims);
  return Array.from({ length: NUM_CLASSES }, (_, c) =>
    levels[pickLevel(levels, levelTraits.slant[c], levelTraits.width[c], classBounds(meta, c), target)]);
}
