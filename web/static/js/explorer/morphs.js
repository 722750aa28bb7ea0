// The codes and words of two features (pure functions, no DOM, no TF.js): the grid with in-between
// columns (figure 8 of the proposal: 0 -> 1 -> ... -> 9 with morph steps between neighbours) and the
// reader along a morph (what the frozen classifier reads at each t). A drawing's style written on every
// class has its rule in style_levels.js.
import { NUM_CLASSES, code, morphClasses, styleValues } from './codes.js';

// The columns of the in-between grid: class i, then `steps` mixtures of i and i + 1 at
// t = k / (steps + 1), ..., then class 9. -> [{ from, to, t }] (a whole class has t = 0, to = from + 1,
// except the last, 9 -> 9).
export function inbetweenColumns(steps) {
  const columns = [];
  for (let i = 0; i < NUM_CLASSES; i++) {
    const to = Math.min(i + 1, NUM_CLASSES - 1);
    columns.push({ from: i, to, t: 0 });
    if (i === NUM_CLASSES - 1) break;
    for (let k = 1; k <= steps; k++) columns.push({ from: i, to, t: k / (steps + 1) });
  }
  return columns;
}

// The style row r of `rows`, as the grid has them: 0 is every class's 1st percentile, the last its 99th.
export const rowPosition = (r, rows) => (rows === 1 ? 0.5 : r / (rows - 1));

// The in-between grid's codes, row-major: rows from low to high style (every dimension together, as
// in codes.js gridCodes), columns as inbetweenColumns; a mixture mixes the classes' style scales with
// the same weights, as the explorer does.
export function inbetweenCodes(scales, rows, steps) {
  const columns = inbetweenColumns(steps);
  const codes = [];
  for (let r = 0; r < rows; r++) {
    const unit = scales[0].map(() => rowPosition(r, rows));
    for (const { from, to, t } of columns) {
      const classes = morphClasses(from, to, t);
      codes.push(code(classes, styleValues(unit, scales, classes)));
    }
  }
  return codes;
}

// The morph a -> b the explorer is on, and how far along: the pair's from -> to, or for the digit
// walk the two neighbours it mixes (as codes.js walkClasses).
export function morphOf(state) {
  if (state.mode === 'pair') return { a: state.from, b: state.to, t: state.t };
  const pos = Math.min(NUM_CLASSES - 1, Math.max(0, state.digit));
  const a = Math.min(Math.floor(pos), NUM_CLASSES - 2);
  return { a, b: a + 1, t: pos - a };
}

// n points of t from 0 to 1
export const stripTs = (n) => Array.from({ length: n }, (_, i) => i / (n - 1));

// The codes along a -> b at the explorer's style positions, one per t of stripTs(n).
export function stripCodes(a, b, unit, scales, n) {
  return stripTs(n).map((t) => {
    const classes = morphClasses(a, b, t);
    return code(classes, styleValues(unit, scales, classes));
  });
}

const argmax = (xs) => xs.reduce((best, x, i) => (x > xs[best] ? i : best), 0);

// "reads as 3 · 97 %": the class the reader's probabilities put first, and how sure it is.
export function readingOf(probs, names) {
  const cls = argmax(Array.from(probs).slice(0, NUM_CLASSES));
  const p = probs[cls];
  return { cls, p, text: `reads as ${names[cls]} · ${Math.round(p * 100)} %` };
}

// The strip's series: P(a), P(b) and P(anything else) at each point, from the reader's probabilities.
export function stripSeries(probs, a, b) {
  const pa = probs.map((p) => p[a]);
  const pb = probs.map((p) => (a === b ? 0 : p[b]));
  const other = probs.map((p, i) => Math.max(0, 1 - pa[i] - pb[i]));
  return { pa, pb, other };
}

// The stretches of t over which the reader reads one class: [{ cls, from, to }] (t of the points).
export function readSegments(ts, probs) {
  const segments = [];
  probs.forEach((p, i) => {
    const cls = argmax(Array.from(p).slice(0, NUM_CLASSES));
    const last = segments[segments.length - 1];
    if (last && last.cls === cls) last.to = ts[i];
    else segments.push({ cls, from: ts[i], to: ts[i] });
  });
  return segments;
}

const tText = (t) => (t === 0 || t === 1 ? String(t) : t.toFixed(2));

// The strip in words (its text alternative): "3 → 8: read as 3 for t 0–0.45, as 8 for t 0.50–1;
// anything else at most 12 % (at t = 0.45)."
export function stripText(ts, probs, a, b, names) {
  const head = `${names[a]} → ${names[b]}`;
  const segments = readSegments(ts, probs).map(({ cls, from, to }) => (
    `as ${names[cls]} ${from === to ? `at t ${tText(from)}` : `for t ${tText(from)}–${tText(to)}`}`));
  const { other } = stripSeries(probs, a, b);
  const worst = argmax(other);
  return `${head}: read ${segments.join(', ')}; anything else at most ${Math.round(other[worst] * 100)} % ` +
    `(at t = ${tText(ts[worst])}).`;
}

// The strip in plain words, under it: "Reads 3 up to t = 0.45, then 8."
export function stripWords(ts, probs, names) {
  const segments = readSegments(ts, probs);
  if (segments.length === 1) return `Reads ${names[segments[0].cls]} all the way.`;
  return `Reads ${segments.map(({ cls, to }, i) => (i < segments.length - 1 ? `${names[cls]} up to t = ${tText(to)}` : names[cls]))
    .join(', then ')}.`;
}
