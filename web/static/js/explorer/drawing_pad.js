// "Draw your own digit": the drawing, preprocessed like MNIST, goes through the encoder in the
// browser, then the style search (search.js) picks the best code the page can store for it; the
// page shows its class probabilities, style and compressed size, decodes the stored code beside
// it, and can hand that code to the explorer.
import { NUM_CLASSES, percentileOf, positionOf, styleScales } from './codes.js';
import { CLASS_BITS, IMAGE_SIDE, STYLE_BITS } from '../contract.js';
import { drawCode } from './bars.js';
import { drawDigit } from '../runtime/draw.js';
import { loadEncoder } from '../runtime/encoder.js';
import { toMnist } from './preprocess.js';
import { StyleSearch, fromLevels, latticeLevels, storedCode, toLevels } from './search.js';
import { Sketch } from './sketch.js';
import { ordinal, pageTexts } from './words.js';
import { $ } from '../dom.js';

const RAW_BYTES = IMAGE_SIDE * IMAGE_SIDE; // one byte a pixel
const STALE = Symbol('stale');

// The code as it would be stored: the class in CLASS_BITS, each style value in STYLE_BITS over style_range.
export function compress(probs, style, meta) {
  const cls = probs.indexOf(Math.max(...probs));
  const levels = toLevels(style, meta);
  return { cls, levels, code: storedCode(cls, levels, meta), bits: CLASS_BITS + STYLE_BITS * style.length };
}

export class DrawingPad {
  // app: { meta(), backend(), modelReady(), decoderReady(), colours(), explore(result), changed(result) }
  constructor(app) {
    this.app = app;
    this.result = null;
    this.search = new StyleSearch();
    this.seq = 0;
    this.sketch = new Sketch($('own-pad'), () => this.update());
    $('own-clear').addEventListener('click', () => this.sketch.clear());
    $('own-undo').addEventListener('click', () => this.sketch.undo());
    // the pad takes the keyboard focus too: Delete (or Backspace) clears it, Ctrl+Z undoes a stroke
    $('own-pad').addEventListener('keydown', (e) => {
      if (e.key === 'Delete' || e.key === 'Backspace') this.sketch.clear();
      else if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'z') this.sketch.undo();
      else return;
      e.preventDefault();
    });
    $('own-explore').addEventListener('click', () => {
      // a result is only ever handed to the model that made it (a 1-style code fits no 2-style model)
      if (this.result && this.result.model === this.app.meta()?.name) this.app.explore(this.result);
    });
  }

  // what the status says over an empty pad ("Draw a digit in the box.")
  emptyText() {
    const meta = this.app.meta();
    return meta ? pageTexts(meta)['own-empty'] : 'Draw in the box.';
  }

  // the model shown changed: an empty pad's status names what to draw
  showEmpty() {
    if (this.sketch.empty) $('own-status').textContent = this.emptyText();
  }

  // The shared encoder (loadEncoder), its download in the status while it runs.
  encoderFor(meta, backend) {
    return loadEncoder(meta, backend, (loaded, total) => {
      $('own-status').textContent = `Loading the encoder… ${Math.round(loaded / 1024)} / ${Math.round(total / 1024)} KB`;
    });
  }

  // The model (or backend) changes: the old result no longer applies. Drop it at once, and encode
  // the drawing again when the new model is ready.
  modelChanged() {
    this.seq++; // an update in flight for the old model is dropped
    this.result = null;
    $('own-explore').disabled = true;
    this.app.changed?.(null);
    $('own-recon').getContext('2d').clearRect(0, 0, IMAGE_SIDE, IMAGE_SIDE);
    $('own-code').replaceChildren();
    delete $('own-code').dataset.key;
    $('own-bits').textContent = 'decoded from the compressed code';
    $('own-size').textContent = '';
    if (this.sketch.empty) this.showEmpty();
    else this.update();
  }

  // Encode the drawing (waiting for the model when one is loading) -> the result, or null when the
  // pad is empty or the encoding failed. When a newer drawing or model takes over meanwhile, this
  // resolves to what the newer update resolves to.
  update() {
    const run = this.encode().then((r) => (r !== STALE ? r : this.latest === run ? null : this.latest));
    this.latest = run;
    return run;
  }

  // -> the result, null, or STALE when a newer drawing or model took over
  async encode() {
    const seq = ++this.seq; // only the newest drawing's result is shown
    const pixels = this.sketch.empty ? null : toMnist($('own-pad'));
    $('own-explore').disabled = true;
    this.result = null;
    this.app.changed?.(null);
    if (!pixels) {
      $('own-status').textContent = this.emptyText();
      for (const id of ['own-input', 'own-recon']) $(id).getContext('2d').clearRect(0, 0, IMAGE_SIDE, IMAGE_SIDE);
      return null;
    }
    const { ink, paper } = this.app.colours();
    drawDigit($('own-input').getContext('2d'), pixels, 0, 0, 0, ink, paper);
    try {
      if (!this.app.modelReady()) $('own-status').textContent = 'Waiting for the model to load…';
      const decoder = await this.app.decoderReady();
      if (seq !== this.seq) return STALE;
      const meta = this.app.meta(); // the decoder's model: both change together
      const code = await (await this.encoderFor(meta, this.app.backend())).encode(pixels);
      if (seq !== this.seq) return STALE;
      const probs = Array.from(code.slice(0, NUM_CLASSES));
      const head = compress(probs, Array.from(code.slice(NUM_CLASSES)), meta);
      const headImage = await decoder.decode([head.code]);
      if (seq !== this.seq) return STALE;
      if (!this.search.has(decoder, head.cls)) {
        // the class's stored styles are not decoded yet (seconds on a slow device): the encoder's
        // own guess is shown meanwhile, and replaced only where the search finds a closer code
        drawDigit($('own-recon').getContext('2d'), headImage, 0, 0, 0, ink, paper);
        const name = meta.class_names[head.cls];
        $('own-status').textContent = `First guess: ${name}, drawn from the encoder's own style; ` +
          `searching the ${latticeLevels(meta.style_dims).length} stored styles of ${name} for a closer one…`;
      }
      const found = await this.search.best(decoder, meta, head.cls, pixels, head.levels, headImage);
      if (seq !== this.seq) return STALE;
      const packed = { ...head, levels: found.levels, code: storedCode(head.cls, found.levels, meta) };
      const style = fromLevels(found.levels, meta);
      drawDigit($('own-recon').getContext('2d'), found.image, 0, 0, 0, ink, paper);
      $('own-bits').textContent = `decoded from ${packed.bits} bits`;
      drawCode($('own-code'), probs, style, meta);
      const scale = styleScales(meta)[packed.cls][0];
      const where = Math.round(percentileOf(scale, positionOf(scale, style[0])));
      $('own-status').textContent = `Looks like ${meta.class_names[packed.cls]} (${(probs[packed.cls] * 100).toFixed(1)}%), ` +
        `in a style at the ${ordinal(Math.max(1, where))} percentile of that class's styles.`;
      $('own-size').textContent = `Stored as the class (${CLASS_BITS} bits) and the style in ${STYLE_BITS} bits${style.length > 1 ? ' each' : ''}, ` +
        `the best of ${found.tried} such codes for this drawing: ` +
        `${packed.bits} bits against ${RAW_BYTES} bytes of pixels (${Math.round((RAW_BYTES * 8) / packed.bits)}× smaller); ` +
        `rebuilt from those bits with a binary cross-entropy of ${found.bce.toFixed(3)} per pixel ` +
        `(${found.headBce.toFixed(3)} from the encoder's own style).`;
      this.result = { model: meta.name, probs, style, cls: packed.cls, code: packed.code, pixels, levels: found.levels,
        headLevels: head.levels, bce: found.bce, headBce: found.headBce };
      $('own-explore').disabled = false;
      this.app.changed?.(this.result);
      return this.result;
    } catch (e) {
      if (seq !== this.seq) return STALE; // the model was replaced meanwhile: a newer update runs
      $('own-status').textContent = `The encoder could not run: ${e.message}`;
      return null;
    }
  }
}
