// "Draw your own digit": the drawing, preprocessed like MNIST, goes through the encoder in the
// browser, then the style search (search.js) picks the best code the page can store for it; the
// page shows its class probabilities, style and compressed size, decodes the stored code beside
// it, and can hand that code to the explorer.
import { NUM_CLASSES, percentileOf, positionOf, styleScales } from './codes.js';
import { drawCode, drawDigit } from './draw.js';
import { Encoder } from './model.js';
import { toMnist } from './preprocess.js';
import { StyleSearch, fromLevels, storedCode, toLevels } from './search.js';
import { Sketch } from './sketch.js';

const $ = (id) => document.getElementById(id);
const RAW_BYTES = 28 * 28;

// The code as it would be stored: the class in 4 bits, each style value in 8 bits over style_range.
export function compress(probs, style, meta) {
  const cls = probs.indexOf(Math.max(...probs));
  const levels = toLevels(style, meta);
  return { cls, levels, code: storedCode(cls, levels, meta), bits: 4 + 8 * style.length };
}

export class OwnDigit {
  // app: { tf, meta(), decoder(), colours(), explore(code) }
  constructor(app) {
    this.app = app;
    this.encoder = null; // a Promise<Encoder>
    this.encoderModel = null;
    this.result = null;
    this.search = new StyleSearch();
    this.seq = 0;
    this.sketch = new Sketch($('own-pad'), () => this.update());
    $('own-clear').addEventListener('click', () => this.sketch.clear());
    $('own-undo').addEventListener('click', () => this.sketch.undo());
    $('own-explore').addEventListener('click', () => this.result && this.app.explore(this.result));
  }

  // One encoder per model, loaded once: concurrent callers share the same promise.
  encoderFor(meta) {
    if (this.encoderModel !== meta.name) {
      const old = this.encoder;
      this.encoderModel = meta.name;
      $('own-status').textContent = 'Loading the encoder…';
      this.encoder = Encoder.load(this.app.tf, `models/${meta.name}/`);
      old?.then((e) => e.dispose(), () => {});
    }
    return this.encoder;
  }

  async update() {
    const seq = ++this.seq; // only the newest drawing's result is shown
    const meta = this.app.meta();
    const pixels = this.sketch.empty ? null : toMnist($('own-pad'));
    $('own-explore').disabled = !pixels;
    if (!pixels) {
      this.result = null;
      $('own-status').textContent = 'Draw a digit in the box.';
      for (const id of ['own-input', 'own-recon']) $(id).getContext('2d').clearRect(0, 0, 28, 28);
      return null;
    }
    const { ink, paper } = this.app.colours();
    drawDigit($('own-input').getContext('2d'), pixels, 0, 0, 0, ink, paper);
    try {
      const code = await (await this.encoderFor(meta)).encode(pixels);
      if (seq !== this.seq) return null;
      const probs = Array.from(code.slice(0, NUM_CLASSES));
      const head = compress(probs, Array.from(code.slice(NUM_CLASSES)), meta);
      const decoder = this.app.decoder();
      const headImage = await decoder.decode([head.code]);
      if (seq !== this.seq) return null;
      if (!this.search.has(decoder, head.cls)) {
        $('own-status').textContent = `Searching the styles of ${meta.class_names[head.cls]}…`;
      }
      const found = await this.search.best(decoder, meta, head.cls, pixels, head.levels, headImage);
      if (seq !== this.seq) return null;
      const packed = { ...head, levels: found.levels, code: storedCode(head.cls, found.levels, meta) };
      const style = fromLevels(found.levels, meta);
      drawDigit($('own-recon').getContext('2d'), found.image, 0, 0, 0, ink, paper);
      $('own-bits').textContent = `decoded from ${packed.bits} bits`;
      drawCode($('own-code'), probs, style, meta.style_range, meta.class_names);
      const scale = styleScales(meta)[packed.cls][0];
      const where = Math.round(percentileOf(scale, positionOf(scale, style[0])));
      $('own-status').textContent = `Looks like ${meta.class_names[packed.cls]} (${(probs[packed.cls] * 100).toFixed(1)}%), ` +
        `style ${style.map((s) => s.toFixed(2)).join(', ')} — percentile ${where} of that class's styles.`;
      $('own-size').textContent = `Stored as the class (4 bits) and the style in 8 bits${style.length > 1 ? ' each' : ''}, ` +
        `the best of ${found.tried} such codes for this drawing: ` +
        `${packed.bits} bits against ${RAW_BYTES} bytes of pixels (${Math.round((RAW_BYTES * 8) / packed.bits)}× smaller); ` +
        `rebuilt from those bits with a binary cross-entropy of ${found.bce.toFixed(3)} per pixel ` +
        `(${found.headBce.toFixed(3)} from the encoder's own style).`;
      this.result = { probs, style, cls: packed.cls, code: packed.code, pixels, levels: found.levels,
        headLevels: head.levels, bce: found.bce, headBce: found.headBce };
      return this.result;
    } catch (e) {
      $('own-status').textContent = `The encoder could not run: ${e.message}`;
      return null;
    }
  }
}
