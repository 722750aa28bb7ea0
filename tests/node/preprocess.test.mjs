// web/static/js/explorer/preprocess.js: a drawing -> a 28x28 digit as MNIST was made (the ink's box fitted
// to 20x20 keeping its aspect, then centred by its centre of mass). The pure steps are tested on
// plain RGBA arrays; toMnist on a fake canvas whose drawImage averages the source area it covers.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, test } from 'node:test';
import { IMAGE_SIDE } from '../../web/static/js/contract.js';
import { fitBox, inkBox, placeByMass, toMnist } from '../../web/static/js/explorer/preprocess.js';

const close = (a, b, tol, what = '') => assert.ok(Math.abs(a - b) <= tol, `${what}${a} is not within ${tol} of ${b}`);

// RGBA bytes of a w x h image whose alpha is 255 where ink(x, y), 0 elsewhere (the colour is noise:
// only alpha is ink).
function rgba(w, h, ink) {
  const data = new Uint8ClampedArray(4 * w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = 4 * (y * w + x);
      data[i] = (x * 37) % 256;
      data[i + 1] = (y * 11) % 256;
      data[i + 3] = ink(x, y) ? 255 : 0;
    }
  }
  return data;
}

// the ink's total, centre of mass and bounding box in a side x side float image
function stats(img, side = IMAGE_SIDE) {
  let mass = 0, mx = 0, my = 0, x0 = side, y0 = side, x1 = -1, y1 = -1;
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      const v = img[y * side + x];
      mass += v; mx += v * x; my += v * y;
      if (v > 0) { x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y); }
    }
  }
  return { mass, cx: mx / mass, cy: my / mass, w: x1 - x0 + 1, h: y1 - y0 + 1, x0, y0 };
}

test('inkBox: the bounding box of alpha > 0, null when nothing is drawn', () => {
  assert.equal(inkBox(rgba(10, 8, () => false), 10, 8), null);
  assert.deepEqual(inkBox(rgba(10, 8, (x, y) => (x === 2 && y === 5) || (x === 7 && y === 1)), 10, 8), { x0: 2, y0: 1, w: 6, h: 5 });
  assert.deepEqual(inkBox(rgba(10, 8, () => true), 10, 8), { x0: 0, y0: 0, w: 10, h: 8 });
  const faint = rgba(3, 3, () => false);
  faint[4 * 4 + 3] = 1; // the least alpha is ink
  faint[4 * 0] = 255; // colour without alpha is not
  assert.deepEqual(inkBox(faint, 3, 3), { x0: 1, y0: 1, w: 1, h: 1 });
});

test('fitBox: the longer side becomes 20, the aspect is kept, never below 1 pixel', () => {
  assert.deepEqual(fitBox(100, 50), { sw: 20, sh: 10 });
  assert.deepEqual(fitBox(40, 200), { sw: 4, sh: 20 });
  assert.deepEqual(fitBox(1, 1), { sw: 20, sh: 20 });
  assert.deepEqual(fitBox(1000, 3), { sw: 20, sh: 1 });
  assert.deepEqual(fitBox(7, 7), { sw: 20, sh: 20 });
});

test('placeByMass: the centre of mass lands on the centre of 28x28, to the pixel', () => {
  const dot = placeByMass(rgba(1, 1, () => true), 1, 1);
  assert.equal(dot.length, IMAGE_SIDE * IMAGE_SIDE);
  assert.equal(dot[14 * IMAGE_SIDE + 14], 1);
  assert.equal(stats(dot).mass, 1);

  const full = stats(placeByMass(rgba(20, 20, () => true), 20, 20));
  assert.deepEqual([full.mass, full.w, full.h, full.x0, full.y0], [400, 20, 20, 5, 5]);

  // an L: heavy on the left and at the bottom, so its centre of mass is not its box's centre
  const L = (x, y) => x < 4 || y >= 16;
  const s = stats(placeByMass(rgba(20, 20, L), 20, 20));
  close(s.cx, 14, 0.5, 'x: ');
  close(s.cy, 14, 0.5, 'y: ');
  assert.ok(s.x0 > 4, 'the L is shifted right of where its box would be centred');
  assert.equal(s.mass, 20 * 4 + 16 * 4);
});

test('placeByMass keeps grey levels and does not fail on ink that scaled to nothing', () => {
  const data = rgba(2, 1, () => true);
  data[3] = 51;
  const out = placeByMass(data, 2, 1);
  assert.deepEqual(Array.from(out).filter((v) => v > 0).map((v) => Math.round(v * 255)), [51, 255]);
  const none = placeByMass(new Uint8ClampedArray(4 * 5 * 5), 5, 5);
  assert.ok(none.every((v) => v === 0));
});

// A canvas as much as toMnist uses: width/height, getImageData, and drawImage that scales by
// averaging the source area under each target pixel (8 x 8 samples).
class FakeCanvas {
  constructor(width = 300, height = 150) {
    this.width = width;
    this.height = height;
  }

  set width(w) { this._w = w; this.data = new Uint8ClampedArray(4 * w * (this._h ?? 0)); }
  get width() { return this._w; }
  set height(h) { this._h = h; this.data = new Uint8ClampedArray(4 * (this._w ?? 0) * h); }
  get height() { return this._h; }

  getContext() {
    const canvas = this;
    return {
      imageSmoothingQuality: 'low',
      getImageData(x, y, w, h) {
        assert.deepEqual([x, y, w, h], [0, 0, canvas.width, canvas.height]);
        return { width: w, height: h, data: Uint8ClampedArray.from(canvas.data) };
      },
      drawImage(src, sx, sy, sw, sh, dx, dy, dw, dh) {
        FakeCanvas.draws.push([sw, sh, dw, dh]);
        const S = 8;
        for (let py = 0; py < dh; py++) {
          for (let px = 0; px < dw; px++) {
            const acc = [0, 0, 0, 0];
            for (let j = 0; j < S; j++) {
              for (let i = 0; i < S; i++) {
                const x = Math.floor(sx + ((px + (i + 0.5) / S) * sw) / dw);
                const y = Math.floor(sy + ((py + (j + 0.5) / S) * sh) / dh);
                for (let k = 0; k < 4; k++) acc[k] += src.data[4 * (y * src.width + x) + k];
              }
            }
            for (let k = 0; k < 4; k++) canvas.data[4 * ((dy + py) * canvas.width + dx + px) + k] = acc[k] / (S * S);
          }
        }
      },
    };
  }

  static draws = [];
}

function pad(ink, side = 280) {
  const canvas = new FakeCanvas(side, side);
  canvas.data = rgba(side, side, ink);
  return canvas;
}

let savedDocument;
beforeEach(() => {
  savedDocument = globalThis.document;
  globalThis.document = { createElement: (tag) => (assert.equal(tag, 'canvas'), new FakeCanvas()) };
  FakeCanvas.draws = [];
});
afterEach(() => {
  globalThis.document = savedDocument;
});

test('toMnist: an empty pad is null', () => {
  assert.equal(toMnist(pad(() => false)), null);
  assert.equal(FakeCanvas.draws.length, 0);
});

test('toMnist: a bar is cut, fitted to 20 px tall keeping its aspect, and centred', () => {
  const bar = (x, y) => x >= 50 && x < 90 && y >= 30 && y < 230; // 40 x 200
  const out = toMnist(pad(bar));
  assert.equal(out.length, IMAGE_SIDE * IMAGE_SIDE);
  assert.ok(out.every((v) => v >= 0 && v <= 1));
  const s = stats(out);
  assert.deepEqual([s.w, s.h], [4, 20]);
  close(s.mass, 80, 1e-3);
  close(s.cx, 14, 0.5, 'x: ');
  close(s.cy, 14, 0.5, 'y: ');
  // scaled down in halving steps (40 x 200 -> 20 x 100 -> 10 x 50 -> 5 x 25), then to 4 x 20
  assert.deepEqual(FakeCanvas.draws, [[40, 200, 20, 100], [20, 100, 10, 50], [10, 50, 5, 25], [5, 25, 4, 20]]);
});

test('toMnist: where the digit is drawn on the pad does not matter', () => {
  const ring = (ox, oy) => (x, y) => {
    const r = Math.hypot(x - ox, y - oy);
    return r < 60 && r > 40 && !(x > ox && y < oy); // a ring with a quarter missing: off-centre mass
  };
  const a = toMnist(pad(ring(80, 90)));
  const b = toMnist(pad(ring(200, 190)));
  assert.deepEqual(Array.from(a), Array.from(b));
  const s = stats(a);
  close(s.cx, 14, 0.5, 'x: ');
  close(s.cy, 14, 0.5, 'y: ');
  assert.ok(Math.max(s.w, s.h) <= 20 && Math.max(s.w, s.h) >= 19);
  assert.ok(a.some((v) => v > 0 && v < 1), 'anti-aliased edges');
});
