// "Nearest real training images": beside the explorer's image, the three images of a small index
// of real TRAINING images shipped with the model (training/neighbours.py) nearest to it in pixel
// space, with their distances: a check that the decoder draws handwriting of its own and does not
// copy what it was trained on. Plain JS on pixels, no TensorFlow.js. The index (≤ 250 KB) is
// fetched only once the box is opened and a first frame is drawn, and decoded once per model;
// the search runs at most once per animation frame, on the newest decoded image.
import { stateClasses } from './codes.js';
import { IMAGE_SIDE, NUM_CLASSES } from '../contract.js';
import { drawDigit, imageBytes } from '../runtime/draw.js';
import { onFrame } from './render.js';
import { page } from './state.js';
import { $ } from '../dom.js';

export const K = 3;
const AREA = IMAGE_SIDE * IMAGE_SIDE;

// The k rows of `index` (n x 784 pixels, one row per image) nearest to `query` (784 pixels) by
// Euclidean distance, nearest first; a tie keeps the lower row first. -> [{ i, d }]
export function nearest(query, index, k = K) {
  const n = Math.floor(index.length / AREA);
  const best = []; // [{ i, d2 }], ascending
  for (let r = 0; r < n; r++) {
    const worst = best.length < k ? Infinity : best[best.length - 1].d2;
    const base = r * AREA;
    let s = 0;
    for (let y = 0; y < AREA && s < worst; y += IMAGE_SIDE) { // a row of pixels, then a cut-off check
      for (let p = y; p < y + IMAGE_SIDE; p++) {
        const t = query[p] - index[base + p];
        s += t * t;
      }
    }
    if (s >= worst) continue;
    let j = best.length;
    while (j > 0 && best[j - 1].d2 > s) j--;
    best.splice(j, 0, { i: r, d2: s });
    if (best.length > k) best.pop();
  }
  return best.map(({ i, d2 }) => ({ i, d: Math.sqrt(d2) }));
}

// The sprite's RGBA bytes (width x height; `rows` rows of `perRow` images, 28 px each, grey ink
// 255 on 0) -> Float32Array of rows * perRow images x 784 pixels in [0, 1], row by row.
export function spritePixels(rgba, width, rows, perRow) {
  const out = new Float32Array(rows * perRow * AREA);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < perRow; c++) {
      const base = (r * perRow + c) * AREA;
      for (let y = 0; y < IMAGE_SIDE; y++) {
        for (let x = 0; x < IMAGE_SIDE; x++) {
          out[base + y * IMAGE_SIDE + x] = rgba[4 * ((r * IMAGE_SIDE + y) * width + c * IMAGE_SIDE + x)] / 255;
        }
      }
    }
  }
  return out;
}

const loaded = new Map(); // model name -> Promise<{ about, pixels }>
const view = { opened: false, framed: false, pixels: null, queued: false, shown: '' };

async function loadIndex(meta) {
  const entry = meta.neighbours;
  const base = `models/${meta.name}/`;
  const response = await fetch(base + entry.index);
  if (!response.ok) throw new Error(`${base}${entry.index}: ${response.status}`);
  const about = await response.json();
  const img = new Image();
  img.src = base + about.sprite;
  try {
    await img.decode();
  } catch {
    throw new Error(`${base}${about.sprite}: could not be loaded`);
  }
  const perRow = about.per_class;
  if (img.naturalWidth !== perRow * IMAGE_SIDE || img.naturalHeight !== NUM_CLASSES * IMAGE_SIDE) {
    throw new Error(`${base}${about.sprite}: ${img.naturalWidth}×${img.naturalHeight} px, not what ${entry.index} says`);
  }
  return { about, pixels: spritePixels(imageBytes(img), img.naturalWidth, NUM_CLASSES, perRow) };
}

const thing = (meta) => (meta.dataset === 'mnist' ? 'digit' : 'image');
const fmt = (d) => d.toFixed(2);

function note(text) {
  $('nearest-note').textContent = text;
}

// What the check is, from meta.json alone: shown as the box opens, before the images arrive, so
// the note's size is settled once (their arrival moves nothing).
function caption(meta) {
  const entry = meta.neighbours;
  const from = entry.train_size ? ` from the ${entry.train_size.toLocaleString('en')} the model learnt from` : '';
  return `The ${K} nearest of ${entry.count.toLocaleString('en')} real training images (${entry.per_class} per class, ` +
    `drawn at random${from}), by Euclidean distance over the ${AREA} pixels (0–1), any class. A copy would be at 0. ` +
    `Real ${thing(meta)}s outside the sample lie about as far from theirs as the line above says; decoded ones a ` +
    'little closer, as pixel distance favours smooth, average strokes.';
}

// "3" -> "3s", "Dress" -> "Dresses" (as words.js says them)
const plural = (name) => `${name}${name.endsWith('s') ? 'es' : 's'}`;

// Empty the figures; `missing`: a sentence saying why there are none, shown in their place.
function clear(missing, text = '') {
  $('nearest').classList.toggle('empty', Boolean(missing));
  $('nearest-missing').hidden = !missing;
  $('nearest-missing').textContent = missing || '';
  $('nearest-ref').textContent = '';
  for (const fig of $('nearest').querySelectorAll('figure')) {
    fig.querySelector('canvas').getContext('2d').clearRect(0, 0, IMAGE_SIDE, IMAGE_SIDE);
    fig.querySelector('figcaption').textContent = text;
    delete fig.dataset.row;
    delete fig.dataset.source;
    delete fig.dataset.distance;
  }
}

// Search and draw for the newest decoded image (at most once per animation frame).
async function update() {
  view.queued = false;
  const meta = page.model;
  if (!view.opened || !view.framed || !meta || !view.pixels) return;
  if (!meta.neighbours) {
    if (view.shown !== `${meta.name}:none`) {
      view.shown = `${meta.name}:none`;
      clear('This model was converted without an index of training images (python -m training.neighbours ' +
        'adds one), so there is nothing to compare with.');
      note('');
    }
    return;
  }
  if (view.shown !== meta.name) {
    view.shown = meta.name;
    note(caption(meta));
    clear(false, `loading\n${Math.round(meta.neighbours.bytes / 1000)} KB`);
  }
  if (!loaded.has(meta.name)) loaded.set(meta.name, loadIndex(meta));
  let index;
  try {
    index = await loaded.get(meta.name);
  } catch (e) {
    loaded.delete(meta.name); // a later frame tries again
    view.shown = '';
    clear(`The training images could not be loaded: ${e.message}.`);
    return;
  }
  if (page.model !== meta) return; // another model meanwhile: its own frame will come
  const query = view.pixels;
  const frame = view.frame;
  const t0 = performance.now();
  const found = nearest(query, index.pixels);
  $('nearest').dataset.ms = (performance.now() - t0).toFixed(2);
  const figures = $('nearest').querySelectorAll('figure');
  found.forEach(({ i, d }, rank) => {
    const fig = figures[rank];
    const cls = Math.floor(i / index.about.per_class);
    const source = index.about.source_indices[cls][i % index.about.per_class];
    const name = meta.class_names[cls];
    drawDigit(fig.querySelector('canvas').getContext('2d'), index.pixels, i, 0, 0, page.colours.ink, page.colours.paper);
    fig.querySelector('canvas').setAttribute('aria-label',
      `Nearest training image ${rank + 1}: a ${name} (training image ${source}), at distance ${fmt(d)}`);
    fig.querySelector('figcaption').textContent = `${name}\n${fmt(d)}`;
    Object.assign(fig.dataset, { row: i, source, distance: d });
  });
  const classes = stateClasses(page.explorer);
  const c = classes.indexOf(Math.max(...classes));
  $('nearest-ref').textContent = `Real ${plural(meta.class_names[c])} outside the sample: ` +
    `${fmt(meta.neighbours.reference_p50_per_class[c])} from their nearest (median)`;
  $('nearest').dataset.frame = frame; // which decoded image this is, and its pixels (for tests)
  $('nearest').lastQuery = query;
}

function queue() {
  if (!view.queued) {
    view.queued = true;
    requestAnimationFrame(() => update());
  }
}

// Wire the box: render.js tells it of each decoded explorer image.
export function bindNearest() {
  view.frame = 0;
  onFrame((pixels) => {
    view.framed = true;
    view.pixels = pixels;
    view.frame++;
    $('nearest').dataset.decoded = view.frame; // the newest decoded image (for tests)
    if (view.opened) queue();
  });
  $('nearest-box').addEventListener('toggle', () => {
    view.opened = $('nearest-box').open;
    if (view.opened) queue();
  });
}
