// The code as a compressor (the proposal's future work): bits per digit against reconstruction
// error, for the model's 12-bit code and for PNG, JPEG and WebP, from meta.json -> compression,
// which `python -m training.compression MODEL --write` records. Drawn from that data only.
import { extent, frame, logTicks, path, svg, ticks } from './plot.js';
import { el } from '../dom.js';

// Rows -> {ours, png, lines: {JPEG: [...], WebP: [...]}} sorted by bits.
export function chartSeries(rows) {
  const lines = {};
  for (const r of rows) {
    if (r.ours || r.quality == null) continue;
    (lines[r.codec] ??= []).push(r);
  }
  for (const list of Object.values(lines)) list.sort((a, b) => a.bits_per_digit - b.bits_per_digit);
  return { ours: rows.find((r) => r.ours) ?? null, single: rows.filter((r) => !r.ours && r.quality == null), lines };
}

const name = (r) => (r.quality == null ? r.codec : `${r.codec} q${r.quality}`);
const pct = (v) => (v == null ? '–' : `${(v * 100).toFixed(2)}%`);
export const rowText = (r) => `${r.ours ? 'this model\'s code' : name(r)}: ${r.bits_per_digit.toLocaleString('en')} bits, ` +
  `BCE ${r.bce.toFixed(4)}, reader ${pct(r.reader_accuracy)}`;

function chart(rows, series) {
  const bits = rows.map((r) => r.bits_per_digit);
  const [blo, bhi] = [Math.min(...bits) / 1.6, Math.max(...bits) * 1.6];
  const [lo, hi] = extent(rows.map((r) => r.bce), 0.1);
  const size = { width: 480, height: 260, left: 52, right: 16, top: 24, bottom: 36 };
  const { root, x, y } = frame(size, [blo, bhi], [Math.max(0, lo), hi], {
    xLog: true, xTicks: logTicks(blo, bhi), yTicks: ticks(Math.max(0, lo), hi, 4),
    xFormat: (v) => v.toLocaleString('en'), yFormat: (v) => v.toFixed(2),
    xLabel: 'bits per digit (log scale)', yLabel: 'test BCE per pixel (lower is closer)',
  });
  const dot = (r, cls, label) => svg('g', { class: `point ${cls}` },
    svg('circle', { cx: x(r.bits_per_digit), cy: y(r.bce), r: r.ours ? 6 : 3.5 }, svg('title', {}, rowText(r))),
    label ? svg('text', { x: x(r.bits_per_digit) + 8, y: y(r.bce) + 4 }, label) : '');
  for (const [codec, list] of Object.entries(series.lines)) {
    root.append(path(list.map((r) => [r.bits_per_digit, r.bce]), (v) => x(v), y, `codec-${codec.toLowerCase()}`));
    list.forEach((r, i) => root.append(dot(r, `codec-${codec.toLowerCase()}`, i === 0 ? `${codec} q${r.quality}` : '')));
  }
  for (const r of series.single) root.append(dot(r, 'codec-other', r.codec.replace(/ \(.*\)/, '')));
  if (series.ours) root.append(dot(series.ours, 'ours', `this code: ${series.ours.bits_per_digit} bits`));
  root.setAttribute('role', 'img');
  const best = series.ours;
  root.setAttribute('aria-label', best ? `Bits per digit against reconstruction error: ${rowText(best)}; ` +
    `the image codecs need ${Math.round(Math.min(...rows.filter((r) => !r.ours).map((r) => r.bits_per_digit))).toLocaleString('en')} bits or more`
    : 'Bits per digit against reconstruction error');
  return root;
}

// The figures as a table too: what the chart shows, for screen readers and for reading exact values.
function table(rows, usable) {
  const head = ['codec', 'bits per digit', 'test BCE', 'reader reads'];
  return el('details', { className: 'squeeze-details' }, el('summary', {}, 'The figures'),
    el('table', {}, el('thead', {}, el('tr', {}, ...head.map((h) => el('th', { scope: 'col' }, h)))),
      el('tbody', {}, ...rows.map((r) => el('tr', { className: r.ours ? 'ours' : '' },
        el('th', { scope: 'row' }, r.ours ? 'this model\'s code' : name(r) + (r.smallest_usable ? ' (smallest usable)' : '')),
        el('td', {}, r.bits_per_digit.toLocaleString('en')), el('td', {}, r.bce.toFixed(4)),
        el('td', {}, pct(r.reader_accuracy)))))),
    el('p', {}, `"Usable": the independent reader reads at least ${Math.round(usable * 100)}% of the reconstructions as their class.`));
}

// Fill `box` with the compression chart of `meta`'s model; load(meta) gives its whole meta.json
// (sections.js fetches it once for the figures that need it). A model without the figures says so.
export async function showSqueeze(box, meta, load) {
  const figures = (await load(meta)).compression;
  if (!figures?.rows?.length) {
    box.replaceChildren(el('p', { className: 'story-missing' }, 'No compression figures were measured for this model ' +
      `(python -m training.compression converted_model/${meta.name} --write records them).`));
    return;
  }
  const { rows } = figures;
  box.replaceChildren(el('figure', {}, chart(rows, chartSeries(rows)),
    el('figcaption', {}, `Each of the ${figures.test_images.toLocaleString('en')} test images stored as the page stores a drawing ` +
      '(class + style levels) and as image files; decoded, compared with the original.')), table(rows, figures.usable ?? 0.99));
}
