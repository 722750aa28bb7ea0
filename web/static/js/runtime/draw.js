// Drawing decoded pixels (floats in [0, 1], ink = 1) onto canvases, in the page's colours (the code's bars: bars.js).
import { GRID_GAP, IMAGE_SIDE } from '../contract.js';

// A grid's cell and the gap after it, in canvas pixels (every grid of digits the page draws).
export const PITCH = IMAGE_SIDE + GRID_GAP;

// Draw image `index` of `pixels` at (x, y) of a 2-D context, dark ink on a light ground.
export function drawDigit(ctx, pixels, index = 0, x = 0, y = 0, ink = [20, 24, 40], paper = [255, 255, 255]) {
  const img = ctx.createImageData(IMAGE_SIDE, IMAGE_SIDE);
  const base = index * IMAGE_SIDE * IMAGE_SIDE;
  for (let i = 0; i < IMAGE_SIDE * IMAGE_SIDE; i++) {
    const v = Math.min(1, Math.max(0, pixels[base + i]));
    img.data[4 * i] = paper[0] + (ink[0] - paper[0]) * v;
    img.data[4 * i + 1] = paper[1] + (ink[1] - paper[1]) * v;
    img.data[4 * i + 2] = paper[2] + (ink[2] - paper[2]) * v;
    img.data[4 * i + 3] = 255;
  }
  ctx.putImageData(img, x, y);
}

// The page's colours for ink and paper, read from CSS so dark mode applies to the digits too.
export function inkColours(element) {
  const style = getComputedStyle(element);
  const rgb = (name, fallback) => {
    const m = style.getPropertyValue(name).match(/\d+/g);
    return m && m.length >= 3 ? m.slice(0, 3).map(Number) : fallback;
  };
  return { ink: rgb('--ink-rgb', [20, 24, 40]), paper: rgb('--paper-rgb', [255, 255, 255]) };
}


// The RGBA bytes of a decoded <img> (a sprite or grid shipped as PNG), read through a scratch canvas.
export function imageBytes(img) {
  const canvas = document.createElement('canvas');
  canvas.width = img.naturalWidth;
  canvas.height = img.naturalHeight;
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  ctx.drawImage(img, 0, 0);
  return ctx.getImageData(0, 0, canvas.width, canvas.height).data;
}
