// Fetching a converted model's model.json and weight shards (in the worker: worker.js).
//
// The page fetches the files itself (not tf.loadLayersModel(url)), so that a failure names the
// file ("…/group1-shard1of1.bin: 404" rather than a TF.js message about typed array lengths), each
// shard's SHA-256 is checked against meta.json's `weights_sha256` (a shard of the right length
// with damaged bytes would otherwise draw garbage silently), and the download reports its bytes.

import { QUANTIZED_DTYPE_BYTES, WEIGHT_DTYPE_BYTES } from '../contract.js';

// The bytes a manifest's weights take in its shards (quantised weights store their quantised dtype).
export function manifestBytes(manifest) {
  let total = 0;
  for (const group of manifest) {
    for (const w of group.weights) {
      const dtype = w.quantization ? w.quantization.dtype : w.dtype;
      const bytes = w.quantization ? QUANTIZED_DTYPE_BYTES : WEIGHT_DTYPE_BYTES;
      if (!Object.hasOwn(bytes, dtype)) throw new Error(`weight ${w.name}: unsupported dtype ${dtype}`);
      total += w.shape.reduce((a, b) => a * b, 1) * bytes[dtype];
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

// The Layers model in `folder` ("decoder/") at `baseUrl` -> { modelJson, specs, shards: [ArrayBuffer] }.
// `hashes` (meta.weights_sha256) checks the shards, where crypto.subtle exists; onProgress(loaded, total).
export async function fetchModel(baseUrl, folder, hashes, onProgress = () => {}) {
  const jsonUrl = `${baseUrl}${folder}model.json`;
  let modelJson;
  try {
    modelJson = JSON.parse(new TextDecoder().decode(await fetchBytes(jsonUrl)));
  } catch (e) {
    throw new Error(e.message.startsWith(jsonUrl) ? e.message : `${jsonUrl}: ${e.message}`);
  }
  const manifest = modelJson.weightsManifest;
  if (!Array.isArray(manifest) || !modelJson.modelTopology) throw new Error(`${jsonUrl}: not a TF.js Layers model (no modelTopology or weightsManifest)`);
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
  return { modelJson, specs: manifest.flatMap((group) => group.weights), shards };
}
