// Decode the parity inputs of a converted model with TF.js in Node and report how far the results
// are from what Keras computed. Usage: node tests/node/parity.mjs MODEL_DIR [cpu|wasm]
// Prints one JSON line: {backend, decoder_max_abs_diff (pixels), encoder_probs_max_abs_diff,
// encoder_style_max_abs_diff (in style units), *_tensors_leaked} for tf-layers, and the same with
// net_ in front for the page's runner (web/static/js/runtime/net.js), plus net_*_vs_layers_max_abs_diff.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import * as tfl from '@tensorflow/tfjs-layers';
import { buildNet, weightsOf } from '../../web/static/js/runtime/net.js';

const [dir, backend = 'cpu'] = process.argv.slice(2);

function readF32(path) {
  const buf = readFileSync(path);
  return new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
}

// An IOHandler that reads model.json and its weight shards from disk.
function fromDisk(modelDir) {
  return {
    load: async () => {
      const json = JSON.parse(readFileSync(join(modelDir, 'model.json'), 'utf8'));
      const specs = json.weightsManifest.flatMap((g) => g.weights);
      const shards = json.weightsManifest.flatMap((g) => g.paths.map((p) => readFileSync(join(modelDir, p))));
      const all = Buffer.concat(shards);
      return {
        modelTopology: json.modelTopology,
        weightSpecs: specs,
        weightData: all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength),
      };
    },
  };
}

// Max |a - b| over the entries whose index within a row of `width` passes `keep`.
function maxAbsDiff(a, b, width = 1, keep = () => true) {
  if (a.length !== b.length) throw new Error(`length ${a.length} != ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) if (keep(i % width)) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

if (!(await tf.setBackend(backend)) || tf.getBackend() !== backend) {
  throw new Error(`backend ${backend} did not start (got ${tf.getBackend()})`);
}
const shapes = JSON.parse(readFileSync(join(dir, 'parity', 'shapes.json'), 'utf8'));
const input = (name) => tf.tensor(readF32(join(dir, 'parity', `${name}.f32`)), shapes[name]);
const result = { backend };
for (const [part, inName, outName] of [['decoder', 'codes', 'decoded'], ['encoder', 'digits', 'encoded']]) {
  const model = await tfl.loadLayersModel(fromDisk(join(dir, part)));
  const x = input(inName);
  const before = tf.memory().numTensors;
  const y = model.predict(x);
  const got = await y.data();
  y.dispose();
  const want = readF32(join(dir, 'parity', `${outName}.f32`));
  if (part === 'decoder') {
    result.decoder_max_abs_diff = maxAbsDiff(got, want);
  } else { // class probabilities and style values live on different scales: report them apart
    const width = shapes[outName][1];
    result.encoder_probs_max_abs_diff = maxAbsDiff(got, want, width, (j) => j < 10);
    result.encoder_style_max_abs_diff = maxAbsDiff(got, want, width, (j) => j >= 10);
  }
  result[`${part}_tensors_leaked`] = tf.memory().numTensors - before;
  model.dispose();

  const json = JSON.parse(readFileSync(join(dir, part, 'model.json'), 'utf8'));
  const shards = json.weightsManifest.flatMap((g) => g.paths.map((p) => {
    const b = readFileSync(join(dir, part, p));
    return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength);
  }));
  const net = buildNet(tf, json.modelTopology, weightsOf(tf, json.weightsManifest.flatMap((g) => g.weights), shards));
  const netBefore = tf.memory().numTensors;
  const netY = tf.tidy(() => net.predict(x));
  const netGot = netY.dataSync();
  netY.dispose();
  result[`net_${part}_tensors_leaked`] = tf.memory().numTensors - netBefore;
  result[`net_${part}_vs_layers_max_abs_diff`] = maxAbsDiff(netGot, got);
  if (part === 'decoder') {
    result.net_decoder_max_abs_diff = maxAbsDiff(netGot, want);
  } else {
    const width = shapes[outName][1];
    result.net_encoder_probs_max_abs_diff = maxAbsDiff(netGot, want, width, (j) => j < 10);
    result.net_encoder_style_max_abs_diff = maxAbsDiff(netGot, want, width, (j) => j >= 10);
  }
  net.dispose();
  x.dispose();
}
console.log(JSON.stringify(result));
