// web/static/js/runtime/backend.js: which backend a device gets (loading the scripts needs a browser).
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { BACKENDS, preferredBackend, webglInfo } from '../../web/static/js/runtime/backend.js';

const saved = globalThis.document;
afterEach(() => { globalThis.document = saved; });

// a document whose canvas has WebGL 2 with renderer `renderer` (or none)
function withRenderer(renderer) {
  globalThis.document = {
    createElement: () => ({
      getContext: () => (renderer == null ? null : {
        RENDERER: 1,
        getExtension: (name) => (name === 'WEBGL_debug_renderer_info' ? { UNMASKED_RENDERER_WEBGL: 2 } : null),
        getParameter: (p) => (p === 2 ? renderer : 'masked'),
      }),
    }),
  };
}

test('the backends, webgl first', () => {
  assert.deepEqual(BACKENDS, ['webgl', 'wasm', 'cpu']);
});

test('a real GPU gets webgl; software renderers and no WebGL get wasm', () => {
  for (const [renderer, backend] of [
    ['ANGLE (NVIDIA, NVIDIA GeForce RTX 3060 Direct3D11)', 'webgl'],
    ['Apple M2', 'webgl'],
    ['ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero)), SwiftShader driver)', 'wasm'],
    ['llvmpipe (LLVM 15.0.6, 256 bits)', 'wasm'],
    ['Microsoft Basic Render Driver', 'wasm'],
    [null, 'wasm'],
  ]) {
    withRenderer(renderer);
    const info = webglInfo();
    assert.equal(info.available, renderer != null);
    assert.equal(preferredBackend(info), backend, String(renderer));
  }
  globalThis.document = { createElement: () => { throw new Error('no canvas'); } };
  assert.deepEqual(webglInfo(), { available: false, renderer: 'none', software: true });
});
