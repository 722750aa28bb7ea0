// Choosing and starting a TF.js backend. The backends run in the page's worker (worker.js), each
// loaded only when it is used, so the page downloads one backend, not three.

export const BACKENDS = ['webgl', 'wasm', 'cpu'];

// What the device's WebGL really is: a software renderer (SwiftShader, llvmpipe, Microsoft's Basic
// Render Driver) runs a conv decoder slower than wasm, so it is no GPU. The worker asks (worker.js).
export function webglInfo(canvas = () => document.createElement('canvas')) {
  try {
    const gl = canvas().getContext('webgl2');
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

// Start `name`, or the next that works in [name, wasm, cpu] (runtime: model.js Runtime).
// -> { backend, errors }: the backend running and why the ones before it did not start.
export async function startBackend(runtime, name) {
  const order = [name, ...BACKENDS.filter((b) => b !== name && b !== 'webgl')];
  const errors = [];
  for (const candidate of order) {
    try {
      return { backend: await runtime.call('backend', { name: candidate }), errors };
    } catch (e) {
      if (/runtime file vendor\/tfjs\/core\.js|worker\.js could not start/.test(e.message)) throw e; // no backend can start
      errors.push(`${candidate}: ${e.message}`);
    }
  }
  throw new Error(`no TF.js backend could start (${errors.join('; ')})`);
}
