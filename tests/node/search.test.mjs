// web/static/js/explorer/search.js: 8-bit style levels, the searched lattice, and the drawing's best stored
// code, found with a fake decoder whose images are known.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { IMAGE_SIDE } from '../../web/static/js/contract.js';
import { NUM_CLASSES } from '../../web/static/js/explorer/codes.js';
import { LEVELS, StyleSearch, bce, fromLevels, latticeLevels, storedCode, toLevels } from '../../web/static/js/explorer/search.js';

const PIXELS = IMAGE_SIDE * IMAGE_SIDE;
const META1 = { style_dims: 1, style_range: [[-2, 3]] };
const META2 = { style_dims: 2, style_range: [[-2, 3], [10, 20]] };

test('toLevels / fromLevels: the ends, rounding, clamping and the way back', () => {
  assert.equal(LEVELS, 256);
  assert.deepEqual(toLevels([-2, 3], { style_range: [[-2, 3], [-2, 3]] }), [0, 255]);
  assert.deepEqual(toLevels([-100, 100], META2), [0, 255]);
  assert.deepEqual(toLevels([0.5, 15], META2), [128, 128]); // 127.5 rounds up
  assert.deepEqual(fromLevels([0, 255], META2), [-2, 20]);
  for (let q = 0; q < LEVELS; q++) assert.deepEqual(toLevels(fromLevels([q, 255 - q], META2), META2), [q, 255 - q]);
});

test('storedCode: one-hot class, then the styles of the levels', () => {
  const c = storedCode(7, [0, 255], META2);
  assert.equal(c.length, NUM_CLASSES + 2);
  assert.deepEqual(Array.from(c.slice(0, NUM_CLASSES)), Array.from({ length: NUM_CLASSES }, (_, i) => (i === 7 ? 1 : 0)));
  assert.deepEqual(Array.from(c.slice(NUM_CLASSES)), [-2, 20]);
});

test('latticeLevels: every level for one style, a 16 x 16 lattice for two', () => {
  const one = latticeLevels(1);
  assert.equal(one.length, 256);
  assert.deepEqual(one.map(([q]) => q), Array.from({ length: 256 }, (_, i) => i));
  const two = latticeLevels(2);
  assert.equal(two.length, 256);
  const axis = [...new Set(two.map(([a]) => a))];
  assert.equal(axis.length, 16);
  assert.deepEqual([axis[0], axis.at(-1)], [0, 255]);
  assert.deepEqual(two[0], [0, 0]);
  assert.deepEqual(two[1], [0, axis[1]]);
  assert.deepEqual(two.at(-1), [255, 255]);
  assert.equal(new Set(two.map(String)).size, 256, 'no point twice');
  assert.ok(two.every((p) => p.length === 2 && p.every((q) => Number.isInteger(q) && q >= 0 && q <= 255)));
});

test('bce is smallest where the output equals the target, and reads at an offset', () => {
  const target = Float32Array.from({ length: 8 }, (_, i) => i / 7);
  const other = Float32Array.from(target, (v) => 1 - v);
  assert.ok(bce(target, target) < bce(target, other));
  const joined = new Float32Array(16);
  joined.set(other);
  joined.set(target, 8);
  assert.equal(bce(target, joined, 8), bce(target, target));
  assert.ok(Number.isFinite(bce(Float32Array.of(1, 0), Float32Array.of(0, 1))), 'clipped: no Infinity');
});

// The image a fake decoder draws for a code: every pixel a smooth function of the class and the
// style levels, so each stored code has an image of its own.
function imageOf(cls, levels) {
  const img = new Float32Array(PIXELS);
  for (let i = 0; i < PIXELS; i++) {
    img[i] = 0.5 + 0.4 * Math.sin(i * 0.013 * (cls + 1) + levels[0] * 0.021 + (levels[1] ?? 0) * 0.037);
  }
  return img;
}

// A decoder that draws imageOf(class, levels of the code) and records what it was asked.
function fakeDecoder(meta) {
  return {
    calls: 0,
    codes: [],
    async decode(codes) {
      this.calls++;
      const out = new Float32Array(codes.length * PIXELS);
      codes.forEach((c, i) => {
        this.codes.push(c);
        const cls = Array.from(c.slice(0, NUM_CLASSES)).indexOf(1);
        out.set(imageOf(cls, toLevels(Array.from(c.slice(NUM_CLASSES)), meta)), i * PIXELS);
      });
      return out;
    },
  };
}

test('best picks the level whose image matches the drawing, decoding each class once', async () => {
  const decoder = fakeDecoder(META1);
  const search = new StyleSearch();
  const pixels = imageOf(4, [173]);
  const head = [40];
  assert.equal(search.has(decoder, 4), false);
  const found = await search.best(decoder, META1, 4, pixels, head, imageOf(4, head));
  assert.deepEqual(found.levels, [173]);
  assert.equal(found.bce, bce(pixels, pixels));
  assert.deepEqual(Array.from(found.image), Array.from(pixels));
  assert.ok(found.headBce > found.bce);
  assert.equal(found.tried, 257);
  // every lattice code decoded once, in batches of 32, all of the drawing's class
  assert.equal(decoder.codes.length, 256);
  assert.equal(decoder.calls, 8);
  assert.ok(decoder.codes.every((c) => c[4] === 1 && c.length === NUM_CLASSES + 1));
  assert.deepEqual(decoder.codes.map((c) => toLevels([c[NUM_CLASSES]], META1)[0]), Array.from({ length: 256 }, (_, i) => i));

  // the same class again: no decode; another class: its own curve
  assert.equal(search.has(decoder, 4), true);
  const again = await search.best(decoder, META1, 4, imageOf(4, [12]), head, imageOf(4, head));
  assert.deepEqual(again.levels, [12]);
  assert.equal(decoder.codes.length, 256);
  const other = await search.best(decoder, META1, 9, imageOf(9, [250]), head, imageOf(9, head));
  assert.deepEqual(other.levels, [250]);
  assert.equal(decoder.codes.length, 512);
  assert.ok(decoder.codes.slice(256).every((c) => c[9] === 1));
});

test('best keeps the style head\'s own levels when they match better than any lattice point', async () => {
  const decoder = fakeDecoder(META2);
  const head = [100, 101]; // not on the 2-D lattice (its axis steps by 17)
  const pixels = imageOf(2, head);
  const found = await new StyleSearch().best(decoder, META2, 2, pixels, head, imageOf(2, head));
  assert.equal(found.levels, head);
  assert.equal(found.bce, found.headBce);
  assert.equal(found.tried, 257);
  assert.equal(decoder.codes.length, 256);
});

test('a tie goes to the style head: its levels and image are kept', async () => {
  const head = [173]; // on the 1-D lattice: that point draws the same image
  const headImage = imageOf(4, head);
  const found = await new StyleSearch().best(fakeDecoder(META1), META1, 4, headImage, head, headImage);
  assert.equal(found.levels, head);
  assert.equal(found.image, headImage);
});

test('best on a 2-style lattice finds the lattice point that was drawn', async () => {
  const decoder = fakeDecoder(META2);
  const found = await new StyleSearch().best(decoder, META2, 0, imageOf(0, [51, 204]), [0, 0], imageOf(0, [0, 0]));
  assert.deepEqual(found.levels, [51, 204]);
});

test('a new decoder starts the curves again; a failed decode is not kept', async () => {
  const search = new StyleSearch();
  const first = fakeDecoder(META1);
  await search.curve(first, META1, 3);
  const second = fakeDecoder(META1);
  assert.equal(search.has(second, 3), false);
  await search.curve(second, META1, 3);
  assert.equal(second.codes.length, 256);
  assert.equal(search.has(first, 3), false);

  let fail = true;
  const flaky = fakeDecoder(META1);
  const decode = flaky.decode.bind(flaky);
  flaky.decode = async (codes) => {
    if (fail) throw new Error('disposed');
    return decode(codes);
  };
  await assert.rejects(search.curve(flaky, META1, 5), /disposed/);
  assert.equal(search.has(flaky, 5), false);
  fail = false;
  const found = await search.best(flaky, META1, 5, imageOf(5, [77]), [0], imageOf(5, [0]));
  assert.deepEqual(found.levels, [77]);
});

test('two requests for one class share one decode', async () => {
  const decoder = fakeDecoder(META1);
  const search = new StyleSearch();
  await Promise.all([search.curve(decoder, META1, 1), search.curve(decoder, META1, 1)]);
  assert.equal(decoder.codes.length, 256);
});
