// Loading the converted models and running them.
//
// The page fetches model.json and its weight shards itself (not tf.loadLayersModel(url)), so that
// a failure names the file ("…/group1-shard1of1.bin: 404" rather than a TF.js message about typed
// array lengths), each shard's SHA-256 is checked against meta.json's `weights_sha256` (a shard of
// the right length with damaged bytes would otherwise draw garbage silently), and the download
// can report its progress in bytes.

const BYTES = { float32: 4, int32: 4, uint16: 2, float16: 2, uint8: 1, bool: 1 };

// The bytes a manifest's weights take in its shards (quantised weights store their quantised dtype).
export function manifestBytes(manifest) {
  let total = 0;
  for (const group of manifest) {
    for (const w of group.weights) {
      const dtype = w.quantization?.dtype ?? w.dtype;
      if (!(dtype in BYTES)) throw new Error(`weight ${w.name}: unsupported dtype ${dtype}`);
      total += w.shape.reduce((a, b) => a * b, 1) * BYTES[dtype];
    }
  }
  return total;
}

const hex = (buffer) => Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, '0')).join('');

// fetch `url` as an ArrayBuffer; any failure says which file; onChunk(bytes) as the body arrives.
async function fetchBytes(url, onChunk = () => {}) {
  let response;
  try {
    response = await fetch(url);
  } catch (e) {
    throw new Error(`${url}: ${e.message}`);
  }
  if (!response.ok) throw new Error(`${url}: ${response.status}`);
  if (!response.body) {
    const buffer = await response.arrayBuffer();
    onChunk(buffer.byteLength);
    return buffer;
  }
  const chunks = [];
  let length = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    length += value.length;
    onChunk(value.length);
  }
  const out = new Uint8Array(length);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out.buffer;
}

// Load the TF.js Layers model in `folder` (e.g. "decoder/") of the model at `baseUrl`.
// `hashes`: meta.weights_sha256 ({"decoder/group1-shard1of1.bin": hex}); without it, or without
// crypto.subtle (a page served over plain http from another host), the shards are not checked.
// onProgress(loaded, total) in bytes of weights.
export async function loadLayers(tf, baseUrl, folder, hashes, onProgress = () => {}) {
  const jsonUrl = `${baseUrl}${folder}model.json`;
  let modelJson;
  try {
    modelJson = JSON.parse(new TextDecoder().decode(await fetchBytes(jsonUrl)));
  } catch (e) {
    throw new Error(e.message.startsWith(jsonUrl) ? e.message : `${jsonUrl}: ${e.message}`);
  }
  const manifest = modelJson.weightsManifest;
  if (!Array.isArray(manifest)) throw new Error(`${jsonUrl}: no weightsManifest`);
  const total = manifestBytes(manifest);
  let loaded = 0;
  onProgress(0, total);
  const paths = manifest.flatMap((group) => group.paths); // in order: the weights run across them
  const shards = [];
  for (const path of paths) {
    shards.push(await fetchBytes(`${baseUrl}${folder}${path}`, (n) => onProgress((loaded += n), total)));
  }
  const got = shards.reduce((sum, s) => sum + s.byteLength, 0);
  if (got !== total) { // (a cut download: say so before the hash says the content is wrong)
    const where = paths.length === 1 ? `${baseUrl}${folder}${paths[0]}` : `${baseUrl}${folder}${paths.join(', ')}`;
    throw new Error(`${where}: ${got} bytes, model.json's weights need ${total}`);
  }
  if (hashes && globalThis.crypto?.subtle) {
    for (const [i, path] of paths.entries()) {
      const expected = hashes[`${folder}${path}`];
      if (expected && hex(await crypto.subtle.digest('SHA-256', shards[i])) !== expected.toLowerCase()) {
        throw new Error(`${baseUrl}${folder}${path}: content does not match meta.json (corrupted download?)`);
      }
    }
  }
  const weightSpecs = manifest.flatMap((group) => group.weights);
  const artifacts = tf.io.getModelArtifactsForJSONSync(modelJson, weightSpecs, shards); // TF.js 4 joins the shards
  return tf.loadLayersModel(tf.io.fromMemory(artifacts));
}

// A model run by decode/encode calls. dispose() while calls are in flight waits for them to end,
// so a model switched away from mid-frame never fails that frame with "already disposed"; a call
// made after dispose() is refused with a clear error.
class Net {
  constructor(tf, model) {
    this.tf = tf;
    this.model = model;
    this.running = 0;
    this.disposed = false;
  }

  // Run the model on the tensor `input()` makes, inside tf.tidy, and read the result, disposing
  // it after: no tensor outlives a call.
  async run(input) {
    if (this.disposed) throw new Error('this model was replaced');
    this.running++;
    try {
      const out = this.tf.tidy(() => this.model.predict(input()));
      try {
        return await out.data();
      } finally {
        out.dispose();
      }
    } finally {
      if (--this.running === 0 && this.disposed) this.model.dispose();
    }
  }

  dispose() {
    if (this.disposed) return;
    this.disposed = true;
    if (this.running === 0) this.model.dispose();
  }
}

export class Decoder extends Net {
  constructor(tf, model, meta) {
    super(tf, model);
    this.meta = meta;
    this.codeSize = meta.code_size;
  }

  static async load(tf, baseUrl, meta, onProgress) {
    const model = await loadLayers(tf, baseUrl, 'decoder/', meta.weights_sha256, onProgress);
    const decoder = new Decoder(tf, model, meta);
    await decoder.warmUp();
    return decoder;
  }

  // The first predict compiles shaders and allocates: do it before the user moves a slider.
  async warmUp() {
    await this.decode([new Float32Array(this.codeSize)]);
  }

  // codes: array of Float32Array(code_size) -> Float32Array(n * 784), pixels in [0, 1].
  async decode(codes) {
    const { tf } = this;
    const flat = new Float32Array(codes.length * this.codeSize);
    codes.forEach((c, i) => {
      if (c.length !== this.codeSize) throw new Error(`code ${i} has ${c.length} numbers, expected ${this.codeSize}`);
      flat.set(c, i * this.codeSize);
    });
    return this.run(() => tf.tensor2d(flat, [codes.length, this.codeSize]));
  }
}

// The encoder: 28x28 images -> codes [probabilities, style]. Loaded only when a drawing needs it.
export class Encoder extends Net {
  static async load(tf, baseUrl, meta, onProgress) {
    return new Encoder(tf, await loadLayers(tf, baseUrl, 'encoder/', meta.weights_sha256, onProgress));
  }

  // pixels: Float32Array(784) in [0, 1] -> Float32Array(10 + k)
  async encode(pixels) {
    const { tf } = this;
    return this.run(() => tf.tensor4d(pixels, [1, 28, 28, 1]));
  }
}
