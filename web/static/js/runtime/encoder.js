// The model's encoder, with one owner: the drawing pad and the model's own classifier both load it
// here. It runs in a worker of its own (started by the first load), so their encodes never hold up
// a frame of the explorer.
import { Encoder, Runtime } from './model.js';

export const encoderRuntime = new Runtime();

// The encoder of `meta`'s model on `backend` (its weights live there), loaded once: concurrent
// callers share the promise and each onProgress(loaded, total) hears the download. Another model or
// backend loads its own and disposes the old; a failed load is tried again by the next call.
const encoders = { key: null, promise: null, listeners: null };
export function loadEncoder(meta, backend, onProgress = null) {
  const key = `${meta.name}@${backend}`;
  if (encoders.key !== key) {
    const old = encoders.promise;
    const listeners = new Set();
    encoders.key = key;
    encoders.listeners = listeners;
    encoders.promise = encoderRuntime.useBackend(backend).then(() => Encoder.load(encoderRuntime, `models/${meta.name}/`, meta, (loaded, total) => {
      for (const fn of listeners) fn(loaded, total);
    }));
    encoders.promise.then(() => listeners.clear(), () => { if (encoders.key === key) encoders.key = null; });
    old?.then((e) => e.dispose(), () => {});
  }
  if (onProgress) encoders.listeners.add(onProgress);
  return encoders.promise;
}
