// The figures below the explorer — training watched, the architecture, the baselines, the code as a compressor —
// each loaded only when its section nears the viewport, and never before the page's first frame
// (start() waits for it), so they cost the first frame nothing: their code too is imported then
// (its own chunks in the built site). A model switch redraws the ones already shown. No TensorFlow
// here: they read the converted model's files as JSON and images.

import { $ } from '../dom.js';
import { fullMeta } from '../meta_file.js';

// show(box, meta, width): fills `box`, `width` px wide (its charts are drawn for it)
const sections = [
  { box: 'watched', show: async (box, meta, width) => (meta.training
    ? (await import('./watched.js')).showWatched(box, meta, width)
    : missing(box, 'This model was converted without its training record (samples and loss curves); ' +
      `python -m training.watched runs/${meta.name} converted_model/${meta.name} adds it.`)) },
  { box: 'architecture', show: async (box, meta) => (await import('./architecture.js')).showArchitecture(box, meta) },
  { box: 'baselines', show: async (box, meta, width) => (await import('./baselines.js')).showBaselines(box, meta, fullMeta, width) },
  { box: 'squeeze', show: async (box, meta, width) => (await import('./compression.js')).showSqueeze(box, meta, fullMeta, width) },
];
let model = null;
let code = null;
let codeShown = null;

function missing(box, text) {
  const p = Object.assign(document.createElement('p'), { className: 'story-missing', textContent: text });
  box.replaceChildren(p);
}

async function fill(section) {
  const box = $(section.box);
  const meta = model;
  if (!box || !meta || box.dataset.model === meta.name) return;
  box.dataset.model = meta.name;
  box.setAttribute('aria-busy', 'true');
  if (section.box === 'architecture') codeShown = null;
  // drawn aside and swapped in whole, unless another model was picked meanwhile
  const scratch = document.createElement('div');
  let result;
  try {
    result = await section.show(scratch, meta, box.clientWidth);
  } catch (e) {
    missing(scratch, `Could not show this: ${e.message}`);
  }
  if (box.dataset.model !== meta.name) return;
  box.replaceChildren(...scratch.childNodes);
  if (section.box === 'architecture' && typeof result === 'function') {
    codeShown = result;
    if (code) codeShown(code());
  }
  box.removeAttribute('aria-busy');
  box.dataset.ready = meta.name;
}

// The model on the page changed (its meta): sections already in view redraw for it.
export function storyModel(meta) {
  model = meta;
  for (const s of sections) if (s.near) fill(s);
}

// The explorer's code changed (makeCode() gives it): the architecture's code strip, once shown, follows it.
export function storyCode(makeCode) {
  code = makeCode;
  if (codeShown) codeShown(makeCode());
}

// Watch the sections once `firstFrame` settles (resolved or not: they need no decoder). A Tab key
// fills them all: the keyboard reaches their controls without scrolling to them first.
export function startStory(firstFrame) {
  const near = (s) => {
    if (s.near) return;
    s.near = true;
    fill(s);
  };
  const begin = () => {
    addEventListener('keydown', (e) => { if (e.key === 'Tab') sections.forEach(near); });
    const observer = new IntersectionObserver((entries) => {
      for (const entry of entries) {
        const s = sections.find((x) => x.box === entry.target.id);
        if (s && entry.isIntersecting) near(s);
      }
    }, { rootMargin: '300px 0px' });
    for (const s of sections) if ($(s.box)) observer.observe($(s.box));
  };
  firstFrame.then(begin, begin);
}
