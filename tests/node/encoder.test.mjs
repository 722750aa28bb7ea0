// web/static/js/runtime/encoder.js: the encoder has one owner, so whoever asks first loads it (the
// model's own classifier used to work only after the drawing pad's constructor had run).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encoderRuntime, loadEncoder } from '../../web/static/js/runtime/encoder.js';

test('loadEncoder loads once per model and backend, for whichever caller asks first', async () => {
  const calls = [];
  encoderRuntime.call = async (op, args) => {
    calls.push(`${op} ${args.name ?? args.url ?? ''}`);
    return op === 'build' ? calls.length : undefined;
  };
  globalThis.document = { baseURI: 'http://page.test/' }; // (model.js makes the folder's URL absolute)
  try {
    const meta = { name: 'mnist', weights_sha256: {} };
    const [a, b] = await Promise.all([loadEncoder(meta, 'cpu'), loadEncoder(meta, 'cpu')]);
    assert.equal(a, b);
    assert.deepEqual(calls, ['backend cpu', 'build http://page.test/models/mnist/encoder/']);
    const other = await loadEncoder({ ...meta, name: 'fashion' }, 'cpu');
    assert.notEqual(other, a);
    assert.deepEqual(calls.slice(2), ['build http://page.test/models/fashion/encoder/', 'dispose ']);
  } finally {
    delete globalThis.document;
  }
});
