// A drawing -> a 28x28 digit the way MNIST was made: the ink's bounding box scaled (keeping its
// aspect) to fit 20x20 with anti-aliasing, then placed in 28x28 with its centre of mass at the centre.
// The pure steps (inkBox, fitBox, placeByMass) work on RGBA bytes and are tested in Node; toMnist
// joins them with the canvas scaling.
import { IMAGE_SIDE } from '../contract.js';

const BOX = 20; // MNIST's digits were fitted to 20x20 before being centred in IMAGE_SIDE x IMAGE_SIDE

// The bounding box of the ink (alpha > 0) in RGBA bytes `rgba` of a width x height image:
// { x0, y0, w, h }, or null when nothing is drawn.
export function inkBox(rgba, width, height) {
  let x0 = width, y0 = height, x1 = -1, y1 = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (rgba[4 * (y * width + x) + 3] > 0) {
        x0 = Math.min(x0, x); x1 = Math.max(x1, x);
        y0 = Math.min(y0, y); y1 = Math.max(y1, y);
      }
    }
  }
  return x1 < 0 ? null : { x0, y0, w: x1 - x0 + 1, h: y1 - y0 + 1 };
}

// The size a w x h box is scaled to: its longer side BOX, its aspect kept, at least 1 pixel.
export function fitBox(w, h) {
  const scale = BOX / Math.max(w, h);
  return { sw: Math.max(1, Math.round(w * scale)), sh: Math.max(1, Math.round(h * scale)) };
}

// The scaled ink (RGBA bytes of sw x sh; alpha is the ink) placed in IMAGE_SIDE x IMAGE_SIDE with its
// centre of mass on the centre (rounded to whole pixels). Returns Float32Array in [0, 1].
export function placeByMass(rgba, sw, sh) {
  let mass = 0, mx = 0, my = 0;
  for (let y = 0; y < sh; y++) {
    for (let x = 0; x < sw; x++) {
      const v = rgba[4 * (y * sw + x) + 3] / 255;
      mass += v; mx += v * x; my += v * y;
    }
  }
  const dx = Math.round(IMAGE_SIDE / 2 - mx / mass);
  const dy = Math.round(IMAGE_SIDE / 2 - my / mass);
  const out = new Float32Array(IMAGE_SIDE * IMAGE_SIDE);
  for (let y = 0; y < sh; y++) {
    for (let x = 0; x < sw; x++) {
      const tx = x + dx, ty = y + dy;
      if (tx >= 0 && tx < IMAGE_SIDE && ty >= 0 && ty < IMAGE_SIDE) out[ty * IMAGE_SIDE + tx] = rgba[4 * (y * sw + x) + 3] / 255;
    }
  }
  return out;
}

// ink: a canvas whose alpha channel is the ink. Returns Float32Array(784) in [0, 1], or null if empty.
export function toMnist(ink) {
  const { width, height } = ink;
  const box = inkBox(ink.getContext('2d').getImageData(0, 0, width, height).data, width, height);
  if (!box) return null;
  const { x0, y0, w, h } = box;
  const { sw, sh } = fitBox(w, h);

  // Scale down in halving steps: one big drawImage step would alias thin strokes away.
  let src = ink, sx = x0, sy = y0, cw = w, ch = h;
  while (cw / 2 > sw && ch / 2 > sh) {
    const half = document.createElement('canvas');
    half.width = Math.ceil(cw / 2);
    half.height = Math.ceil(ch / 2);
    const ctx = half.getContext('2d');
    ctx.imageSmoothingQuality = 'high';
    ctx.drawImage(src, sx, sy, cw, ch, 0, 0, half.width, half.height);
    [src, sx, sy, cw, ch] = [half, 0, 0, half.width, half.height];
  }
  const small = document.createElement('canvas');
  small.width = sw;
  small.height = sh;
  const sctx = small.getContext('2d');
  sctx.imageSmoothingQuality = 'high';
  sctx.drawImage(src, sx, sy, cw, ch, 0, 0, sw, sh);
  return placeByMass(sctx.getImageData(0, 0, sw, sh).data, sw, sh);
}
