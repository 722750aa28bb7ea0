// The handwriting font's code (area.js, the tracing and its libraries) is not part of the first load:
// it is imported after the first frame, once its box nears the viewport or takes the keyboard's focus
// (or a test asks through window.digitMorph.font). It imports no module of the first load (esbuild would
// move what both share into a chunk of its own, loaded with the first digit): what it needs of the page
// comes in `host`, made here.
import { code, morphClasses, stateCode, styleScales, styleValues } from '../explorer/codes.js';
import { IMAGE_SIDE, NUM_CLASSES } from '../contract.js';
import { download } from '../explorer/export.js';
import { decoderReady } from '../explorer/loader.js';
import { page, subscribe } from '../explorer/state.js';
import { datasetWords } from '../explorer/words.js';
import { $, onColourScheme } from '../dom.js';

// row(): the "Your style on every digit" row shown (stylerow.js), or null
// -> { start(firstFrame), api, modelChanged(), rowChanged() }
export function lazyFont(row) {
  const host = { side: IMAGE_SIDE, count: NUM_CLASSES, page, subscribe, decoderReady, download, onColourScheme, row,
    datasetWords, code, morphClasses, stateCode, styleScales, styleValues, builds: 0 };
  let area = null;
  const open = () => (area ??= import('./area.js').then((m) => new m.FontArea(host)));
  const later = (fn) => () => { area?.then(fn); };
  return {
    start(firstFrame) {
      const begin = () => {
        const box = $('font-box');
        new IntersectionObserver((entries, observer) => {
          if (!entries.some((e) => e.isIntersecting)) return;
          observer.disconnect();
          open();
        }, { rootMargin: '300px 0px' }).observe(box);
        box.addEventListener('focusin', open, { once: true });
      };
      firstFrame.then(begin, begin);
    },
    modelChanged: later((a) => a.modelChanged()),
    rowChanged: later((a) => a.rowChanged()),
    api: {
      open: () => open().then(() => true),
      build: async (source = 'explorer') => (await open()).build(source),
      get builds() { return host.builds; }, // glyph sets built so far (tests: not one per style step)
    },
  };
}
