// A drawing -> a 28x28 digit the way MNIST was made: the ink's bounding box scaled (keeping its
// aspect) to fit 20x20 with anti-aliasing, then placed in 28x28 with its centre of mass at the centre.

const BOX = 20;
const SIDE = 28;

// ink: a canvas whose alpha channel is the ink. Returns Float32Array(784) in [0, 1], or null if empty.
export function toMnist(ink) {
  const { width, height } = ink;
  const alpha = ink.getContext('2d').getImageData(0, 0, width, height).data;
  let x0 = width, y0 = height, x1 = -1, y1 = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (alpha[4 * (y * width + x) + 3] > 0) {
        x0 = Math.min(x0, x); x1 = Math.max(x1, x);
        y0 = Math.min(y0, y); y1 = Math.max(y1, y);
      }
    }
  }
  if (x1 < 0) return null;
  const w = x1 - x0 + 1;
  const h = y1 - y0 + 1;
  const scale = BOX / Math.max(w, h);
  const sw = Math.max(1, Math.round(w * scale));
  const sh = Math.max(1, Math.round(h * scale));

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
  const a = sctx.getImageData(0, 0, sw, sh).data;

  let mass = 0, mx = 0, my = 0;
  for (let y = 0; y < sh; y++) {
    for (let x = 0; x < sw; x++) {
      const v = a[4 * (y * sw + x) + 3] / 255;
      mass += v; mx += v * x; my += v * y;
    }
  }
  const dx = Math.round(SIDE / 2 - mx / mass);
  const dy = Math.round(SIDE / 2 - my / mass);
  const out = new Float32Array(SIDE * SIDE);
  for (let y = 0; y < sh; y++) {
    for (let x = 0; x < sw; x++) {
      const tx = x + dx, ty = y + dy;
      if (tx >= 0 && tx < SIDE && ty >= 0 && ty < SIDE) out[ty * SIDE + tx] = a[4 * (y * sw + x) + 3] / 255;
    }
  }
  return out;
}
