// The code as a compressor (the proposal's future work): bits per image against reconstruction
// error, for the model's 12-bit code and for PNG, JPEG and WebP, from meta.json -> compression,
// which `python -m training.compression MODEL --write` records. Drawn from that data only.
import { extent, fitted, frame, logTicks, path, svg, ticks } from './plot.js';
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

// The point of the chart, from its rows: the code's bits against the smallest file of each codec.
export function squeezeLead(rows) {
  const ours = rows.find((r) => r.ours);
  const smallest = {};
  for (const r of rows.filter((x) => !x.ours)) {
    const codec = r.codec.replace(/ \(.*\)/, '');
    if (!(smallest[codec]?.bits_per_digit <= r.bits_per_digit)) smallest[codec] = r;
  }
  const files = Object.entries(smallest).sort((a, b) => a[1].bits_per_digit - b[1].bits_per_digit);
  if (!ours || !files.length) return null;
  const bits = (r) => Math.round(r.bits_per_digit).toLocaleString('en');
  const list = files.map(([codec, r]) => `${bits(r)} (${codec})`);
  const times = files.map(([, r]) => Math.round(r.bits_per_digit / ours.bits_per_digit).toLocaleString('en'));
  const ratio = times.length > 1 ? `${times[0]} to ${times.at(-1)} times as many` : `${times[0]} times as many`;
  return `Stored as its code, a test image takes ${bits(ours)} bits; the smallest image files of the same images take ` +
    `${list.length > 1 ? `${list.slice(0, -1).join(', ')} and ${list.at(-1)}` : list[0]} bits: ${ratio}.`;
}

// The chart's point drawn: an arrow from the code to the smallest file, "80 × the bits".
function gap(ours, rows, x, y, size) {
  const file = rows.filter((r) => !r.ours).reduce((a, b) => (b.bits_per_digit < a.bits_per_digit ? b : a));
  const [x0, x1] = [x(ours.bits_per_digit) + 10, x(file.bits_per_digit) - 8];
  const below = y(ours.bce) + 20;
  const at = below < size.height - size.bottom - 4 ? below : y(ours.bce) - 16;
  return svg('g', { class: 'gap', 'aria-hidden': 'true' },
    svg('path', { d: `M${x0},${at}H${x1}M${x1 - 6},${at - 4}L${x1},${at}L${x1 - 6},${at + 4}` }),
    svg('text', { x: (x0 + x1) / 2, y: at - 5, 'text-anchor': 'middle' },
      `${Math.round(file.bits_per_digit / ours.bits_per_digit).toLocaleString('en')} × the bits: ${name(file).replace(/ \(.*\)/, '')}`));
}

function chart(rows, series, width) {
  const bits = rows.map((r) => r.bits_per_digit);
  const [blo, bhi] = [Math.min(...bits) / 1.6, Math.max(...bits) * 1.6];
  const [lo, hi] = extent(rows.map((r) => r.bce), 0.1);
  const size = { width, height: Math.round(Math.min(360, Math.max(240, width * 0.4))), left: 52, right: 16, top: 24, bottom: 36 };
  const { root, x, y } = frame(size, [blo, bhi], [Math.max(0, lo), hi], {
    xLog: true, xTicks: logTicks(blo, bhi), yTicks: ticks(Math.max(0, lo), hi, 4),
    xFormat: (v) => v.toLocaleString('en'), yFormat: (v) => v.toFixed(2),
    xLabel: 'bits per image (log scale)', yLabel: 'test BCE per pixel (lower is closer)',
  });
  const dot = (r, cls, label) => svg('g', { class: `point ${cls}` },
    svg('circle', { cx: x(r.bits_per_digit), cy: y(r.bce), r: r.ours ? 6 : 3.5 }, svg('title', {}, rowText(r))),
    label ? svg('text', { x: x(r.bits_per_digit) + 8, y: y(r.bce) + 4 }, label) : '');
  for (const [codec, list] of Object.entries(series.lines)) {
    root.append(path(list.map((r) => [r.bits_per_digit, r.bce]), (v) => x(v), y, `codec-${codec.toLowerCase()}`));
    list.forEach((r, i) => root.append(dot(r, `codec-${codec.toLowerCase()}`, i === 0 ? `${codec} q${r.quality}` : '')));
  }
  for (const r of series.single) root.append(dot(r, 'codec-other', r.codec.replace(/ \(.*\)/, '')));
  if (series.ours) {
    root.append(dot(series.ours, 'ours', `this code: ${series.ours.bits_per_digit} bits`));
    root.append(gap(series.ours, rows, x, y, size));
  }
  root.setAttribute('role', 'img');
  const best = series.ours;
  root.setAttribute('aria-label', best ? `Bits per image against reconstruction error: ${rowText(best)}; ` +
    `the image codecs need ${Math.round(Math.min(...rows.filter((r) => !r.ours).map((r) => r.bits_per_digit))).toLocaleString('en')} bits or more`
    : 'Bits per image against reconstruction error');
  return root;
}

// The figures as a table too: what the chart shows, for screen readers and for reading exact values.
function table(rows, usable) {
  const head = ['codec', 'bits per image', 'test BCE', 'reader reads'];
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
export async function showSqueeze(box, meta, load, width) {
  const figures = (await load(meta)).compression;
  if (!figures?.rows?.length) {
    box.replaceChildren(el('p', { className: 'story-missing' }, 'No compression figures were measured for this model ' +
      `(python -m training.compression converted_model/${meta.name} --write records them).`));
    return;
  }
  const { rows } = figures;
  const series = chartSeries(rows);
  box.replaceChildren(el('p', { className: 'lead' }, squeezeLead(rows) ?? ''),
    el('figure', {}, fitted((w) => chart(rows, series, w), width),
      el('figcaption', {}, `Each of the ${figures.test_images.toLocaleString('en')} test images stored as the page stores a drawing ` +
        '(class + style levels) and as image files; decoded, compared with the original. Fewer bits lie left, closer ' +
        'reconstructions low.')), table(rows, figures.usable ?? 0.99));
}
