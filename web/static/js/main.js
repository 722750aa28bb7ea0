// Start-up: wire the controls, the grid, the drawing and the URL hash to the page's state
// (state.js), then pick a backend and load the model (loader.js). The flow from there on:
// input -> state -> decode -> draw (render.js), on every change of the state.
import { BACKENDS } from './runtime/backend.js';
import { NUM_CLASSES, positionOf, stateClasses, stateCode, styleScales } from './explorer/codes.js';
import { IMAGE_SIDE } from './contract.js';
import { inkColours } from './runtime/draw.js';
import { Autoplay } from './explorer/autoplay.js';
import { bindExports } from './explorer/export.js';
import { showFirstLook } from './explorer/firstlook.js';
import { buildGridCells, labelGridCells } from './explorer/grid.js';
import { decoderReady, firstBackend, startRuntime, loadModel, modelReady, newerJobWaiting, onLoad, runtime, settled, showPreview, switchBackend, wantedModel } from './explorer/loader.js';
import { showMeaning } from './explorer/meaning.js';
import { bindNearest } from './explorer/nearest.js';
import { DrawingPad } from './explorer/drawing_pad.js';
import { loadEncoder } from './runtime/encoder.js';
import { digitPixels, drawDigitsIn, drawGrid as drawGridRows, inputAt, schedule, showError, timings } from './explorer/render.js';
import { formatHash, parseHash } from './explorer/share.js';
import { startStory, storyCode, storyModel } from './figures/sections.js';
import { lazyFont } from './font/start.js';
import { page, subscribe } from './explorer/state.js';
import { Classifier } from './explorer/classifier.js';
import { Controls } from './explorer/controls.js';
import { InbetweenGrid } from './explorer/inbetween_grid.js';
import { StyleMap } from './explorer/stylemap.js';
import { StyleRow } from './explorer/stylerow.js';
import { pageTexts } from './explorer/words.js';
import { $, onColourScheme } from './dom.js';

// Navigations: an opened link, a hash change, a model pick, the user setting a control. Each is
// numbered; one that waits (for the page's first load, for its model) applies its state only if it
// is still the newest when the wait ends (applyShared), and until then a link's URL stays (hashNow).
const nav = { latest: 0, waiting: 0, firstLoad: null };
const navigate = () => {
  autoplay.stop();
  return ++nav.latest;
};
const query = new URLSearchParams(location.search);
const drawGrid = () => drawGridRows(newerJobWaiting);
const MODELS = JSON.parse($('models').textContent);
startRuntime(MODELS, self.digitMorphBoot); // first: the worker index.html's head started (boot.js)

// Input: the controls and the grid set the explorer; every change is decoded and drawn, goes into
// the URL hash, and says what the style means for the class on screen.
// First of all: the worker decodes (and draws) the new state while the page updates everything else.
subscribe(schedule);
drawDigitsIn(runtime);
const controls = new Controls({ moved: navigate });
const autoplay = new Autoplay((patch) => controls.set(patch)); // (it never writes the URL)
buildGridCells((patch) => controls.take(patch));
// the in-between grid, the model's own classifier along the way, your style on every class
const beside = { decoderReady, take: (patch) => controls.take(patch), drawing: () => pad.result, rowChanged: () => font.rowChanged() };
const inbetween = new InbetweenGrid(beside);
const classifier = new Classifier(beside);
const styleRow = new StyleRow(beside);
const styleMap = new StyleMap(beside); // the 2-D style pad's faint images
const font = lazyFont(() => styleRow.api.row); // your handwriting as a font (font/)
bindNearest(); // the nearest real training images, fetched once their box is opened
subscribe((state) => {
  if (!autoplay.running) writeHash();
  if (page.model) showMeaning(page.model, stateClasses(state));
  if (page.model) storyCode(() => stateCode(state, styleScales(page.model)));
});
document.querySelector('.controls').addEventListener('input', (e) => inputAt(e.timeStamp), true);
for (const type of ['change', 'click']) document.querySelector('.controls').addEventListener(type, () => writeHash());

// Everything shown of a model that needs no weights: its classes in the menus, its words, its figures.
function showModel(meta) {
  controls.setModel(meta);
  showTexts(meta);
  pad.showEmpty();
  labelGridCells(meta);
  styleRow.showModel(meta);
  showFigures(meta);
  storyModel(meta);
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

// The URL hash follows the state (replaceState: no history entry per slider step), at most 4x a second.
let hashTimer = 0;
function writeHash() {
  clearTimeout(hashTimer);
  hashTimer = setTimeout(hashNow, 250);
}

function hashNow() {
  clearTimeout(hashTimer);
  if (!page.model || nav.waiting === nav.latest) return;
  history.replaceState(null, '', formatHash({
    model: page.model.name, state: page.explorer, play: page.play.playing,
    what: page.play.what, speed: page.play.speed, between: inbetween.steps,
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

// The URL's own navigation (the link opened, an edited hash): the URL says it until it is applied.
function followLink(shared) {
  nav.waiting = navigate();
  return applyShared(shared, nav.waiting);
}

// Apply what a shared link (or an edited hash) sets; parseHash has already dropped anything odd.
// A link to another model sets its state once that model is loaded; a navigation made during the
// page's first load waits for it (a model asked for meanwhile would keep the first digit's backend).
async function applyShared(shared, mine = navigate()) {
  if (nav.firstLoad) await nav.firstLoad;
  if (mine !== nav.latest) return;
  // (a model asked for but still waiting its turn, or one another request waits to replace: load it anew)
  const onIt = shared.model === page.model?.name && shared.model === wantedModel();
  if (shared.model && !onIt) await loadModel(shared.model);
  if (mine !== nav.latest) return;
  nav.waiting = 0;
  const patch = { ...shared.state };
  if (patch.style) {
    patch.style = Array.from({ length: page.model.style_dims }, (_, d) => patch.style[d] ?? page.explorer.style[d] ?? 0.5);
  }
  controls.setPlay(shared);
  controls.set(patch);
  if (shared.play !== undefined) controls.togglePlay(shared.play);
  const offered = [...$('grid-steps').options].map((o) => Number(o.value)); // (the menu's numbers only)
  if (offered.includes(shared.between) && shared.between !== inbetween.steps) {
    inbetween.setSteps(shared.between)?.catch(() => {}); // (not awaited: the grid draws row by row)
  }
}

async function start() {
  page.colours = inkColours(document.body);
  const requested = query.get('backend');
  const names = MODELS.map((m) => m.name);
  const shared = parseHash(location.hash, names);
  const first = shared.model ?? (names.includes(query.get('model')) ? query.get('model') : names[0]);
  firstBackend(BACKENDS.includes(requested) ? requested : 'auto');
  const firstMeta = MODELS.find((m) => m.name === first) ?? MODELS[0];
  const loaded = loadModel(first); // first: the worker starts the backend and the download meanwhile
  loaded.catch(() => {}); // (awaited below)
  nav.firstLoad = loaded.then(settled).catch(() => {}).then(() => { nav.firstLoad = null; });
  const opened = followLink({ ...shared, model: undefined }); // (its model is the first one loaded)
  opened.catch(() => {}); // (awaited below)
  const arrived = nav.latest; // (a navigation after this one: no play-through)
  addEventListener('hashchange', () => followLink(parseHash(location.hash, names)).catch(() => {}));
  $('grid-steps').addEventListener('change', () => {
    navigate();
    writeHash();
  });
  $('model-picker').addEventListener('change', (e) => {
    applyShared({ model: e.target.value, state: {} }).catch(() => {});
    writeHash();
  });
  $('backend-picker').addEventListener('change', async (e) => {
    const name = e.target.value;
    if (nav.firstLoad) await nav.firstLoad; // (its move to the fast backend would undo this one)
    page.note = '';
    switchBackend(name).catch(() => {}); // a failure is shown on the page
  });
  showModel(firstMeta); // menus and words at once, not after the download
  // the pre-rendered grid and digit until the decoder draws its own (a state from the URL waits for it)
  const noDigitYet = () => timings.firstFrameMs == null;
  showFirstLook(firstMeta, Object.keys(shared.state ?? {}).length ? null : page.explorer, page.colours, { digit: $('digit-first'), grid: $('grid') }, noDigitYet)
    .catch(() => {});
  await loaded;
  await settled(); // (on 'auto': the move from the first digit's backend to the fast one)
  await opened;
  if (nav.latest === arrived && Autoplay.wanted(query, shared)) {
    clearTimeout(hashTimer); // (the URL stays as it arrived)
    autoplay.start();
  }
  onColourScheme(() => {
    page.colours = inkColours(document.body);
    schedule();
    drawGrid();
  });
}

bindExports({
  decoder: decoderReady, meta: () => page.model, state: () => page.explorer, what: () => page.play.what,
  gridLayout: () => inbetween.layout(),
});

const pad = new DrawingPad({
  meta: () => page.model,
  backend: () => page.backend,
  modelReady,
  decoderReady,
  colours: () => page.colours,
  changed: (result) => styleRow.drawingChanged(result),
  // set the explorer to a drawing's compressed code: its class, its style within that class's range
  explore({ cls, code: c }) {
    const style = styleScales(page.model)[cls].map((scale, d) => positionOf(scale, c[NUM_CLASSES + d]));
    controls.take({ mode: 'walk', digit: cls, style: style.map((u) => Math.min(1, Math.max(0, u))) });
    document.querySelector('.explorer').scrollIntoView({ behavior: 'smooth', block: 'start' });
  },
});
onLoad({ showModel, modelChanged: () => [pad, inbetween, classifier, styleRow, styleMap, font].forEach((f) => f.modelChanged()) });

const ready = start().catch((e) => {
  if (!page.model) {
    showError(`Digit Morph could not start: ${e.message}.`);
    showPreview(MODELS[0]);
  }
  throw e;
});
ready.catch(() => {}); // shown on the page; the API's `ready` still rejects for tests
startStory(ready); // the figures below the explorer: after the first frame, as they near the viewport
font.start(ready);

// A small API for tests and tools.
window.digitMorph = {
  ready,
  get backend() { return page.backend; },
  get model() { return page.model; },
  get webgl() { return page.webgl; },
  get loading() { return page.loading; }, // true while a model loads and draws its first frame
  get state() { return structuredClone(page.explorer); },
  get lastDecodeMs() { return timings.lastDecodeMs; },
  async decode(codes) { return page.decoder.decode(codes.map((c) => Float32Array.from(c))); },
  // images (arrays of IMAGE_SIDE² pixels in [0, 1]) -> their codes, by the model's encoder as is (no drawing pre-processing)
  async encode(images) {
    const encoder = await loadEncoder(page.model, page.backend);
    return Promise.all(images.map(async (pixels) => Array.from(await encoder.encode(Float32Array.from(pixels)))));
  },
  setState(patch) {
    autoplay.stop();
    controls.set(patch);
  },
  setBackend: switchBackend,
  memory() { return runtime.call('memory'); }, // the worker's tf.memory()
  loseWebglContext() { return runtime.call('loseWebglContext'); }, // as a GPU reset would
  // for the benchmark: timings as the user feels them
  get firstFrameMs() { return timings.firstFrameMs; },
  frameLatencies() { return [...timings.latencies]; },
  decodeTimes() { return [...timings.decodeTimes]; },
  workerTimes() { return [...timings.workerTimes]; }, // the worker's part of each frame it drew
  get aheadFrames() { return timings.aheadFrames; }, // frames drawn from an image decoded ahead (render.js guessNext)
  digitPixels, // the explorer's digit as shown: RGBA bytes
  drawGrid,
  // draw-your-own: paste a side x side grey image as the drawing; resolves to its encoding
  // (if a model is loading, it waits for it)
  async encodeDrawing(pixels, side = IMAGE_SIDE) {
    pad.sketch.paste(Float32Array.from(pixels), side);
    return pad.update();
  },
  // the drawing's current result ({ model, cls, code, … }), or null
  get drawing() { return pad.result && structuredClone(pad.result); },
  figure8: inbetween.api, // { setSteps(n), steps, layout }
  reader: classifier.api, // { loaded, reading, strip, made, read(pixels) }
  styleRow: styleRow.api, // { make(), row }
  font: font.api, // { open(), build('explorer' | 'drawing') }: docs/API.md
};
