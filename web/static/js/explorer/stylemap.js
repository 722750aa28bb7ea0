// The 2-D style pad as a map, not a blank square: faint images of the class on screen at N x N points
// of the pad (style 1 across, style 2 up, as the dot moves), so where the dot goes shows before it goes
// there. Drawn again, one batch of N², once the class on screen or the model has changed and rested.
import { code, morphClasses, stateClasses, styleScales, styleValues } from './codes.js';
import { IMAGE_SIDE } from '../contract.js';
import { page, subscribe } from './state.js';
import { $, onColourScheme } from '../dom.js';

const N = 5;
const REST_MS = 150;

export class StyleMap {
  // app: { decoderReady() (a promise of the newest model's decoder) }
  constructor(app) {
    this.app = app;
    this.key = ''; // the model and class drawn (or being drawn)
    this.timer = 0;
    this.seq = 0;
    $('style-map').width = $('style-map').height = N * IMAGE_SIDE;
    subscribe(() => this.want());
    onColourScheme(() => setTimeout(() => this.modelChanged(), 0)); // (after main.js has read the new colours)
  }

  want() {
    const meta = page.model;
    if (!meta || meta.style_dims !== 2) return;
    const classes = stateClasses(page.explorer);
    const cls = classes.indexOf(Math.max(...classes));
    const key = `${meta.name}:${cls}`;
    if (key === this.key) return;
    this.key = key;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.draw(meta, cls, key), REST_MS);
  }

  async draw(meta, cls, key) {
    const seq = ++this.seq;
    try {
      const decoder = await this.app.decoderReady();
      if (seq !== this.seq || meta !== page.model) return;
      const classes = morphClasses(cls, cls, 0);
      const codes = [];
      for (let row = 0; row < N; row++) {
        for (let col = 0; col < N; col++) {
          codes.push(code(classes, styleValues([(col + 0.5) / N, 1 - (row + 0.5) / N], styleScales(meta), classes)));
        }
      }
      const pixels = await decoder.decode(codes);
      if (seq !== this.seq || meta !== page.model) return;
      paint($('style-map').getContext('2d'), pixels, page.colours.ink);
    } catch {
      if (this.key === key) this.key = ''; // (the model changed meanwhile: the next state draws again)
    }
  }

  // the model (or the colour scheme) changed: the map is drawn again for it
  modelChanged() {
    this.key = '';
    this.seq++;
    $('style-map').getContext('2d').clearRect(0, 0, N * IMAGE_SIDE, N * IMAGE_SIDE);
    this.want();
  }
}

// The images as ink alone (its opacity the pixel's value), so the pad's own colours show around them.
function paint(ctx, pixels, ink) {
  const side = N * IMAGE_SIDE;
  const img = ctx.createImageData(side, side);
  for (let k = 0; k < N * N; k++) {
    const x0 = (k % N) * IMAGE_SIDE;
    const y0 = Math.floor(k / N) * IMAGE_SIDE;
    for (let i = 0; i < IMAGE_SIDE * IMAGE_SIDE; i++) {
      const o = 4 * ((y0 + Math.floor(i / IMAGE_SIDE)) * side + x0 + (i % IMAGE_SIDE));
      img.data.set(ink, o);
      img.data[o + 3] = 255 * Math.min(1, Math.max(0, pixels[k * IMAGE_SIDE * IMAGE_SIDE + i]));
    }
  }
  ctx.putImageData(img, 0, 0);
}
