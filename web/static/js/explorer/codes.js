// Code vectors: 10 class numbers, then the style value(s). Pure functions, no TF.js.

import { NUM_CLASSES } from '../contract.js';

export { NUM_CLASSES };

export const clamp = (v, lo, hi) => Math.min(hi, Math.max(lo, v));

// The code for class weights `classes` (length 10) and `style` (length k).
export function code(classes, style) {
  return Float32Array.from([...classes, ...style]);
}

// Morph from class a to class b: (1 - t) * onehot(a) + t * onehot(b).
export function morphClasses(a, b, t) {
  const c = new Array(NUM_CLASSES).fill(0);
  c[a] += 1 - t;
  c[b] += t;
  return c;
}

// The digit slider: position p in [0, 9] mixes floor(p) and the next digit.
export function walkClasses(p) {
  const pos = clamp(p, 0, NUM_CLASSES - 1);
  const i = Math.min(Math.floor(pos), NUM_CLASSES - 2);
  return morphClasses(i, i + 1, pos - i);
}

// The classes of the explorer's state: the digit walk, or the from -> to morph.
export function stateClasses(s) {
  return s.mode === 'pair' ? morphClasses(s.from, s.to, s.t) : walkClasses(s.digit);
}

const exact = (v) => Math.round(v * 1e9) / 1e9; // (3.4 - 3 is 0.3999…)

// One explorer state, whichever control set it: `patch` applied to `s` (without a mode: the walk if it
// sets the digit, the morph if it sets an end or t), the other control's values showing the same image:
// a walk is the morph between its two digits; a morph, the walk's position where it lies on the walk, else its nearer end.
export function oneState(s, patch) {
  const mode = patch.mode ?? ('digit' in patch ? 'walk' : ['from', 'to', 't'].some((k) => k in patch) ? 'pair' : s.mode);
  const next = { ...s, ...patch, mode };
  if (mode === 'walk') {
    const digit = clamp(next.digit, 0, NUM_CLASSES - 1);
    const from = Math.min(Math.floor(digit), NUM_CLASSES - 2);
    return { ...next, digit, from, to: from + 1, t: exact(digit - from) };
  }
  const { from, to, t } = next;
  const nearer = t < 0.5 ? from : to;
  return { ...next, digit: Math.abs(from - to) === 1 ? exact(Math.min(from, to) + (to > from ? t : 1 - t)) : from === to ? from : nearer };
}

// A class's style scale: slider position u in [0, 1] <-> style value through the class's training
// percentiles, linear between them (docs/PAGE.md says why). -> scales[class][dimension] = { u, v, q }
// (positions, style values and percentiles of the knots), memoised per meta.
const scaleCache = new WeakMap();
export function styleScales(meta) {
  if (!scaleCache.has(meta)) {
    const scales = Array.from({ length: NUM_CLASSES }, (_, c) => {
      const table = meta.style_percentiles_per_class?.[String(c)] ?? meta.style_percentiles;
      const qs = Object.keys(table).map(Number).sort((a, b) => a - b);
      const u = qs.map((q) => (q - qs[0]) / (qs[qs.length - 1] - qs[0]));
      return Array.from({ length: meta.style_dims }, (_, d) => ({ u, v: qs.map((q) => table[String(q)][d]), q: qs }));
    });
    scaleCache.set(meta, scales);
  }
  return scaleCache.get(meta);
}

// piecewise-linear y(x) through the points (xs[i], ys[i]), xs non-decreasing; clamped at the ends
function interpolate(xs, ys, x) {
  if (x <= xs[0]) return ys[0];
  for (let i = 1; i < xs.length; i++) {
    if (x <= xs[i]) return xs[i] === xs[i - 1] ? ys[i] : ys[i - 1] + ((x - xs[i - 1]) / (xs[i] - xs[i - 1])) * (ys[i] - ys[i - 1]);
  }
  return ys[ys.length - 1];
}

export const styleAt = (scale, u) => interpolate(scale.u, scale.v, clamp(u, 0, 1));
export const positionOf = (scale, value) => interpolate(scale.v, scale.u, value);
export const percentileOf = (scale, u) => interpolate(scale.u, scale.q, clamp(u, 0, 1));

// Slider positions (one per style dimension) -> style values in the model's own units. A mixture
// of classes mixes their scales with the same weights, so every position gives a plausible digit.
export function styleValues(unit, scales, classes) {
  return scales[0].map((_, d) => {
    let value = 0;
    for (let c = 0; c < NUM_CLASSES; c++) {
      if (classes[c]) value += classes[c] * styleAt(scales[c][d], unit[d]);
    }
    return value;
  });
}

// The code the explorer's state stands for: its classes, its style positions in the model's units.
export function stateCode(s, scales) {
  const classes = stateClasses(s);
  return code(classes, styleValues(s.style, scales, classes));
}

// The digits x styles grid, row-major: rows go from low to high style, every dimension together.
export function gridCodes(scales, rows) {
  const codes = [];
  for (let r = 0; r < rows; r++) {
    const u = rows === 1 ? 0.5 : r / (rows - 1);
    for (let d = 0; d < NUM_CLASSES; d++) {
      const classes = morphClasses(d, d, 0);
      codes.push(code(classes, styleValues(scales[0].map(() => u), scales, classes)));
    }
  }
  return codes;
}

// 0 -> 1 -> 0 once per unit of phase
export const wave = (p) => 1 - Math.abs(1 - 2 * (((p % 1) + 1) % 1));

// The play animation: the digits walk 0 -> 9 -> 0 (or the pair morphs there and back) once per
// unit of phases.digit; each style value sweeps low -> high -> low once per unit of phases.style[d].
// what: digit|style|both.
export function playPatch(state, phases, what) {
  const patch = {};
  if (what !== 'style') {
    if (state.mode === 'pair') patch.t = wave(phases.digit);
    else patch.digit = wave(phases.digit) * (NUM_CLASSES - 1);
  }
  if (what !== 'digit') patch.style = state.style.map((_, d) => wave(phases.style[d]));
  return patch;
}

// One whole cycle, as the exports record it: at `phase` in [0, 1), the style three times as fast.
export const cyclePhases = (phase, dims) => ({ digit: phase, style: Array.from({ length: dims }, (_, d) => phase * 3 + d * 0.25) });

// The phases at which the animation shows `state` (on the way up), so that Play goes on from
// where the explorer is instead of starting over.
export function phasesOf(state) {
  const digit = state.mode === 'pair' ? state.t : state.digit / (NUM_CLASSES - 1);
  return { digit: clamp(digit, 0, 1) / 2, style: state.style.map((u) => clamp(u, 0, 1) / 2) };
}
