// Start-up and the render loop: pick a backend, load the model, decode the state on every
// animation frame it changed, draw the digit, the code and the grid.
import { BACKENDS, preferredBackend, startBackend, webglInfo } from './backend.js';
import { NUM_CLASSES, clamp, gridCodes, percentileOf, positionOf, stateClasses, stateCode, styleScales } from './codes.js';
import { GRID_GAP, GRID_ROWS, IMAGE_SIDE } from './contract.js';
import { drawCode } from './bars.js';
import { drawDigit, inkColours } from './draw.js';
import { Decoder } from './model.js';
import { bindExports } from './export.js';
import { showMeaning } from './meaning.js';
import { OwnDigit } from './own.js';
import { formatHash, parseHash } from './share.js';
import { Controls } from './ui.js';
import { ordinal, pageTexts } from './words.js';

const tf = window.tf;
const $ = (id) => document.getElementById(id);
const MODELS = JSON.parse($('models').textContent);
const PITCH = IMAGE_SIDE + GRID_GAP; // a grid cell and the gap after it, in canvas pixels
const query = new URLSearchParams(location.search);

const app = {
  decoder: null,
  loading: false,
  progress: '', // what a model load has done so far, for the status line
  hashTimer: 0,
  note: '', // why the backend is not the one picked, if it changed by itself
  backend: null,
  meta: null,
  dirty: false,
  busy: false,
  lastDecodeMs: null,
  colours: null,
  webgl: null, // { available, renderer, software }
  inputSince: null, // timeStamp of the oldest input event not yet on screen
  firstFrameMs: null, // navigation start -> first decoded digit drawn
  latencies: [], // input event -> its digit drawn, ms, the last 1,000 frames
  decodeTimes: [], // decode of one image, ms, the last 1,000 frames
};

function showError(message) {
  const box = $('error');
  box.textContent = message;
  box.hidden = false;
}

function setStatus() {
  const ms = app.lastDecodeMs == null ? '' : ` · last decode ${app.lastDecodeMs.toFixed(1)} ms`;
  // a software renderer (SwiftShader, llvmpipe) draws many times slower than WebAssembly: say so
  const soft = app.backend === 'webgl' && app.webgl?.software ? 'software renderer' : '';
  const note = [soft, app.note].filter(Boolean).map((n) => ` (${n})`).join('');
  $('status').textContent = `${app.backend}${note}${app.progress ? ` · ${app.progress}` : ms}`;
}

// Decode at once when idle (no wait for the next animation frame: that would add up to 16 ms);
// while a decode runs, further input only marks the state dirty, and the newest state is decoded
// as soon as it ends. So there is never more than one decode in flight and no backlog.
function schedule() {
  app.dirty = true;
  if (!app.busy) renderFrame();
}

async function renderFrame() {
  if (!app.decoder || !app.dirty || app.busy) return;
  app.dirty = false;
  app.busy = true;
  const since = app.inputSince;
  app.inputSince = null;
  const decoder = app.decoder;
  try {
    const c = stateCode(controls.state, styleScales(app.meta));
    const t0 = performance.now();
    const pixels = await decoder.decode([c]);
    if (decoder !== app.decoder) return; // the model or backend changed meanwhile: a stale frame
    app.lastDecodeMs = performance.now() - t0;
    app.decodeTimes = [...app.decodeTimes.slice(-999), app.lastDecodeMs];
    drawDigit($('digit').getContext('2d'), pixels, 0, 0, 0, app.colours.ink, app.colours.paper);
    drawCode($('code'), Array.from(c.slice(0, NUM_CLASSES)), Array.from(c.slice(NUM_CLASSES)),
      app.meta.style_range, app.meta.class_names);
    setStatus();
    const now = performance.now();
    app.firstFrameMs ??= now;
    if (since != null) app.latencies = [...app.latencies.slice(-999), now - since];
  } catch (e) {
    showError(`Decoding failed: ${e.message}`);
  } finally {
    if (decoder === app.decoder) { // else loadModel has already reset `busy` for the new decoder
      app.busy = false;
      if (app.dirty) setTimeout(renderFrame, 0); // yield to input and paint, then the newest state
    }
  }
}

// Row by row (one style, every class: one batch of 10), yielding to input between rows, so that
// a slider moved while the grid draws waits for one row at most, not for the whole grid.
// -> { ms, longestRowMs }, or null when a newer grid or another model took over.
let gridToken = 0;
async function drawGrid() {
  const token = ++gridToken;
  const decoder = app.decoder;
  if (!decoder) return null; // a model is loading; it draws its own grid
  const t0 = performance.now();
  const ctx = $('grid').getContext('2d');
  const codes = gridCodes(styleScales(app.meta), GRID_ROWS);
  let longestRowMs = 0;
  // a newer grid, another model, or a load waiting to start: this grid stops (before a decode too,
  // as the model may have been replaced while this yielded)
  const superseded = () => token !== gridToken || decoder !== app.decoder || newerJobWaiting();
  for (let r = 0; r < GRID_ROWS; r++) {
    if (superseded()) return null;
    const tRow = performance.now();
    const pixels = await decoder.decode(codes.slice(r * NUM_CLASSES, (r + 1) * NUM_CLASSES));
    if (superseded()) return null;
    ctx.clearRect(0, r * PITCH, ctx.canvas.width, PITCH);
    for (let c = 0; c < NUM_CLASSES; c++) drawDigit(ctx, pixels, c, c * PITCH, r * PITCH, app.colours.ink, app.colours.paper);
    longestRowMs = Math.max(longestRowMs, performance.now() - tRow);
    await new Promise((resolve) => setTimeout(resolve, 0)); // let waiting input and frames run
  }
  return { ms: performance.now() - t0, longestRowMs };
}

function showPreview(meta) {
  const img = $('preview');
  img.src = `models/${meta.name}/preview.png`;
  img.hidden = false;
  $('grid').hidden = true;
}

// Everything shown of a model that needs no weights: its classes in the menus, its words, its figures.
function showModel(meta) {
  controls.setModel(meta);
  showTexts(meta);
  own.showEmpty();
  labelGridCells(meta);
  showFigures(meta);
}

// The texts that depend on the model's dataset and style values (words.js), into the elements
// whose data-text names them.
function showTexts(meta) {
  const texts = pageTexts(meta);
  document.title = texts.title;
  for (const el of document.querySelectorAll('[data-text]')) el.textContent = texts[el.dataset.text];
}

function showFigures(meta) {
  const m = meta.metrics;
  $('figures').textContent = `This model: test accuracy ${(m.test_accuracy * 100).toFixed(2)}% · ` +
    `reconstruction BCE ${m.test_bce.toFixed(4)} per pixel` +
    (m.test_bce_style_head === undefined ? '' : ` (styles found by search; the style head alone ${m.test_bce_style_head.toFixed(4)})`) +
    ` · decoder ${meta.parameters.decoder.toLocaleString('en')} ` +
    `parameters, ${(meta.decoder_multiply_adds / 1e6).toFixed(1)} M multiply-adds per image.`;
}

// Backend switches and model loads run one at a time, in the order asked: a switch disposes the
// model that a load still in flight is about to draw with (two picks 50 ms apart used to throw
// "Layer 'dec_dense' is already disposed"). Of the requests waiting, only the newest runs; the one
// running finishes early (its grid stops) when a newer one waits. -> the job's result, or undefined
// when a newer request replaced it before it started.
const jobs = { chain: Promise.resolve(), latest: 0, running: 0, decoder: 0 };
function serialised(job) {
  const ticket = ++jobs.latest;
  app.loading = true;
  showBusy(true);
  own.modelChanged(); // every job loads a model: the drawing's result may not fit it
  const run = jobs.chain.then(async () => {
    if (ticket !== jobs.latest) return undefined;
    jobs.running = ticket;
    try {
      return await job(() => ticket !== jobs.latest);
    } finally {
      if (jobs.running === ticket) jobs.running = 0;
      if (ticket === jobs.latest) {
        app.loading = false;
        showBusy(false);
      }
    }
  });
  jobs.chain = run.catch(() => {});
  return run;
}
// While a model loads or a backend starts (seconds on a software renderer), the pickers and the
// viewer say they are busy (aria-busy; style.css shows a spinner and dims the digit).
function showBusy(on) {
  for (const el of [document.querySelector('.pickers'), document.querySelector('.viewer')]) el.setAttribute('aria-busy', String(on));
}

const newerJobWaiting = () => jobs.running !== 0 && jobs.running !== jobs.latest;

// Resolves with the decoder of the newest model asked for, once it is loaded (at once if it is);
// rejects if that model cannot be loaded.
const decoderWaiters = [];
function decoderReady() {
  if (app.decoder && jobs.decoder === jobs.latest) return Promise.resolve(app.decoder);
  return new Promise((resolve, reject) => decoderWaiters.push({ resolve, reject }));
}

const kb = (bytes) => Math.round(bytes / 1024).toLocaleString('en');

// Load model `name` on the current backend (run only inside serialised()). stale() says a newer
// request waits; then this one stops as soon as it can.
async function loadModelNow(name, stale) {
  const meta = MODELS.find((m) => m.name === name) ?? MODELS[0];
  app.meta = meta;
  $('model-picker').value = meta.name;
  showModel(meta);
  const old = app.decoder;
  app.decoder = null; // (a decode still in flight on it ends first: Decoder.dispose waits for it)
  old?.dispose();
  app.lastDecodeMs = null; // the old model's (or backend's) time says nothing about the new one
  app.progress = 'loading the model…';
  setStatus();
  let decoder;
  try {
    decoder = await Decoder.load(tf, `models/${meta.name}/`, meta, (loaded, total) => {
      app.progress = `loading the model… ${kb(loaded)} / ${kb(total)} KB`;
      setStatus();
    });
  } catch (e) {
    app.progress = '';
    setStatus();
    if (stale()) return;
    decoderWaiters.splice(0).forEach((w) => w.reject(new Error(`the model "${meta.label}" could not be loaded`)));
    showError(`The model "${meta.label}" could not be loaded (${e.message}). Showing the pre-rendered grid instead.`);
    showPreview(meta);
    throw e;
  }
  app.progress = '';
  if (stale()) { // a newer request loads its own model next
    decoder.dispose();
    return;
  }
  app.decoder = decoder;
  app.busy = false; // a decode still in flight on the old decoder (a lost GPU may never answer) is dropped
  $('error').hidden = true;
  $('grid').hidden = false;
  $('preview').hidden = true;
  jobs.decoder = jobs.latest; // (not stale: this job is the newest)
  decoderWaiters.splice(0).forEach((w) => w.resolve(decoder));
  app.dirty = true;
  await renderFrame();
  if (!stale()) await drawGrid();
}

// What the newest requests asked for: a job loads the model (and starts the backend) wanted when it
// runs, so a model pick between two backend switches is kept, not replaced by the second switch.
const want = { backend: null, model: null };
async function applyWanted(stale) {
  if (want.backend) {
    const backend = want.backend;
    want.backend = null;
    // the old backend's decode time says nothing of the new one
    app.lastDecodeMs = null;
    app.progress = `starting ${backend === 'auto' ? 'a backend' : backend}…`;
    setStatus();
    await useBackend(backend);
  }
  if (!stale()) await loadModelNow(want.model ?? app.meta.name, stale);
}

function loadModel(name) {
  want.model = name;
  return serialised(applyWanted);
}

async function useBackend(name) {
  if (!app.webgl) {
    app.webgl = webglInfo();
    // the picker says it before anyone picks it
    if (app.webgl.software) $('backend-picker').querySelector('option[value="webgl"]').textContent = 'WebGL (software, slow)';
  }
  const wanted = name === 'auto' ? preferredBackend(app.webgl) : name;
  const { backend, errors } = await startBackend(tf, wanted);
  if (backend !== wanted) console.warn(`backend ${wanted} unavailable, using ${backend}: ${errors.join('; ')}`);
  app.backend = backend;
  $('backend-picker').value = name === 'auto' ? 'auto' : backend;
  setStatus();
  if (backend === 'webgl') watchWebglContext();
}

// A GPU can take the WebGL context away (driver reset, too many tabs, a phone saving power).
// Then the page moves to WebAssembly and reloads the model, so decoding goes on.
function watchWebglContext() {
  const canvas = tf.backend().gpgpu?.gl?.canvas;
  canvas?.addEventListener('webglcontextlost', async (e) => {
    e.preventDefault();
    if (app.backend !== 'webgl') return;
    console.warn('WebGL context lost: switching to WebAssembly');
    app.note = 'WebGL was lost';
    // whatever runs on the lost context may never finish: do not wait for it (it sees itself stale)
    jobs.chain = Promise.resolve();
    await switchBackend('wasm');
  }, { once: true });
}

// The model's weights live on the backend that loaded them: a new backend loads them again.
async function switchBackend(name) {
  want.backend = name;
  await serialised(applyWanted);
  return app.backend;
}

// Mark the grid cell the explorer was set to, until the explorer leaves it.
let marked = null; // JSON of the state the marked cell set
function markCell(col, row) {
  const mark = $('grid-mark');
  mark.style.setProperty('--col', col);
  mark.style.setProperty('--row', row);
  mark.hidden = false;
  $('grid-cells').querySelector('[aria-selected="true"]')?.setAttribute('aria-selected', 'false');
  gridCell(col, row).setAttribute('aria-selected', 'true');
  marked = JSON.stringify(controls.state);
}

function unmarkCell() {
  marked = null;
  $('grid-mark').hidden = true;
  $('grid-cells').querySelector('[aria-selected="true"]')?.setAttribute('aria-selected', 'false');
}

// Explore grid cell (col, row): from its class towards the next, so the morph slider has somewhere
// to go, at its row's style; then bring the explorer into view (it may be a screen above the grid).
function exploreCell(col, row) {
  const u = row / (GRID_ROWS - 1);
  controls.take({ mode: 'pair', from: col, to: (col + 1) % NUM_CLASSES, t: 0, style: app.meta.style_range.map(() => u) });
  markCell(col, row);
  const smooth = !matchMedia('(prefers-reduced-motion: reduce)').matches;
  document.querySelector('.viewer').scrollIntoView({ behavior: smooth ? 'smooth' : 'auto', block: 'nearest' });
}

// The grid as a keyboard and a screen reader meet it: a role=grid of cells laid over the canvas,
// one tab stop (the cell last focused has tabindex 0); arrows move, Home/End go to a row's ends,
// Enter or Space (or a click) explores the cell.
const gridCell = (col, row) => $('grid-cells').children[row].children[col];
function buildGridCells() {
  const box = $('grid-cells');
  for (let r = 0; r < GRID_ROWS; r++) {
    const row = document.createElement('div');
    row.setAttribute('role', 'row');
    row.className = 'grid-row';
    row.style.setProperty('--row', r);
    for (let c = 0; c < NUM_CLASSES; c++) {
      const cell = document.createElement('div');
      cell.setAttribute('role', 'gridcell');
      cell.setAttribute('aria-selected', 'false');
      cell.className = 'grid-cell';
      cell.tabIndex = r === 0 && c === 0 ? 0 : -1;
      Object.assign(cell.dataset, { col: c, row: r });
      cell.style.setProperty('--col', c);
      row.append(cell);
    }
    box.append(row);
  }
  const cellOf = (e) => e.target.closest('[role="gridcell"]');
  box.addEventListener('click', (e) => {
    const cell = cellOf(e);
    if (cell && app.meta) exploreCell(Number(cell.dataset.col), Number(cell.dataset.row));
  });
  box.addEventListener('keydown', (e) => {
    const cell = cellOf(e);
    if (!cell) return;
    const col = Number(cell.dataset.col);
    const row = Number(cell.dataset.row);
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      if (app.meta) exploreCell(col, row);
      return;
    }
    const move = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1],
      Home: [-col, 0], End: [NUM_CLASSES - 1 - col, 0] }[e.key];
    if (!move) return;
    e.preventDefault();
    const next = gridCell(clamp(col + move[0], 0, NUM_CLASSES - 1), clamp(row + move[1], 0, GRID_ROWS - 1));
    cell.tabIndex = -1;
    next.tabIndex = 0;
    next.focus();
  });
}

// Each cell says what it holds: "3, 30th percentile of style"
function labelGridCells(meta) {
  const scales = styleScales(meta);
  for (let r = 0; r < GRID_ROWS; r++) {
    for (let c = 0; c < NUM_CLASSES; c++) {
      const p = Math.round(percentileOf(scales[c][0], r / (GRID_ROWS - 1)));
      gridCell(c, r).setAttribute('aria-label', `${meta.class_names[c]}, ${ordinal(p)} percentile of style`);
    }
  }
}
buildGridCells();

const controls = new Controls((state) => {
  if (marked && marked !== JSON.stringify(state)) unmarkCell();
  schedule();
  writeHash();
  if (app.meta) showMeaning(app.meta, stateClasses(state));
});

document.querySelector('.controls').addEventListener('input', (e) => { app.inputSince ??= e.timeStamp; }, true);
for (const type of ['change', 'click']) document.querySelector('.controls').addEventListener(type, () => writeHash());

// The URL hash follows the state (replaceState: no history entry per slider step), at most 4x a second.
function writeHash() {
  clearTimeout(app.hashTimer);
  app.hashTimer = setTimeout(hashNow, 250);
}

function hashNow() {
  clearTimeout(app.hashTimer);
  if (!app.meta) return;
  history.replaceState(null, '', formatHash({
    model: app.meta.name, state: controls.state, play: controls.playing,
    what: $('play-what').value, speed: $('play-speed').value,
  }));
}

// "Copy link": the address of what is on screen now (the hash may be up to 250 ms behind).
$('copy-link').addEventListener('click', async () => {
  hashNow();
  try {
    await navigator.clipboard.writeText(location.href);
    $('export-status').value = 'Link copied';
  } catch {
    $('export-status').value = 'Could not copy: the address bar has the link';
  }
});

// Apply what a shared link (or an edited hash) sets; parseHash has already dropped anything odd.
async function applyShared(shared) {
  if (shared.model && shared.model !== app.meta?.name) await loadModel(shared.model);
  const patch = { ...shared.state };
  if (patch.style) {
    patch.style = Array.from({ length: app.meta.style_dims }, (_, d) => patch.style[d] ?? controls.state.style[d] ?? 0.5);
  }
  if (shared.what) $('play-what').value = shared.what;
  if (shared.speed) $('play-speed').value = shared.speed;
  controls.set(patch);
  if (shared.play !== undefined) controls.togglePlay(shared.play);
}

async function start() {
  // tf-layers.min.js makes a `tf` object even when tf-core.min.js is missing: check what each file gives
  if (typeof tf?.setBackend !== 'function') throw new Error('the TensorFlow.js runtime file vendor/tfjs/tf-core.min.js is missing or did not load');
  if (typeof tf.loadLayersModel !== 'function') throw new Error('the TensorFlow.js runtime file vendor/tfjs/tf-layers.min.js is missing or did not load');
  app.colours = inkColours(document.body);
  const requested = query.get('backend');
  const names = MODELS.map((m) => m.name);
  const shared = parseHash(location.hash, names);
  const first = shared.model ?? (names.includes(query.get('model')) ? query.get('model') : names[0]);
  want.backend = BACKENDS.includes(requested) ? requested : 'auto';
  showModel(MODELS.find((m) => m.name === first) ?? MODELS[0]); // menus and words at once, not after the download
  await loadModel(first);
  await applyShared({ ...shared, model: undefined });
  addEventListener('hashchange', () => applyShared(parseHash(location.hash, names)).catch(() => {}));

  $('model-picker').addEventListener('change', (e) => {
    loadModel(e.target.value).catch(() => {});
    writeHash();
  });
  $('backend-picker').addEventListener('change', (e) => {
    app.note = '';
    switchBackend(e.target.value).catch(() => {}); // a failure is shown on the page
  });
  matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => {
    app.colours = inkColours(document.body);
    schedule();
    drawGrid();
  });
}

bindExports({
  decoder: decoderReady, meta: () => app.meta, state: () => controls.state, what: () => $('play-what').value,
});

const own = new OwnDigit({
  tf,
  meta: () => app.meta,
  backend: () => app.backend,
  modelReady: () => Boolean(app.decoder) && jobs.decoder === jobs.latest,
  decoderReady,
  colours: () => app.colours,
  // set the explorer to a drawing's compressed code: its class, its style within that class's range
  explore({ cls, code: c }) {
    const style = styleScales(app.meta)[cls].map((scale, d) => positionOf(scale, c[NUM_CLASSES + d]));
    controls.take({ mode: 'pair', from: cls, to: cls, t: 0, style: style.map((u) => Math.min(1, Math.max(0, u))) });
    $('digit').scrollIntoView({ behavior: 'smooth', block: 'center' });
  },
});

const ready = start().catch((e) => {
  if (!app.meta) {
    showError(`Digit Morph could not start: ${e.message}.`);
    showPreview(MODELS[0]);
  }
  throw e;
});
ready.catch(() => {}); // shown on the page; the API's `ready` still rejects for tests

// A small API for tests and tools.
window.digitMorph = {
  ready,
  get backend() { return app.backend; },
  get model() { return app.meta; },
  get webgl() { return app.webgl; },
  get loading() { return app.loading; }, // true while a model loads and draws its first frame
  get state() { return structuredClone(controls.state); },
  get lastDecodeMs() { return app.lastDecodeMs; },
  async decode(codes) { return app.decoder.decode(codes.map((c) => Float32Array.from(c))); },
  setState(patch) { controls.set(patch); },
  setBackend: switchBackend,
  memory() { return tf.memory(); },
  // for the benchmark: timings as the user feels them
  get firstFrameMs() { return app.firstFrameMs; },
  frameLatencies() { return [...app.latencies]; },
  decodeTimes() { return [...app.decodeTimes]; },
  drawGrid,
  // draw-your-own: paste a side x side grey image as the drawing; resolves to its encoding
  // (if a model is loading, it waits for it)
  async encodeDrawing(pixels, side = IMAGE_SIDE) {
    own.sketch.paste(Float32Array.from(pixels), side);
    return own.update();
  },
  // the drawing's current result ({ model, cls, code, … }), or null
  get drawing() { return own.result && structuredClone(own.result); },
};
