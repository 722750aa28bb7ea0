// Models and backends: load a model's weights, start a backend, move to WebAssembly when WebGL is
// lost. Loads and switches run one at a time, the newest request wins; each ends by decoding the
// state and drawing the grid (render.js).
import { preferredBackend, startBackend } from '../runtime/backend.js';
import { Decoder, Runtime } from '../runtime/model.js';
import { page } from './state.js';
import { drawGrid, newDecoder, setStatus, showError, timings } from './render.js';
import { $ } from '../dom.js';
import { modelFile } from '../meta_file.js';

// TF.js runs in a worker (worker.js); everything here talks to it through this. (The encoder has
// a worker of its own: runtime/encoder.js.)
export const runtime = new Runtime();
let MODELS = [];

// The page's models (index.html's #models) and the worker boot.js started (else one starts now):
// main.js calls this before anything else here.
export function startRuntime(models, boot) {
  MODELS = models;
  runtime.start(boot);
  runtime.on('webgl-lost', webglLost);
}
const kb = (bytes) => Math.round(bytes / 1024).toLocaleString('en');

// What the page does around a load (main.js): show a model's menus, words and figures before its
// weights arrive; tell the drawing that the model is changing.
const hooks = { showModel: () => {}, modelChanged: () => {} };
export function onLoad({ showModel, modelChanged }) {
  Object.assign(hooks, { showModel, modelChanged });
}

export function showPreview(meta) {
  const img = $('preview');
  img.src = modelFile(meta, 'preview.png');
  img.hidden = false;
  $('grid').hidden = true;
}

// While a model loads or a backend starts (seconds on a software renderer), the pickers and the
// viewer say they are busy (aria-busy; style.css shows a spinner and dims the digit).
function showBusy(on) {
  for (const el of [document.querySelector('.pickers'), document.querySelector('.viewer')]) el.setAttribute('aria-busy', String(on));
}

// Loads and switches run one at a time in the order asked; of those waiting only the newest runs, and
// the one running stops early when a newer one waits. -> the job's result, or undefined when replaced
// before it started. With no job before it, a job starts at once (its requests reach the worker now).
const jobs = { chain: Promise.resolve(), latest: 0, running: 0, decoder: 0, unfinished: 0 };
function serialised(job) {
  const ticket = ++jobs.latest;
  page.loading = true;
  showBusy(true);
  const body = async () => {
    try {
      if (ticket !== jobs.latest) return undefined;
      jobs.running = ticket;
      return await job(() => ticket !== jobs.latest);
    } finally {
      jobs.unfinished--;
      if (jobs.running === ticket) jobs.running = 0;
      if (ticket === jobs.latest) {
        page.loading = false;
        showBusy(false);
      }
    }
  };
  const run = jobs.unfinished++ === 0 ? body() : jobs.chain.then(body);
  // every job loads a model: the drawing's result may not fit it (told after a job that starts at
  // once has sent its first request)
  hooks.modelChanged();
  jobs.chain = run.catch(() => {});
  return run;
}

// A load or switch waits to start: the grid being drawn stops.
export const newerJobWaiting = () => jobs.running !== 0 && jobs.running !== jobs.latest;

// The newest model asked for is loaded (and its decoder in page.decoder).
export const modelReady = () => Boolean(page.decoder) && jobs.decoder === jobs.latest;

// Resolves with the decoder of the newest model asked for, once it is loaded (at once if it is);
// rejects if that model cannot be loaded.
const decoderWaiters = [];
export function decoderReady() {
  if (modelReady()) return Promise.resolve(page.decoder);
  return new Promise((resolve, reject) => decoderWaiters.push({ resolve, reject }));
}

function showDownload(loaded, total) {
  page.progress = `loading the model… ${kb(loaded)} / ${kb(total)} KB`;
  setStatus();
}

// Load model `name` on the current backend (run only inside serialised()). stale() says a newer
// request waits; then this one stops as soon as it can.
async function loadModelNow(name, stale) {
  const meta = MODELS.find((m) => m.name === name) ?? MODELS[0];
  page.model = meta;
  $('model-picker').value = meta.name;
  const old = page.decoder;
  page.decoder = null; // (a decode still in flight on it ends first: Decoder.dispose waits for it)
  old?.dispose();
  timings.lastDecodeMs = null; // the old model's (or backend's) time says nothing about the new one
  page.progress = 'loading the model…';
  const loading = Decoder.load(runtime, `models/${meta.name}/`, meta, showDownload); // the worker builds while the page shows the model
  loading.catch(() => {}); // (handled below)
  hooks.showModel(meta);
  setStatus();
  let decoder;
  try {
    decoder = await loading;
  } catch (e) {
    page.progress = '';
    setStatus();
    if (stale()) return;
    decoderWaiters.splice(0).forEach((w) => w.reject(new Error(`the model "${meta.label}" could not be loaded`)));
    showError(`The model "${meta.label}" could not be loaded (${e.message}). Showing the pre-rendered grid instead.`);
    showPreview(meta);
    throw e;
  }
  page.progress = '';
  if (stale()) { // a newer request loads its own model next
    decoder.dispose();
    return;
  }
  page.decoder = decoder;
  $('error').hidden = true;
  $('grid').hidden = false;
  $('preview').hidden = true;
  jobs.decoder = jobs.latest; // (not stale: this job is the newest)
  decoderWaiters.splice(0).forEach((w) => w.resolve(decoder));
  await newDecoder(); // (a decode still in flight on the old decoder is dropped)
  if (quick.upgradeTo && !stale()) { // the first digit is on screen: now the fast backend, then the grid
    want.backend = 'auto';
    quick.upgrade = serialised(applyWanted);
    return;
  }
  if (!stale()) await drawGrid(newerJobWaiting);
}

// The first load on 'auto' decodes the first digit on the plain-JS backend (the smallest runtime), then
// moves to the device's fast backend (the weights are not downloaded again) and draws the grid.
const quick = { first: true, upgradeTo: null, upgrade: null };

// Resolves when the first load, and the move to the fast backend after it, have ended.
export async function settled() {
  while (quick.upgrade) {
    const upgrade = quick.upgrade;
    await upgrade.catch(() => {});
    if (quick.upgrade === upgrade) quick.upgrade = null;
  }
}

// What the newest requests asked for: a job loads the model (and starts the backend) wanted when it
// runs, so a model pick between two backend switches is kept, not replaced by the second switch.
const want = { backend: null, model: null };
async function applyWanted(stale) {
  if (want.backend) {
    const backend = want.backend;
    want.backend = null;
    // the old backend's decode time says nothing of the new one
    timings.lastDecodeMs = null;
    page.progress = `starting ${backend === 'auto' ? 'a backend' : backend}…`;
    setStatus();
    await useBackend(backend);
  }
  if (!stale()) await loadModelNow(want.model ?? page.model.name, stale);
}

// The model the newest request asked for (while it waits its turn, the page is still on another).
export const wantedModel = () => want.model;

export function loadModel(name) {
  want.model = name;
  const meta = MODELS.find((m) => m.name === name) ?? MODELS[0];
  runtime.prefetch(`models/${meta.name}/`, 'decoder/', meta, showDownload); // while the backend starts
  return serialised(applyWanted);
}

// The backend the first load starts ('auto' or a name in backend.js BACKENDS).
export function firstBackend(name) {
  want.backend = name;
}

async function useBackend(name) {
  // The first load on 'auto' starts the plain-JS backend at once; what the device's WebGL is (making
  // a context to ask is slow on a software renderer) is asked after the first digit.
  const quickStart = name === 'auto' && quick.first;
  quick.first = false;
  if (!page.webgl && !quickStart) {
    page.webgl = await runtime.call('webglInfo');
    // the picker says it before anyone picks it
    if (page.webgl.software) $('backend-picker').querySelector('option[value="webgl"]').textContent = 'WebGL (software, slow)';
  }
  const wanted = quickStart ? 'cpu' : name === 'auto' ? preferredBackend(page.webgl) : name;
  quick.upgradeTo = quickStart ? 'auto' : null;
  const { backend, errors } = await startBackend(runtime, wanted);
  if (backend !== wanted) console.warn(`backend ${wanted} unavailable, using ${backend}: ${errors.join('; ')}`);
  page.backend = backend;
  $('backend-picker').value = name === 'auto' ? 'auto' : backend;
  setStatus();
}

// A GPU can take the WebGL context away (driver reset, too many tabs, a phone saving power).
// Then the page moves to WebAssembly and reloads the model, so decoding goes on.
async function webglLost() {
  if (page.backend !== 'webgl') return;
  console.warn('WebGL context lost: switching to WebAssembly');
  page.note = 'WebGL was lost';
  // whatever runs on the lost context may never finish: do not wait for it (it sees itself stale)
  jobs.chain = Promise.resolve();
  await switchBackend('wasm');
}

// The model's weights live on the backend that loaded them: a new backend loads them again.
export async function switchBackend(name) {
  want.backend = name;
  await serialised(applyWanted);
  return page.backend;
}
