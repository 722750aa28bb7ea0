// How good is the model's test BCE? Against baselines from the data alone: a horizontal scale of
// test BCE per pixel with each baseline a labelled tick and this model's figure marked, from
// meta.json -> baselines, which `python -m training.baselines --data DATA --write MODEL` records
// (the model's own figure is meta.metrics.test_bce). The same figures as a table. Drawn from that
// data only.
import { fitted, scale, svg, ticks } from './plot.js';
import { NUM_CLASSES } from '../contract.js';
import { el } from '../dom.js';
import { realismBlock } from './realism.js';

// The tick's short label, and the table's longer name.
export const shortName = (name) => name.replace(/^per-class /, 'class ').replace(/PCA, (\d+) components?$/, 'PCA $1');
export function longName(name) {
  const pca = name.match(/^(per-class )?PCA, (\d+) components?$/);
  if (pca) {
    const k = Number(pca[2]);
    return pca[1] ? `its class's mean + ${k} principal component${k > 1 ? 's' : ''} of that class (true class given)`
      : `PCA with ${k} components over all classes`;
  }
  return {
    'entropy floor': 'each image itself (the entropy floor: nothing can score lower)',
    'mean image': 'the mean training image',
    'class mean': 'its class\'s mean image (true class given)',
  }[name] ?? name;
}

// Rows for the labels under the scale, each starting at its tick ([{x, width}] -> row numbers),
// placed right to left: below every tick it spans (no leader line crosses a label), in the first free row.
export function labelRows(items, gap = 6) {
  const rows = new Array(items.length);
  const order = items.map((_, i) => i).sort((a, b) => items[b].x - items[a].x || b - a);
  const placed = [];
  for (const i of order) {
    const { x, width } = items[i];
    let row = Math.max(0, ...placed.filter((j) => items[j].x >= x && items[j].x <= x + width).map((j) => rows[j] + 1));
    const clash = (r) => placed.some((j) => rows[j] === r && x < items[j].x + items[j].width + gap && items[j].x < x + width + gap);
    while (clash(row)) row += 1;
    rows[i] = row;
    placed.push(i);
  }
  return rows;
}

const CHAR = 6.2; // px per character of the plot's 11 px text, about
const fmt = (v) => v.toFixed(4);

// A baseline as the subject of a sentence: "PCA with 11 components over all classes"
function subject(name) {
  const pca = name.match(/^(per-class )?PCA, (\d+) components?$/);
  if (pca && pca[1]) return `the true class's mean plus ${pca[2]} of its principal components`;
  if (pca) return `PCA with ${pca[2]} components over all classes`;
  return { 'mean image': 'the mean training image', 'class mean': 'the true class\'s mean image' }[name] ?? name;
}

// What the scale proves, from its figures: the baselines this model beats, or what it offers that
// a closer one lacks (a code to read and set: classes to morph between, a style to sweep).
export function baselinesLead(entries, ours, meta) {
  const rivals = entries.filter(([name]) => name !== 'entropy floor'); // (a bound, not a rule)
  if (ours == null || !rivals.length) return null;
  const [bestName, best] = rivals.reduce((a, b) => (b[1] < a[1] ? b : a));
  const k = meta.style_dims;
  if (best >= ours) {
    return 'This model reconstructs the test images closer than every rule fitted on the training images alone: ' +
      `${fmt(ours)} against ${fmt(best)} for the best of them, ${subject(bestName)}.`;
  }
  const name = subject(bestName);
  const closer = `${name[0].toUpperCase()}${name.slice(1)} reconstructs the test images ${(ours - best) / ours < 0.02 ? 'slightly ' : ''}` +
    `closer than this model (${fmt(best)} against ${fmt(ours)})`;
  const code = `the ${NUM_CLASSES} class probabilities you morph between and ${k === 1 ? 'the style' : `${k} style values`} you sweep`;
  const pca = bestName.match(/^PCA, (\d+) components?$/);
  if (pca) return `${closer}, but its ${pca[1]} numbers are directions of pixel variance, not classes and a style; this model's ${NUM_CLASSES + k} are ${code}.`;
  if (bestName !== 'mean image') return `${closer}, but it is told each image's class; this model finds it, and its code is ${code}.`;
  return `${closer}; this model's code is ${code}.`;
}

function scaleSvg(entries, ours, width) {
  const [left, right, axisY] = [16, width - 16, 44];
  const labels = entries.map(([name, v]) => ({ name, v, text: `${shortName(name)} ${fmt(v)}` }));
  // the scale leaves room for the rightmost label, which starts at its tick as every label does
  const top = Math.max(...entries.map(([, v]) => v), ours ?? 0);
  const last = labels.reduce((a, b) => (b.v > a.v ? b : a));
  const xTop = Math.max(left + (right - left) / 2, right - last.text.length * CHAR);
  const hi = (top * (right - left)) / (xTop - left);
  const x = scale([0, hi], [left, right]);
  const placed = labels.map((l) => ({ ...l, start: x(l.v), w: l.text.length * CHAR, anchor: 'start' }));
  const rows = labelRows(placed.map((p) => ({ x: p.start, width: p.w })));
  const rowY = (r) => axisY + 34 + r * 15;
  const height = rowY(Math.max(0, ...rows)) + 8;
  const root = svg('svg', { viewBox: `0 0 ${width} ${height}`, class: 'plot baseline-scale' });
  const axes = svg('g', { class: 'axes', 'aria-hidden': 'true' },
    svg('line', { x1: left, x2: right, y1: axisY, y2: axisY, class: 'axis' }),
    svg('text', { x: left, y: 12, class: 'label' }, 'test BCE per pixel (lower is closer)'));
  for (const v of ticks(0, hi, 5)) {
    axes.append(svg('line', { x1: x(v), x2: x(v), y1: axisY, y2: axisY + 4, class: 'axis' }),
      svg('text', { x: x(v), y: axisY + 15, 'text-anchor': 'middle' }, v.toFixed(2)));
  }
  root.append(axes);
  placed.forEach((p, i) => {
    root.append(svg('g', { class: 'baseline', 'data-name': p.name },
      svg('path', { d: `M${x(p.v)},${axisY - 6}V${axisY + 4}M${x(p.v)},${axisY + 19}V${rowY(rows[i]) - 10}`, class: 'leader' }),
      svg('text', { x: x(p.v), y: rowY(rows[i]), 'text-anchor': p.anchor }, p.text)));
  });
  if (ours != null) {
    const [at, text] = [x(ours), `this model ${fmt(ours)}`];
    const half = (text.length * CHAR) / 2;
    const anchor = at + half > width ? 'end' : (at - half < 0 ? 'start' : 'middle');
    root.append(svg('g', { class: 'ours' },
      svg('path', { d: `M${at - 6},${axisY - 14}L${at + 6},${axisY - 14}L${at},${axisY - 1}Z` }),
      svg('text', { x: at, y: axisY - 18, 'text-anchor': anchor }, text)));
  }
  root.setAttribute('role', 'img');
  root.setAttribute('aria-label', 'Test BCE per pixel, lower is closer: ' +
    (ours != null ? `this model ${fmt(ours)}; ` : '') + entries.map(([n, v]) => `${shortName(n)} ${fmt(v)}`).join('; '));
  return root;
}

function table(entries, ours) {
  const rows = [...entries.map(([n, v]) => ({ name: longName(n), v })),
    ...(ours != null ? [{ name: 'this model', v: ours, ours: true }] : [])].sort((a, b) => b.v - a.v);
  return el('details', { className: 'squeeze-details baselines-details' }, el('summary', {}, 'The figures'),
    el('table', {}, el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'reconstruction'),
      el('th', { scope: 'col' }, 'test BCE per pixel'))),
    el('tbody', {}, ...rows.map((r) => el('tr', { className: r.ours ? 'ours' : '' },
      el('th', { scope: 'row' }, r.name), el('td', {}, fmt(r.v)))))));
}

// Fill `box` with the scale of `meta`'s model; load(meta) gives its whole meta.json (fetched once
// for the figures that need it). A model without the figures says so.
export async function showBaselines(box, meta, load, width) {
  const full = await load(meta);
  const figures = full.baselines;
  const entries = Object.entries(figures?.test_bce ?? {}).filter(([, v]) => Number.isFinite(v)).sort((a, b) => a[1] - b[1]);
  if (!entries.length) {
    box.replaceChildren(el('p', { className: 'story-missing' }, 'No baselines were measured for this model ' +
      `(python -m training.baselines --data DATA --write converted_model/${meta.name} records them).`));
    return;
  }
  const ours = Number.isFinite(full.metrics?.test_bce) ? full.metrics.test_bce : null;
  box.replaceChildren(el('p', { className: 'lead' }, baselinesLead(entries, ours, meta) ?? ''),
    el('figure', {}, fitted((w) => scaleSvg(entries, ours, w), width),
    el('figcaption', {}, `Each of the ${figures.test_images.toLocaleString('en')} test images reconstructed by a rule ` +
      'fitted on the training images alone (the true class given where a rule needs it; the model must find it), ' +
      'scored as the model is. "class PCA k": its class\'s mean plus k principal components; "PCA n": n components ' +
      `over all classes${entries.some(([n]) => n === `PCA, ${meta.code_size} components`) ? ` ("PCA ${meta.code_size}": as many numbers as this model's code)` : ''}.`)),
    table(entries, ours), realismBlock(meta, full));
}
