// web/static/js/runtime/draw.js: decoded pixels onto a 2-D context (inkColours needs the DOM and is tested
// in the browser).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { IMAGE_SIDE } from '../../web/static/js/contract.js';
import { drawDigit } from '../../web/static/js/runtime/draw.js';

// a context that records putImageData
function fakeContext() {
  return {
    puts: [],
    createImageData: (w, h) => ({ width: w, height: h, data: new Uint8ClampedArray(4 * w * h) }),
    putImageData(img, x, y) { this.puts.push({ img, x, y }); },
  };
}

const rgbaAt = (img, i) => Array.from(img.data.slice(4 * i, 4 * i + 4));

test('drawDigit: image `index` of a batch, ink where 1, paper where 0, blended between, clamped', () => {
  const n = IMAGE_SIDE * IMAGE_SIDE;
  const pixels = new Float32Array(3 * n).fill(0.5);
  const second = pixels.subarray(n, 2 * n);
  second.fill(0);
  second[0] = 1;
  second[1] = 0.25;
  second[2] = 7; // outside [0, 1]: clamped
  second[3] = -2;
  second[n - 1] = 1;
  const ctx = fakeContext();
  drawDigit(ctx, pixels, 1, 60, 30, [0, 100, 200], [200, 200, 200]);
  assert.equal(ctx.puts.length, 1);
  const { img, x, y } = ctx.puts[0];
  assert.deepEqual([img.width, img.height, x, y], [IMAGE_SIDE, IMAGE_SIDE, 60, 30]);
  assert.deepEqual(rgbaAt(img, 0), [0, 100, 200, 255]);
  assert.deepEqual(rgbaAt(img, 1), [150, 175, 200, 255]);
  assert.deepEqual(rgbaAt(img, 2), [0, 100, 200, 255]);
  assert.deepEqual(rgbaAt(img, 3), [200, 200, 200, 255]);
  assert.deepEqual(rgbaAt(img, 4), [200, 200, 200, 255]);
  assert.deepEqual(rgbaAt(img, n - 1), [0, 100, 200, 255]);
});

test('drawDigit: default colours are dark ink on white', () => {
  const ctx = fakeContext();
  const pixels = new Float32Array(IMAGE_SIDE * IMAGE_SIDE);
  pixels[5] = 1;
  drawDigit(ctx, pixels);
  const { img, x, y } = ctx.puts[0];
  assert.deepEqual([x, y], [0, 0]);
  assert.deepEqual(rgbaAt(img, 0), [255, 255, 255, 255]);
  assert.deepEqual(rgbaAt(img, 5), [20, 24, 40, 255]);
});
