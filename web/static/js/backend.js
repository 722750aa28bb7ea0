// Choosing and starting a TF.js backend. Each backend's script is loaded only when it is used,
// so the page downloads one backend, not three.

const SCRIPTS = {
  webgl: 'vendor/tfjs/tf-backend-webgl.min.js',
  wasm: 'vendor/tfjs/tf-backend-wasm.min.js',
  cpu: 'vendor/tfjs/tf-backend-cpu.min.js',
};
export const BACKENDS = Object.keys(SCRIPTS);

const loaded = new Map();
function loadScript(src) {
  if (!loaded.has(src)) {
    loaded.set(src, new Promise((resolve, reject) => {
      const s = document.createElement('script');
      s.src = src;
      s.onload = resolve;
      s.onerror = () => reject(new Error(`could not load ${src}`));
      document.head.append(s);
    }));
  }
  return loaded.get(src);
}

// What the device's WebGL really is. A software renderer (SwiftShader, llvmpipe, Microsoft's
// Basic Render Driver) runs a conv decoder many times slower than wasm, so it does not count as a GPU.
export function webglInfo() {
  try {
    const gl = document.createElement('canvas').getContext('webgl2');
    if (!gl) return { available: false, renderer: 'none', software: true };
    const ext = gl.getExtension('WEBGL_debug_renderer_info');
    const renderer = String(ext ? gl.getParameter(ext.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER));
    gl.getExtension('WEBGL_lose_context')?.loseContext();
    return { available: true, renderer, software: /swiftshader|llvmpipe|softpipe|software|basic render/i.test(renderer) };
  } catch {
    return { available: false, renderer: 'none', software: true };
  }
}

export function preferredBackend(info = webglInfo()) {
  return info.available && !info.software ? 'webgl' : 'wasm';
}

// Start `name`, or the next that works in [name, wasm, cpu]. TF.js quietly falls back when a
// backend fails, so each attempt is checked against tf.getBackend().
export async function startBackend(tf, name) {
  const order = [name, ...BACKENDS.filter((b) => b !== name && b !== 'webgl')];
  const errors = [];
  for (const candidate of order) {
    try {
      await loadScript(SCRIPTS[candidate]);
      if (candidate === 'wasm') tf.wasm.setWasmPaths(new URL('vendor/tfjs/', document.baseURI).href);
      if ((await tf.setBackend(candidate)) && tf.getBackend() === candidate) return { backend: candidate, errors };
      errors.push(`${candidate}: did not start`);
    } catch (e) {
      errors.push(`${candidate}: ${e.message}`);
    }
  }
  throw new Error(`no TF.js backend could start (${errors.join('; ')})`);
}
