// The page's scripts as it ships them, built by esbuild (pinned in package.json); build.py runs
// `node web/runtime/build.mjs SITE_DIR`. SITE_DIR/static/js: the page's modules bundled: main.js
// (chunks for what only a click or a figure lower down needs) and runtime/worker.js as worker.js, in
// one file (a worker has its own module map). SITE_DIR/vendor/tfjs: core.js (tfjs-core with only the
// ops net.js calls) and backend-NAME.js with only the KERNELS the shipped models run
// (tests/browser/test_runtime.py loads every committed model on every backend).
import { build } from 'esbuild';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const KERNELS = [
  'FusedConv2D', '_FusedMatMul', 'Reshape', 'ResizeNearestNeighbor', 'MaxPool', 'Softmax', 'Concat',
  'Multiply', 'Add', 'Relu', 'Sigmoid', 'Cast', 'Identity',
];
export const BACKENDS = ['wasm', 'webgl', 'cpu'];
const CORE = '@tensorflow/tfjs-core/dist/base';

// the config each kernel's module exports: FusedConv2D -> fusedConv2DConfig, _FusedMatMul -> _fusedMatMulConfig
const configName = (kernel) => kernel.replace(/^(_?)(.)/, (_, u, c) => u + c.toLowerCase()) + 'Config';

function backendEntry(name) {
  const lines = [
    `import { registerKernel } from '${CORE}';`,
    `export * from '@tensorflow/tfjs-backend-${name}/dist/base';`,
    ...KERNELS.map((k, i) => `import { ${configName(k)} as k${i} } from '@tensorflow/tfjs-backend-${name}/dist/kernels/${k}';`),
    `for (const k of [${KERNELS.map((_, i) => `k${i}`).join(', ')}]) registerKernel(k);`,
  ];
  return lines.join('\n');
}

const CORE_ENTRY = `import '@tensorflow/tfjs-core/dist/base_side_effects';
export { tensor, tensor2d, tensor4d, tidy, dispose, memory, setBackend, getBackend, backend, ready, env, io, fused,
  reshape, concat, softmax, maxPool, relu, sigmoid, image, add, mul, engine } from '${CORE}';`;

// Every import of tfjs-core, ours and the backends', resolves to the one copy without side effects
// beyond base_side_effects (the package's index registers every gradient and chained op).
const entries = {
  name: 'entries',
  setup(b) {
    b.onResolve({ filter: /^@tensorflow\/tfjs-core$/ }, () => ({ path: resolve(ROOT, 'node_modules', CORE + '.js') }));
    b.onResolve({ filter: /^entry:/ }, (args) => ({ path: args.path, namespace: 'entry' }));
    b.onLoad({ filter: /.*/, namespace: 'entry' }, (args) => {
      const name = args.path.slice('entry:'.length);
      return { contents: name === 'core' ? CORE_ENTRY : backendEntry(name.slice('backend-'.length)), resolveDir: ROOT, loader: 'js' };
    });
  },
};

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

// fit-curve (the font's curve fitting) is CommonJS only: bundled as an ES module (its source, whose
// last lines `module.exports = …` become an export), else esbuild adds its CommonJS helpers to a chunk
// that the first load imports too.
const FIT_CURVE = resolve(ROOT, 'node_modules', 'fit-curve', 'src', 'fit-curve.js');
const EXPORTS = /^module\.exports = fitCurve;\nmodule\.exports\.fitCubic = fitCubic;\nmodule\.exports\.createTangent = createTangent;\n?$/m;
const fitCurveEsm = {
  name: 'fit-curve-esm',
  setup(b) {
    b.onResolve({ filter: /^fit-curve$/ }, () => ({ path: FIT_CURVE }));
    b.onLoad({ filter: /fit-curve[\\/]src[\\/]fit-curve\.js$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      if (!EXPORTS.test(source)) throw new Error(`${args.path}: not the fit-curve 0.2.0 this build knows`);
      return { contents: source.replace(EXPORTS, 'export default Object.assign(fitCurve, { fitCubic, createTangent });\n'), loader: 'js' };
    });
  },
};

const COMMON = { bundle: true, splitting: true, format: 'esm', minify: true, target: 'es2020', logLevel: 'warning', legalComments: 'none' };

// The page's modules; vendor files (the runtime, gifenc) are loaded by URL at run time, not bundled. The
// font's libraries (opentype.js, d3-contour, fit-curve) are bundled into the lazy chunks that import them.
export async function buildPage(outDir) {
  const page = { ...COMMON, outdir: outDir, chunkNames: 'chunk-[hash]', external: ['../../vendor/*'], plugins: [fitCurveEsm] };
  await build({ ...page, entryPoints: [resolve(ROOT, 'web', 'static', 'js', 'main.js')] });
  await build({ ...page, splitting: false, entryPoints: [resolve(ROOT, 'web', 'static', 'js', 'runtime', 'worker.js')] });
}

export async function buildRuntime(outDir) {
  const names = ['core', ...BACKENDS.map((b) => `backend-${b}`)];
  await build({
    ...COMMON,
    entryPoints: Object.fromEntries(names.map((n) => [n, `entry:${n}`])),
    outdir: outDir,
    chunkNames: 'chunk-[hash]',
    plugins: [entries],
    define: { 'process.env.NODE_ENV': '"production"' },
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const out = process.argv[2];
  if (!out) {
    console.error('usage: node web/runtime/build.mjs SITE_DIR');
    process.exit(2);
  }
  try {
    await buildPage(resolve(out, 'static', 'js'));
    await buildRuntime(resolve(out, 'vendor', 'tfjs'));
  } catch (e) {
    console.error(`runtime build failed: ${e.message}`);
    process.exit(1);
  }
}
