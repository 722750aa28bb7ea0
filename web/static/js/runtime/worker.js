// The page's TensorFlow.js, in a module Web Worker: starting a backend, building the models and
// decoding run here, so the main thread only draws and answers the user. runtime/model.js's Runtime is
// its other end. Requests: { id, op, ...args }; answers: { id, ok, result } or { id, ok: false, error },
// and { event: 'progress', url, progress: [loaded, total] } while a model downloads. TF.js work runs one
// request at a time in the order asked; downloads run beside it. A canvas handed over ({ op: 'canvas' })
// is drawn into by the runs that name it, so such a frame reaches the screen without the main thread.
import { webglInfo } from './backend.js';
import { drawDigit } from './draw.js';
import { buildNet, weightsOf } from './net.js';
import { fetchModel } from './weights.js';

const VENDOR = new URL('../../vendor/tfjs/', import.meta.url).href;
let tf = null;
const nets = new Map(); // handle -> a built model (net.js)
const downloads = new Map(); // url -> Promise<{ modelJson, specs, shards }>: a backend switch reuses the bytes
const canvases = new Map(); // name -> an OffscreenCanvas the page handed over
let nextHandle = 1;

async function importRuntime(file) {
  try {
    return await import(`${VENDOR}${file}`);
  } catch (e) {
    throw new Error(`the TensorFlow.js runtime file vendor/tfjs/${file} is missing or did not load (${e.message})`);
  }
}

async function core() {
  tf ??= await importRuntime('core.js');
  return tf;
}
core().catch(() => {}); // start at once; a failure is reported by the first request that needs it

// Start backend `name` ('wasm', 'webgl', 'cpu'); TF.js falls back quietly when one fails, so the
// answer is checked against tf.getBackend().
async function backend({ name }) {
  // (both at once: the backend's file and the code it shares with core.js download beside core.js)
  const [t, module] = await Promise.all([core(), importRuntime(`backend-${name}.js`)]);
  if (name === 'wasm') module.setWasmPaths(VENDOR);
  if (!(await t.setBackend(name)) || t.getBackend() !== name) throw new Error(`${name}: did not start`);
  if (name === 'webgl') {
    // a GPU can take the context away: the page then moves to WebAssembly (loader.js)
    t.backend().gpgpu?.gl?.canvas?.addEventListener('webglcontextlost', (e) => {
      e.preventDefault();
      queue = Promise.resolve(); // what runs on the lost context may never finish: the switch must not wait for it
      postMessage({ event: 'webgl-lost' });
    }, { once: true });
  }
  return name;
}

// Build the model at baseUrl + folder and, on WebGL and WebAssembly, decode once (the first predict
// compiles shaders and allocates); the plain-JS backend has nothing to warm. -> a handle for run/dispose.
async function build({ inputShape }, download) {
  const t = await core();
  const { modelJson, specs, shards } = await download;
  const net = buildNet(t, modelJson.modelTopology, weightsOf(t, specs, shards));
  if (t.getBackend() !== 'cpu') {
    const warm = t.tidy(() => net.predict(t.tensor(new Float32Array(inputShape.reduce((a, b) => a * b, 1)), inputShape)));
    await warm.data();
    warm.dispose();
  }
  const handle = nextHandle++;
  nets.set(handle, net);
  return handle;
}

async function predict(handle, data, shape) {
  const net = nets.get(handle);
  if (!net) throw new Error('this model was replaced');
  // (a model built before a backend switch still runs until the page replaces it: TF.js moves its
  // weights to the new backend as they are used, so a frame asked for meanwhile is drawn, not lost)
  const out = tf.tidy(() => net.predict(tf.tensor(data, shape)));
  try {
    return await out.data();
  } finally {
    out.dispose();
  }
}

// The image the page expects to ask for next ({ handle, code, pixels }; render.js guessNext), decoded
// while the worker would wait anyway: a run for that code draws these pixels instead of decoding again.
let ahead = null;
async function decodeAhead({ handle, data, shape }) {
  ahead = null;
  ahead = { handle, code: data, pixels: await predict(handle, data, shape) };
}

// The same code, but for float32 rounding (the page's guess adds two codes: an ulp or so off)
const SAME_CODE = 1e-6;
function aheadFor(handle, data) {
  const a = ahead;
  if (!a || a.handle !== handle || a.code.length !== data.length) return null;
  for (let i = 0; i < data.length; i++) if (Math.abs(a.code[i] - data[i]) > SAME_CODE * Math.max(1, Math.abs(data[i]))) return null;
  return a.pixels;
}

// -> the output's values; with `draw` ({ canvas, ink, paper }): { pixels, drawnAt (timeOrigin + now),
// ahead (decoded beforehand), workMs (the worker's part, added by onmessage) } once the image is drawn.
async function run({ handle, data, shape, draw }) {
  const early = shape[0] === 1 ? aheadFor(handle, data) : null;
  const pixels = early ? early.slice() : await predict(handle, data, shape); // (the answer's buffer is transferred: a copy)
  if (!draw) return pixels;
  drawDigit(context2d(draw.canvas), pixels, 0, 0, 0, draw.ink, draw.paper);
  return { pixels, drawnAt: performance.timeOrigin + performance.now(), ahead: Boolean(early) };
}

function canvasNamed(name) {
  const canvas = canvases.get(name);
  if (!canvas) throw new Error(`the page gave no canvas named ${name}`);
  return canvas;
}

// A 28-pixel image is drawn faster by the CPU than a GPU-backed canvas is made: willReadFrequently
// keeps the canvas in software (a GPU-backed first draw would delay the first frame).
const context2d = (name) => canvasNamed(name).getContext('2d', { willReadFrequently: true });

// RGBA bytes of a canvas the page handed over (for tests: what the page shows)
function canvasPixels({ name }) {
  const canvas = canvasNamed(name);
  return Array.from(context2d(name).getImageData(0, 0, canvas.width, canvas.height).data);
}

function dispose({ handle }) {
  if (ahead?.handle === handle) ahead = null;
  nets.get(handle)?.dispose();
  nets.delete(handle);
}

const OPS = {
  backend,
  build: (args) => build(args, downloads.get(args.url)),
  run,
  ahead: decodeAhead,
  dispose,
  canvasPixels,
  memory: async () => (await core()).memory(),
  webglInfo: () => webglInfo(() => new OffscreenCanvas(1, 1)),
  // for tests: take the WebGL context away as a GPU reset would
  loseWebglContext: () => { tf.backend().gpgpu.gl.getExtension('WEBGL_lose_context').loseContext(); },
};

// A download starts at once, outside the queue ('prefetch' asks for nothing else); its build waits its turn.
function startDownload({ url, baseUrl, folder, hashes }) {
  if (!downloads.has(url)) {
    const got = fetchModel(baseUrl, folder, hashes, (loaded, total) => postMessage({ event: 'progress', url, progress: [loaded, total] }));
    got.catch(() => downloads.delete(url)); // a failed download is tried again next time
    downloads.set(url, got);
  }
}

let queue = Promise.resolve();
onmessage = ({ data: { id, op, ...args } }) => {
  if (op === 'canvas') { // (its first drawing makes the canvas's backing: better now than in the first frame)
    canvases.set(args.name, args.canvas);
    context2d(args.name).putImageData(new ImageData(args.canvas.width, args.canvas.height), 0, 0); // transparent
  }
  if (op === 'build' || op === 'prefetch') startDownload(args);
  if (op === 'prefetch' || op === 'canvas') return;
  const receivedAt = performance.timeOrigin + performance.now();
  queue = queue.then(async () => {
    try {
      const result = await OPS[op](args);
      if (result?.drawnAt) result.workMs = result.drawnAt - receivedAt; // (waiting for the request before it too)
      const values = result?.pixels ?? result;
      const transfer = values instanceof Float32Array ? [values.buffer] : [];
      postMessage({ id, ok: true, result }, transfer);
    } catch (e) {
      postMessage({ id, ok: false, error: e.message });
    }
  });
};
