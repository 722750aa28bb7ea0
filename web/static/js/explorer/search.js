// A drawing's style, found by search as training finds every digit's (training/pipeline/encoding.py):
// the style head's value is one candidate, the others the points of the class's curve. Here the
// candidates are the codes the page can store: the class and each style value in 8 bits over
// style_range, so the stored code is the best of them, not the nearest to the style head's guess.
import { NUM_CLASSES, clamp } from './codes.js';
import { BCE_EPSILON, IMAGE_SIDE, STYLE_BITS } from '../contract.js';

export const LEVELS = 2 ** STYLE_BITS;
const PIXELS = IMAGE_SIDE * IMAGE_SIDE;
const BATCH = 32; // decodes between two yields to the page, so the sliders stay live

// Binary cross-entropy per pixel, clipped as Keras clips it.
export function bce(target, output, offset = 0) {
  let sum = 0;
  for (let i = 0; i < target.length; i++) {
    const o = Math.min(1 - BCE_EPSILON, Math.max(BCE_EPSILON, output[offset + i]));
    sum -= target[i] * Math.log(o) + (1 - target[i]) * Math.log(1 - o);
  }
  return sum / target.length;
}

// style values -> their 8-bit levels over style_range, and back
export function toLevels(style, meta) {
  return style.map((s, d) => {
    const [lo, hi] = meta.style_range[d];
    return Math.round(clamp((s - lo) / (hi - lo), 0, 1) * (LEVELS - 1));
  });
}

export function fromLevels(levels, meta) {
  return levels.map((q, d) => meta.style_range[d][0] + (q / (LEVELS - 1)) * (meta.style_range[d][1] - meta.style_range[d][0]));
}

// The stored code: one-hot class, style restored from its levels.
export function storedCode(cls, levels, meta) {
  const code = new Float32Array(NUM_CLASSES + levels.length);
  code[cls] = 1;
  code.set(fromLevels(levels, meta), NUM_CLASSES);
  return code;
}

// The searched levels: every level for one style value; a lattice of about LEVELS points for more.
export function latticeLevels(dims) {
  const perAxis = Math.max(2, Math.round(LEVELS ** (1 / dims)));
  const axis = Array.from({ length: perAxis }, (_, i) => Math.round((i * (LEVELS - 1)) / (perAxis - 1)));
  let points = [[]];
  for (let d = 0; d < dims; d++) points = points.flatMap((p) => axis.map((q) => [...p, q]));
  return points;
}

const nextTask = () => new Promise((resolve) => setTimeout(resolve, 0));

export class StyleSearch {
  constructor() {
    this.decoder = null;
    this.curves = new Map(); // class -> Float32Array(points * PIXELS), for this.decoder
  }

  // whether class `cls` is already decoded for this decoder (then best() answers at once)
  has(decoder, cls) {
    return decoder === this.decoder && this.curves.has(cls);
  }

  // The decoded lattice of class `cls`: made once per class and decoder, in small batches.
  async curve(decoder, meta, cls) {
    if (decoder !== this.decoder) {
      this.decoder = decoder;
      this.curves = new Map();
    }
    if (!this.curves.has(cls)) {
      const codes = latticeLevels(meta.style_dims).map((levels) => storedCode(cls, levels, meta));
      const curves = this.curves;
      curves.set(cls, (async () => {
        const images = new Float32Array(codes.length * PIXELS);
        for (let i = 0; i < codes.length; i += BATCH) {
          images.set(await decoder.decode(codes.slice(i, i + BATCH)), i * PIXELS);
          await nextTask();
        }
        return images;
      })().catch((e) => {
        curves.delete(cls); // a decoder disposed half-way: the next drawing starts again
        throw e;
      }));
    }
    return this.curves.get(cls);
  }

  // -> { levels, image, bce, headBce, tried }: the best stored code for `pixels` among the style
  // head's own levels (decoded as `headImage`) and the lattice of class `cls`, with its decoded image.
  async best(decoder, meta, cls, pixels, headLevels, headImage) {
    const lattice = latticeLevels(meta.style_dims);
    const images = await this.curve(decoder, meta, cls);
    const headBce = bce(pixels, headImage);
    let best = { levels: headLevels, image: headImage, bce: headBce };
    lattice.forEach((levels, i) => {
      const score = bce(pixels, images, i * PIXELS);
      if (score < best.bce) best = { levels, image: images.subarray(i * PIXELS, (i + 1) * PIXELS), bce: score };
    });
    return { ...best, headBce, tried: lattice.length + 1 };
  }
}
