// The models as the page sees them: a Decoder and an Encoder whose calls run in the TF.js worker
// (worker.js), and the Runtime that talks to it. Every call is asynchronous; the main thread never
// runs TF.js.
import { IMAGE_SIDE } from '../contract.js';

// One worker, started when the first call needs it. call(op, args, onProgress) -> Promise.
export class Runtime {
  constructor(url = new URL('./worker.js', import.meta.url)) {
    this.url = url;
    this.worker = null;
    this.pending = new Map();
    this.nextId = 1;
    this.listeners = { 'webgl-lost': [] };
    this.progress = new Map(); // url -> Set of onProgress(loaded, total)
  }

  // boot: { worker, error } when the page's first script has started this worker already (boot.js)
  start(boot = null) {
    if (this.worker) return this.worker;
    this.worker = boot?.worker ?? new Worker(this.url, { type: 'module' });
    this.worker.onmessage = ({ data }) => {
      if (data.event === 'progress') {
        this.progress.get(data.url)?.forEach((fn) => fn(...data.progress));
        return;
      }
      if (data.event) {
        this.listeners[data.event]?.forEach((fn) => fn());
        return;
      }
      const call = this.pending.get(data.id);
      if (!call) return;
      this.pending.delete(data.id);
      if (data.ok) call.resolve(data.result);
      else call.reject(new Error(data.error));
    };
    // the worker's own file missing or broken: nothing it could answer with
    this.worker.onerror = (e) => {
      e.preventDefault?.();
      const error = new Error(`the page's worker static/js/worker.js could not start${e.message ? ` (${e.message})` : ''}`);
      for (const call of this.pending.values()) call.reject(error);
      this.pending.clear();
      this.broken = error;
    };
    if (boot?.error) this.worker.onerror(boot.error); // it failed before anyone listened
    return this.worker;
  }

  // onProgress(loaded, total): the download of args.url, while this call runs
  call(op, args = {}, onProgress = null) {
    const worker = this.start();
    if (this.broken) return Promise.reject(this.broken);
    const id = this.nextId++;
    const answer = new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ id, op, ...args }, args.data instanceof Float32Array ? [args.data.buffer] : []);
    });
    if (!onProgress) return answer;
    if (!this.progress.has(args.url)) this.progress.set(args.url, new Set());
    this.progress.get(args.url).add(onProgress);
    const done = () => this.progress.get(args.url)?.delete(onProgress);
    answer.then(done, done);
    return answer;
  }

  // Start downloading a model's folder now (it is built later, by a 'build' call with the same url);
  // onProgress(loaded, total) hears the download until it ends.
  prefetch(baseUrl, folder, meta, onProgress = null) {
    const files = modelFiles(baseUrl, folder, meta);
    if (onProgress) {
      if (!this.progress.has(files.url)) this.progress.set(files.url, new Set());
      const listeners = this.progress.get(files.url);
      const once = (loaded, total) => {
        onProgress(loaded, total);
        if (loaded >= total) listeners.delete(once);
      };
      listeners.add(once);
    }
    this.start().postMessage({ op: 'prefetch', ...files });
  }

  // Hand `canvas` to the worker as `name`: runs that name it draw there (worker.js says why).
  // -> false where the browser cannot draw from a worker (the page then draws the pixels itself).
  attachCanvas(name, canvas) {
    if (typeof canvas.transferControlToOffscreen !== 'function' || typeof OffscreenCanvas === 'undefined') return false;
    const offscreen = canvas.transferControlToOffscreen();
    this.start().postMessage({ op: 'canvas', name, canvas: offscreen }, [offscreen]);
    return true;
  }

  on(event, fn) {
    this.listeners[event].push(fn);
  }

  // For a runtime of its own (the encoder's): start backend `name` once, or the next that works.
  useBackend(name) {
    if (this.backendName !== name) {
      this.backendName = name;
      this.backendReady = [name, 'wasm', 'cpu'].reduce(
        (tried, next) => tried.catch(() => this.call('backend', { name: next })), Promise.reject(new Error('none')));
    }
    return this.backendReady;
  }
}

// What the worker needs to fetch a model's folder: absolute URLs (the worker's base is its own file).
function modelFiles(baseUrl, folder, meta) {
  const base = new URL(baseUrl, document.baseURI).href;
  return { url: `${base}${folder}`, baseUrl: base, folder, hashes: meta.weights_sha256 };
}

// A model built in the worker. dispose() while calls are in flight lets them end first (the worker
// answers in the order asked), so a model switched away from mid-frame never fails that frame; a
// call made after dispose() is refused with a clear error.
class Net {
  constructor(runtime, handle, inputSize) {
    this.runtime = runtime;
    this.handle = handle;
    this.inputSize = inputSize;
    this.disposed = false;
  }

  static build(runtime, baseUrl, folder, meta, inputShape, onProgress = () => {}) {
    return runtime.call('build', { ...modelFiles(baseUrl, folder, meta), inputShape }, onProgress);
  }

  async run(flat, rows, draw = undefined) {
    if (this.disposed) throw new Error('this model was replaced');
    return this.runtime.call('run', { handle: this.handle, data: flat, shape: [rows, ...this.inputShape], draw });
  }

  dispose() {
    if (this.disposed) return;
    this.disposed = true;
    this.runtime.call('dispose', { handle: this.handle }).catch(() => {});
  }
}

export class Decoder extends Net {
  constructor(runtime, handle, meta) {
    super(runtime, handle);
    this.meta = meta;
    this.codeSize = meta.code_size;
    this.inputShape = [this.codeSize];
  }

  static async load(runtime, baseUrl, meta, onProgress) {
    const handle = await Net.build(runtime, baseUrl, 'decoder/', meta, [1, meta.code_size], onProgress);
    return new Decoder(runtime, handle, meta);
  }

  // codes: array of Float32Array(code_size) -> Float32Array(n * 784), pixels in [0, 1].
  async decode(codes) {
    const flat = new Float32Array(codes.length * this.codeSize);
    codes.forEach((c, i) => {
      if (c.length !== this.codeSize) throw new Error(`code ${i} has ${c.length} numbers, expected ${this.codeSize}`);
      flat.set(c, i * this.codeSize);
    });
    return this.run(flat, codes.length);
  }

  // Decode `code` now, before it is asked for (worker.js decodeAhead says why); nothing comes back.
  decodeAhead(code) {
    if (this.disposed) return;
    this.runtime.call('ahead', { handle: this.handle, data: Float32Array.from(code), shape: [1, this.codeSize] }).catch(() => {});
  }

  // Decode one code and draw it, in colours { ink, paper }, into the worker's canvas `canvas`
  // (Runtime.attachCanvas) -> { pixels, drawnAt, ahead: whether decodeAhead had decoded it }
  async decodeInto(code, canvas, { ink, paper }) {
    if (code.length !== this.codeSize) throw new Error(`the code has ${code.length} numbers, expected ${this.codeSize}`);
    return this.run(Float32Array.from(code), 1, { canvas, ink, paper });
  }
}

// The encoder: 28x28 images -> codes [probabilities, style]. Loaded only when a drawing needs it.
export class Encoder extends Net {
  constructor(runtime, handle) {
    super(runtime, handle);
    this.inputShape = [IMAGE_SIDE, IMAGE_SIDE, 1];
  }

  static async load(runtime, baseUrl, meta, onProgress) {
    return new Encoder(runtime, await Net.build(runtime, baseUrl, 'encoder/', meta, [1, IMAGE_SIDE, IMAGE_SIDE, 1], onProgress));
  }

  // pixels: Float32Array(IMAGE_SIDE²) in [0, 1] -> Float32Array(10 + k)
  async encode(pixels) {
    return this.run(Float32Array.from(pixels), 1);
  }
}
