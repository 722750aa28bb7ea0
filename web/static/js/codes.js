// Code vectors: 10 class numbers, then the style value(s). Pure functions, no TF.js.

export const NUM_CLASSES = 10;

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

// A slider position in [0, 1] per style dimension -> style values in the model's own units.
// Each class's digits occupy their own part of the style axis (meta.style_range_per_class: its
// 1st..99th percentile), so position u means "u of the way through this class's range"; a mixture
// of classes mixes their ranges with the same weights, and every position gives a plausible digit.
export function styleValues(unit, perClass, classes) {
  return perClass[0].map((_, d) => {
    let value = 0;
    for (let c = 0; c < NUM_CLASSES; c++) {
      const [lo, hi] = perClass[c][d];
      value += classes[c] * (lo + clamp(unit[d], 0, 1) * (hi - lo));
    }
    return value;
  });
}

// The code the explorer's state stands for: its classes, its style positions in the model's units.
export function stateCode(s, perClass) {
  const classes = stateClasses(s);
  return code(classes, styleValues(s.style, perClass, classes));
}

// The digits x styles grid, row-major: rows go from low to high style, every dimension together.
export function gridCodes(perClass, rows) {
  const codes = [];
  for (let r = 0; r < rows; r++) {
    const u = rows === 1 ? 0.5 : r / (rows - 1);
    for (let d = 0; d < NUM_CLASSES; d++) {
      const classes = morphClasses(d, d, 0);
      codes.push(code(classes, styleValues(perClass[0].map(() => u), perClass, classes)));
    }
  }
  return codes;
}

// 0 -> 1 -> 0 once per unit of phase
export const wave = (p) => 1 - Math.abs(1 - 2 * (((p % 1) + 1) % 1));

// The play animation at `phase` (a cycle per unit): digits walk 0 -> 9 -> 0 (or the pair morphs
// there and back), the style sweeps low -> high -> low three times as fast. what: digit|style|both.
export function playPatch(state, phase, what) {
  const patch = {};
  if (what !== 'style') {
    if (state.mode === 'pair') patch.t = wave(phase);
    else patch.digit = wave(phase) * (NUM_CLASSES - 1);
  }
  if (what !== 'digit') patch.style = state.style.map((_, d) => wave(phase * 3 + d * 0.25));
  return patch;
}
