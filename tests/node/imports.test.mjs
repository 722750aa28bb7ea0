// Importing a page module does nothing: no worker starts and no DOM is touched until the page's
// entry points (main.js, runtime/worker.js, boot.js: they are the scripts, run, not imported) call.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const JS = fileURLToPath(new URL('../../web/static/js/', import.meta.url));
const ENTRIES = ['main.js', 'boot.js', 'runtime/worker.js'];
const BROWSER = ['self', 'document', 'window', 'Worker', 'matchMedia', 'IntersectionObserver', 'ResizeObserver',
  'getComputedStyle', 'requestAnimationFrame', 'location', 'history'];

const modules = (dir) => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory()
  ? modules(join(dir, e.name)) : e.name.endsWith('.js') ? [relative(JS, join(dir, e.name))] : []));

test('importing any page module but the entry points touches no browser global', async () => {
  const touched = [];
  for (const name of BROWSER) {
    Object.defineProperty(globalThis, name, { configurable: true, get() { touched.push(name); throw new Error(`${name} touched`); } });
  }
  try {
    const names = modules(JS).filter((m) => !ENTRIES.includes(m)).sort();
    assert.ok(names.length > 30 && names.includes('explorer/loader.js'), names.join(' '));
    for (const m of names) {
      touched.length = 0;
      await import(pathToFileURL(join(JS, m)).href).catch((e) => assert.fail(`${m}: ${e.message}`));
      assert.deepEqual(touched, [], `${m} touched ${touched.join(', ')} when imported`);
    }
  } finally {
    for (const name of BROWSER) delete globalThis[name];
  }
});
