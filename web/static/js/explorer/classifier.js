// The model's own frozen classifier (the encoder's first 10 outputs) along the way: it reads the frames
// the explorer draws ("reads as 3 · 97 %"), and along the morph a -> b the explorer is on, a strip plots
// P(a), P(b) and P(anything else) over t at the current style, with a marker at the current t: where a 3
// stops being a 3. The encoder is not part of the first load: it loads after the first frame, when the
// page is idle and this box is on screen (encoder.js). Readings follow the frames one at a time, the
// newest next, at most one every READ_MS; the strip is made once per (model, a, b, style), not per frame.
import { NUM_CLASSES, styleScales } from './codes.js';
import { IMAGE_SIDE } from '../contract.js';
import { morphOf, readingOf, stripCodes, stripSeries, stripText, stripTs, stripWords } from './morphs.js';
import { settled } from './loader.js';
import { loadEncoder } from '../runtime/encoder.js';
import { onFrame } from './render.js';
import { page, subscribe } from './state.js';
import { StripCanvas } from './classifier_strip.js';
import { $ } from '../dom.js';

const PIXELS = IMAGE_SIDE * IMAGE_SIDE;
const POINTS = 21; // t = 0, 0.05, ..., 1
const READ_MS = 120;
const SAY_MS = 1500; // the live region speaks at most this often
const STRIP_MS = 200; // a new (a, b, style) waits this long, so a dragged style makes few strips
const nextTask = () => new Promise((r) => setTimeout(r, 0));

export class Classifier {
  // app: { decoderReady() (a promise of the newest model's decoder) }
  constructor(app) {
    this.app = app;
    this.started = false; // the first frame was drawn
    this.seen = false; // the reader's box has been on screen
    this.loaded = null; // a Promise that settles when the encoder of the first start is loaded
    this.loading = false; // load() runs
    this.generation = 0; // model or backend changes so far
    this.failed = null; // the model@backend whose encoder failed to load (not tried again per frame)
    this.frame = null; // the newest frame not read yet: { pixels, meta }
    this.lastFrame = null; // the newest frame
    this.reading = null; // { cls, p, text } of the last frame read
    this.strip = null; // { key, a, b, ts, probs, pa, pb, other, text }
    this.timers = { read: 0, say: 0, strip: 0 };
    this.busy = { read: false, strip: false };
    this.lastRead = 0;
    this.made = 0; // strips made (tests: one per (a, b, style), not one per frame)
    this.said = { at: 0, text: '' };
    let resolveLoaded;
    this.loaded = new Promise((resolve) => { resolveLoaded = resolve; });
    this.resolveLoaded = resolveLoaded;
    onFrame((pixels) => this.onFrame(pixels));
    subscribe(() => this.stateChanged());
    new IntersectionObserver((entries, observer) => {
      if (!entries.some((e) => e.isIntersecting)) return;
      observer.disconnect();
      this.seen = true;
      this.maybeStart();
    }).observe($('reader-box'));
  }

  get ready() { return Boolean(this.encoderKey) && this.encoderKey === this.keyNow(); }
  keyNow() { return page.model && `${page.model.name}@${page.backend}`; }

  onFrame(pixels) {
    this.frame = this.lastFrame = { pixels: pixels.slice(0, PIXELS), meta: page.model };
    if (!this.started) {
      this.started = true;
      this.maybeStart();
    }
    this.pumpRead();
  }

  // After the first frame, once the box was seen, when the page is idle: load the encoder.
  maybeStart() {
    if (!this.started || !this.seen || this.starting) return;
    this.starting = true;
    const idle = window.requestIdleCallback ?? ((fn) => setTimeout(fn, 200));
    idle(() => this.load(), { timeout: 2000 });
  }

  // Load the encoder of the model shown once that model is drawn and the page has settled on its backend
  // (loader.js settled). One load at a time; a model or backend changed meanwhile is loaded next.
  async load() {
    if (this.loading) return;
    this.loading = true;
    try {
      for (;;) {
        const generation = this.generation;
        try {
          await settled();
          await this.app.decoderReady();
        } catch {
          return; // the model could not load: the page says so
        }
        const meta = page.model;
        const key = this.keyNow();
        if (this.encoderKey === key || this.failed === key) return;
        $('reader-text').textContent = 'Loading…';
        try {
          await loadEncoder(meta, page.backend, (loaded, total) => {
            if (this.keyNow() === key) $('reader-text').textContent = `Loading… ${Math.round(loaded / 1024)} / ${Math.round(total / 1024)} KB`;
          });
        } catch (e) {
          if (this.keyNow() !== key || generation !== this.generation) continue;
          this.failed = key;
          $('reader-text').textContent = `The reader could not load: ${e.message}`;
          this.resolveLoaded(false);
          return;
        }
        if (this.keyNow() !== key || generation !== this.generation) continue; // another model or backend: load for it
        this.encoderKey = key;
        $('reader-box').dataset.loaded = key;
        this.resolveLoaded(true);
        this.frame ??= this.lastFrame; // (the frame on screen, even if it came before the load)
        this.pumpRead();
        this.wantStrip();
        return;
      }
    } finally {
      this.loading = false;
    }
  }

  // the model or backend changes: readings and strip no longer apply; load again when it is ready
  modelChanged() {
    this.generation++;
    this.encoderKey = null;
    this.failed = null;
    this.frame = this.lastFrame = null;
    this.reading = null;
    this.strip = null;
    delete $('reader-box').dataset.loaded;
    this.drawStrip();
    if (this.starting) this.load();
  }

  // The encoder, if the reader is loaded for the model shown; else null.
  encoder() {
    return this.ready ? loadEncoder(page.model, page.backend) : null;
  }

  pumpRead() {
    if (!this.ready || this.busy.read || !this.frame || this.timers.read) return;
    const wait = this.lastRead + READ_MS - performance.now();
    if (wait > 0) {
      this.timers.read = setTimeout(() => { this.timers.read = 0; this.pumpRead(); }, wait);
      return;
    }
    const frame = this.frame;
    this.frame = null;
    this.busy.read = true;
    this.readFrame(frame).finally(() => {
      this.busy.read = false;
      this.lastRead = performance.now();
      this.pumpRead();
    });
  }

  async readFrame({ pixels, meta }) {
    try {
      if (meta !== page.model) return;
      const probs = (await (await this.encoder()).encode(pixels)).slice(0, NUM_CLASSES);
      if (meta !== page.model) return;
      this.reading = readingOf(probs, meta.class_names);
      $('reader-text').textContent = this.reading.text;
      this.say(this.reading.text);
    } catch (e) {
      if (meta === page.model && this.ready) $('reader-text').textContent = `The reader could not run: ${e.message}`;
    }
  }

  // The live region says the newest reading, at most once every SAY_MS.
  say(text) {
    clearTimeout(this.timers.say);
    if (text === this.said.text) return;
    const wait = this.said.at + SAY_MS - performance.now();
    const now = () => {
      this.said = { at: performance.now(), text };
      $('reader-live').textContent = `The classifier ${text}`;
    };
    if (wait <= 0) now();
    else this.timers.say = setTimeout(now, wait);
  }

  stripKey() {
    const s = page.explorer;
    const { a, b } = morphOf(s);
    return `${page.model?.name}|${a}|${b}|${s.style.map((u) => u.toFixed(3)).join(',')}`;
  }

  stateChanged() {
    this.drawStrip(); // the marker
    this.wantStrip();
  }

  // A new strip once the state rests STRIP_MS (at most one every STRIP_MS while the style moves).
  wantStrip() {
    if (!this.ready || this.timers.strip || this.stripKey() === this.strip?.key) return;
    this.timers.strip = setTimeout(() => {
      this.timers.strip = 0;
      this.makeStrip();
    }, STRIP_MS);
  }

  async makeStrip() {
    if (this.busy.strip || !this.ready) return;
    const key = this.stripKey();
    if (key === this.strip?.key) return;
    this.busy.strip = true;
    const meta = page.model;
    try {
      const decoder = await this.app.decoderReady();
      const { a, b } = morphOf(page.explorer);
      const ts = stripTs(POINTS);
      const names = meta.class_names;
      let probs = [];
      if (a !== b) {
        const images = await decoder.decode(stripCodes(a, b, page.explorer.style, styleScales(meta), POINTS));
        const encoder = await this.encoder();
        for (let i = 0; i < POINTS; i++) {
          if (meta !== page.model || !encoder) return;
          probs.push(Array.from((await encoder.encode(images.slice(i * PIXELS, (i + 1) * PIXELS))).slice(0, NUM_CLASSES)));
          if (i % 4 === 3) await nextTask(); // the sliders stay live
        }
      } else probs = null;
      if (meta !== page.model) return;
      const text = probs ? stripText(ts, probs, a, b, names)
        : `From and to are both ${names[a]}: choose two classes to see where one becomes the other.`;
      this.strip = { key, a, b, ts, probs, ...(probs ? stripSeries(probs, a, b) : {}), text };
      this.made++;
      $('reader-strip-text').textContent = probs ? stripWords(ts, probs, names) : text;
      this.drawStrip();
    } catch (e) {
      if (meta === page.model && this.ready) $('reader-strip-text').textContent = `The strip could not be made: ${e.message}`;
    } finally {
      this.busy.strip = false;
      if (this.stripKey() !== this.strip?.key) this.wantStrip();
    }
  }

  // The strip, with the marker at the current t when the explorer is on its morph (classifier_strip.js
  // draws it), and its legend naming the morph's two ends
  drawStrip() {
    this.stripCanvas ??= new StripCanvas($('reader-strip'), () => this.drawStrip());
    const { a, b, t } = morphOf(page.explorer);
    const on = this.strip && a === this.strip.a && b === this.strip.b;
    this.stripCanvas.draw(this.strip, on ? t : null);
    const names = page.model?.class_names;
    const ends = names ? [names[a], names[b]] : [];
    document.querySelectorAll('#reader-legend .key').forEach((key, i) => {
      if (i < 2 && key.textContent !== ends[i]) key.textContent = ends[i];
    });
  }

  // window.digitMorph.reader, for tests and tools
  get api() {
    const reader = this;
    return {
      get loaded() { return reader.loaded; },
      get reading() { return reader.reading && { ...reader.reading }; },
      get strip() { return reader.strip && structuredClone(reader.strip); },
      get made() { return reader.made; },
      // the reader's class probabilities for one 28 x 28 image (the encoder loads if it must)
      async read(pixels) {
        const encoder = await loadEncoder(page.model, page.backend);
        return Array.from((await encoder.encode(Float32Array.from(pixels))).slice(0, NUM_CLASSES));
      },
    };
  }
}
