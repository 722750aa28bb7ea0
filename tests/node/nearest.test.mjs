// web/static/js/explorer/nearest.js: the nearest index images to a decoded one, and the sprite's pixels
// (the DOM part, fetching and drawing, is tested in the browser: tests/browser/test_nearest.py).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { IMAGE_SIDE } from '../../web/static/js/contract.js';
import { K, nearest, spritePixels } from '../../web/static/js/explorer/nearest.js';

const AREA = IMAGE_SIDE * IMAGE_SIDE;

// a seeded generator, so a failure can be replayed
function random(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function bruteForce(query, index, k) {
  const n = index.length / AREA;
  const all = [];
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let p = 0; p < AREA; p++) s += (query[p] - index[i * AREA + p]) ** 2;
    all.push({ i, d: Math.sqrt(s) });
  }
  return all.sort((a, b) => a.d - b.d || a.i - b.i).slice(0, k);
}

test('nearest: the k nearest rows by Euclidean distance, nearest first, as a full sort finds them', () => {
  const rand = random(7);
  const index = Float32Array.from({ length: 300 * AREA }, rand);
  for (let trial = 0; trial < 5; trial++) {
    const query = Float32Array.from({ length: AREA }, rand);
    const found = nearest(query, index);
    const expected = bruteForce(query, index, K);
    assert.equal(found.length, K);
    assert.deepEqual(found.map((f) => f.i), expected.map((e) => e.i));
    found.forEach((f, j) => assert.ok(Math.abs(f.d - expected[j].d) < 1e-9));
    assert.ok(found[0].d <= found[1].d && found[1].d <= found[2].d);
  }
});

test('nearest: an image of the index is its own nearest, at 0; ties keep the lower row first', () => {
  const rand = random(3);
  const index = Float32Array.from({ length: 20 * AREA }, rand);
  index.copyWithin(12 * AREA, 5 * AREA, 6 * AREA); // row 12 = row 5
  const query = index.slice(5 * AREA, 6 * AREA);
  const found = nearest(query, index);
  assert.deepEqual(found.slice(0, 2), [{ i: 5, d: 0 }, { i: 12, d: 0 }]);
  assert.ok(found[2].d > 0);
});

test('nearest: fewer rows than k gives them all; k is a parameter', () => {
  const index = new Float32Array(2 * AREA).fill(1);
  index.fill(0.5, AREA);
  const query = new Float32Array(AREA);
  assert.deepEqual(nearest(query, index).map((f) => f.i), [1, 0]);
  assert.equal(nearest(query, index, 1).length, 1);
  assert.ok(Math.abs(nearest(query, index)[0].d - 0.5 * IMAGE_SIDE) < 1e-9); // sqrt(784 * 0.25) = 14
});

test('spritePixels: image (row r, column c) of the sprite becomes index row r * perRow + c, red channel / 255', () => {
  const rows = 2;
  const perRow = 3;
  const width = perRow * IMAGE_SIDE;
  const rgba = new Uint8ClampedArray(4 * width * rows * IMAGE_SIDE);
  // each image's top-left pixel holds its number, its bottom-right pixel 255
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < perRow; c++) {
      const at = (x, y) => 4 * ((r * IMAGE_SIDE + y) * width + c * IMAGE_SIDE + x);
      rgba[at(0, 0)] = 10 * (r * perRow + c) + 1;
      rgba[at(IMAGE_SIDE - 1, IMAGE_SIDE - 1)] = 255;
      rgba[at(1, 0) + 1] = 99; // green is not read
    }
  }
  const pixels = spritePixels(rgba, width, rows, perRow);
  assert.equal(pixels.length, rows * perRow * AREA);
  for (let i = 0; i < rows * perRow; i++) {
    assert.equal(pixels[i * AREA], Math.fround((10 * i + 1) / 255)); // stored as float32
    assert.equal(pixels[i * AREA + AREA - 1], 1);
    assert.equal(pixels[i * AREA + 1], 0);
  }
});
