// web/static/js/runtime/weights.js and model.js without a worker or the network: the weights' byte count,
// and the rule that a model switched away from mid-frame is disposed only after its calls end.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Decoder } from '../../web/static/js/runtime/model.js';
import { manifestBytes } from '../../web/static/js/runtime/weights.js';

test('manifestBytes counts each weight in the dtype it is stored in', () => {
  const manifest = [
    { paths: ['a.bin'], weights: [
      { name: 'k', shape: [3, 3, 1, 16], dtype: 'float32', quantization: { dtype: 'uint8', min: 0, scale: 1 } },
      { name: 'b', shape: [16], dtype: 'float32', quantization: { dtype: 'uint16', min: 0, scale: 1 } },
    ] },
    { paths: ['b.bin'], weights: [{ name: 'd', shape: [10, 5], dtype: 'float32' }, { name: 's', shape: [], dtype: 'float32' }] },
  ];
  assert.equal(manifestBytes(manifest), 144 + 32 + 200 + 4);
  // only the contract's dtypes (contract.js): net.js runs float32 weights, stored as is or quantised
  for (const weight of [{ dtype: 'complex64' }, { dtype: 'int32' }, { dtype: 'constructor' }, { dtype: 'float32', quantization: { dtype: 'float32' } }]) {
    assert.throws(() => manifestBytes([{ paths: [], weights: [{ name: 'x', shape: [2], ...weight }] }]), /weight x: unsupported dtype/);
  }
});

// a runtime (the worker's other end) that answers when told to, in the order asked, as the worker does
function fakes() {
  const pending = [];
  const runtime = {
    calls: [],
    call(op, args) {
      runtime.calls.push({ op, ...args });
      if (op !== 'run') return Promise.resolve();
      return new Promise((resolve) => pending.push(() => resolve(new Float32Array(784 * args.shape[0]))));
    },
  };
  return { runtime, pending };
}

const runs = (runtime) => runtime.calls.filter((c) => c.op === 'run');
const disposals = (runtime) => runtime.calls.filter((c) => c.op === 'dispose').length;

test('Decoder: codes of the wrong length are refused, right ones go in as one batch', async () => {
  const { runtime, pending } = fakes();
  const decoder = new Decoder(runtime, 7, { code_size: 11 });
  await assert.rejects(decoder.decode([new Float32Array(11), new Float32Array(12)]), /code 1 has 12 numbers, expected 11/);
  const call = decoder.decode([Float32Array.from({ length: 11 }, (_, i) => i), new Float32Array(11).fill(-1)]);
  pending.shift()();
  assert.equal((await call).length, 2 * 784);
  const { data, shape, handle } = runs(runtime)[0];
  assert.deepEqual(shape, [2, 11]);
  assert.equal(handle, 7);
  assert.equal(data[10], 10);
  assert.equal(data[11], -1);
});

test('dispose is asked after the calls in flight; a call after dispose is refused', async () => {
  const { runtime, pending } = fakes();
  const decoder = new Decoder(runtime, 1, { code_size: 11 });
  const a = decoder.decode([new Float32Array(11)]);
  const b = decoder.decode([new Float32Array(11)]);
  decoder.dispose();
  assert.deepEqual(runtime.calls.map((c) => c.op), ['run', 'run', 'dispose'], 'the worker answers in this order');
  pending.splice(0).forEach((answer) => answer());
  await a;
  await b;
  decoder.dispose();
  assert.equal(disposals(runtime), 1, 'once');
  await assert.rejects(decoder.decode([new Float32Array(11)]), /replaced/);
  assert.equal(runs(runtime).length, 2, 'the worker was not asked');
});
