// web/static/js/model.js without TF.js or the network: the weights' byte count, and the rule that a
// model switched away from mid-frame is disposed only after its calls end.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Decoder, manifestBytes } from '../../web/static/js/model.js';

test('manifestBytes counts each weight in the dtype it is stored in', () => {
  const manifest = [
    { paths: ['a.bin'], weights: [
      { name: 'k', shape: [3, 3, 1, 16], dtype: 'float32', quantization: { dtype: 'uint8', min: 0, scale: 1 } },
      { name: 'b', shape: [16], dtype: 'float32', quantization: { dtype: 'uint16', min: 0, scale: 1 } },
    ] },
    { paths: ['b.bin'], weights: [{ name: 'd', shape: [10, 5], dtype: 'float32' }, { name: 's', shape: [], dtype: 'int32' }] },
  ];
  assert.equal(manifestBytes(manifest), 144 + 32 + 200 + 4);
  assert.throws(() => manifestBytes([{ paths: [], weights: [{ name: 'x', shape: [2], dtype: 'complex64' }] }]), /weight x: unsupported dtype complex64/);
});

// a tf and a model that answer when told to
function fakes() {
  const pending = [];
  const model = {
    disposed: 0,
    inputs: [],
    dispose() { this.disposed++; },
    predict(x) {
      model.inputs.push(x);
      let resolve;
      const done = new Promise((r) => { resolve = r; });
      pending.push(() => resolve(new Float32Array(784)));
      return { data: () => done, dispose: () => {} };
    },
  };
  const tf = { tidy: (fn) => fn(), tensor2d: (values, shape) => ({ values, shape }) };
  return { tf, model, pending };
}

test('Decoder: codes of the wrong length are refused, right ones go in as one batch', async () => {
  const { tf, model, pending } = fakes();
  const decoder = new Decoder(tf, model, { code_size: 11 });
  await assert.rejects(decoder.decode([new Float32Array(11), new Float32Array(12)]), /code 1 has 12 numbers, expected 11/);
  const call = decoder.decode([Float32Array.from({ length: 11 }, (_, i) => i), new Float32Array(11).fill(-1)]);
  pending.shift()();
  assert.equal((await call).length, 784);
  const { values, shape } = model.inputs[0];
  assert.deepEqual(shape, [2, 11]);
  assert.equal(values[10], 10);
  assert.equal(values[11], -1);
});

test('dispose waits for the calls in flight; a call after dispose is refused', async () => {
  const { tf, model, pending } = fakes();
  const decoder = new Decoder(tf, model, { code_size: 11 });
  const a = decoder.decode([new Float32Array(11)]);
  const b = decoder.decode([new Float32Array(11)]);
  decoder.dispose();
  assert.equal(model.disposed, 0, 'not while two calls run');
  pending.shift()();
  await a;
  assert.equal(model.disposed, 0, 'not while one call runs');
  pending.shift()();
  await b;
  assert.equal(model.disposed, 1);
  decoder.dispose();
  assert.equal(model.disposed, 1, 'once');
  const late = decoder.decode([new Float32Array(11)]);
  pending.splice(0).forEach((answer) => answer()); // (were it run, it would answer)
  await assert.rejects(late, /replaced/);
  assert.equal(model.inputs.length, 2, 'the model was not asked');

  const idle = fakes();
  new Decoder(idle.tf, idle.model, { code_size: 11 }).dispose();
  assert.equal(idle.model.disposed, 1, 'at once when idle');
});
