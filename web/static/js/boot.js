// The first thing the page runs, inlined into index.html's head by build.py (the CSP allows it by its
// hash): the TF.js worker starts while the page's own script still downloads, so the runtime's start-up
// runs beside the page's. loader.js adopts it (Runtime.start); where it cannot start here, the page
// starts its own.
try {
  const worker = new Worker('static/js/worker.js', { type: 'module' });
  const boot = { worker, error: null };
  worker.addEventListener('error', (e) => { boot.error ??= e; }); // before the page listens: kept for it
  self.digitMorphBoot = boot;
} catch {
  self.digitMorphBoot = null;
}
