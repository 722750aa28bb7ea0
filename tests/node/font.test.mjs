// web/static/js/font/: tracing a decoded image into curves, orienting them, placing them as glyphs, and
// the font file opentype.js makes of them (parsed back here).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from 'opentype.js/dist/opentype.mjs';
import { curvesExtent, fitRing } from '../../web/static/js/font/fit.js';
import { BEARING, EM, HEIGHT, SPACE, glyphsOf, outline, pathData, placeGlyph, svgFile } from '../../web/static/js/font/glyphs.js';
import { fontFile } from '../../web/static/js/font/otf.js';
import * as codes from '../../web/static/js/explorer/codes.js';
import { datasetWords } from '../../web/static/js/explorer/words.js';
import { drawingFont, explorerFont, fileName, fontWords, layoutLine } from '../../web/static/js/font/source.js';
import { signedArea, traceImage } from '../../web/static/js/font/trace.js';

const SIDE = 28;
// an anti-aliased ring round (14, 14): ink 1 within 1.5 px of radius 7, fading to 0 at 3 px; its 0.5
// level is the circles of radius 4.75 and 9.25
const ring = (cx = 14, cy = 14) => Float32Array.from({ length: SIDE * SIDE }, (_, i) => {
  const d = Math.abs(Math.hypot((i % SIDE) + 0.5 - cx, Math.floor(i / SIDE) + 0.5 - cy) - 7);
  return Math.min(1, Math.max(0, (3 - d) / 1.5));
});
// a bar of ink, 4 px wide, 16 high: a glyph with straight sides
const bar = Float32Array.from({ length: SIDE * SIDE }, (_, i) => ((i % SIDE) >= 12 && (i % SIDE) < 16 && i >= 6 * SIDE && i < 22 * SIDE ? 1 : 0));

const sample = (c, t) => [0, 1].map((k) => {
  const s = 1 - t;
  return s ** 3 * c[0][k] + 3 * s * s * t * c[1][k] + 3 * s * t * t * c[2][k] + t ** 3 * c[3][k];
});

test('traceImage: one outline with one hole for a ring, at the 0.5 level between pixel centres', () => {
  const polygons = traceImage(ring(), SIDE);
  assert.equal(polygons.length, 1);
  assert.equal(polygons[0].length, 2); // the outer ring and its hole
  const radii = polygons[0].map((r) => r.map(([x, y]) => Math.hypot(x - 14, y - 14)));
  for (const [rs, want] of [[radii[0], 9.25], [radii[1], 4.75]]) {
    assert.ok(rs.every((r) => Math.abs(r - want) < 0.2), `${Math.min(...rs)}..${Math.max(...rs)} vs ${want}`);
  }
});

test('fitRing: a closed chain of curves within the tolerance of the points, smooth where it closes', () => {
  const points = Array.from({ length: 80 }, (_, i) => [14 + 8 * Math.cos((i / 80) * 2 * Math.PI), 14 + 8 * Math.sin((i / 80) * 2 * Math.PI)]);
  const curves = fitRing(points);
  assert.ok(curves.length >= 1 && curves.length <= 8, String(curves.length));
  curves.forEach((c, i) => assert.deepEqual(c[0], (curves[i - 1] ?? curves[curves.length - 1])[3]));
  for (const c of curves) for (let t = 0; t <= 1; t += 0.1) assert.ok(Math.abs(Math.hypot(...sample(c, t).map((v) => v - 14)) - 8) < 0.2);
  // one tangent at the seam: the last curve's second handle, the seam and the first curve's first handle in line
  const [a, seam, b] = [curves[curves.length - 1][2], curves[0][0], curves[0][1]];
  const cross = (seam[0] - a[0]) * (b[1] - seam[1]) - (seam[1] - a[1]) * (b[0] - seam[0]);
  assert.ok(Math.abs(cross) < 1e-6, String(cross));
  assert.deepEqual(curvesExtent([[[0, 0], [0, 4], [4, 4], [4, 0]]]), [0, 0, 4, 3]);
});

const area = (chain) => signedArea(chain.flatMap((c) => [0, 0.25, 0.5, 0.75].map((t) => sample(c, t))));

test('placeGlyph: on the baseline, HEIGHT tall, BEARING each side; outer counter-clockwise, hole clockwise', () => {
  const glyph = placeGlyph(outline(ring(), SIDE));
  assert.equal(glyph.contours.length, 2);
  const [x0, y0, x1, y1] = curvesExtent(glyph.contours.flat());
  assert.ok(Math.abs(y0) <= 1 && Math.abs(y1 - HEIGHT) <= 1, `${y0} ${y1}`);
  assert.ok(Math.abs(x0 - BEARING) <= 1 && Math.abs(glyph.advance - x1 - BEARING) <= 1, `${x0} ${x1} ${glyph.advance}`);
  const [outer, hole] = [...glyph.contours].sort((a, b) => Math.abs(area(b)) - Math.abs(area(a)));
  assert.ok(area(outer) > 0 && area(hole) < 0, `${area(outer)} ${area(hole)}`);
  for (const chain of glyph.contours) {
    assert.ok(chain.flat(2).every(Number.isInteger));
    chain.forEach((c, i) => assert.deepEqual(c[0], (chain[i - 1] ?? chain[chain.length - 1])[3]));
  }
  assert.deepEqual(placeGlyph(outline(new Float32Array(SIDE * SIDE), SIDE)), { contours: [], advance: EM / 2 });
});

test('a glyph with straight sides is drawn with curves only, none a short straight step', () => {
  const [glyph] = glyphsOf(bar, 1, SIDE);
  const curves = glyph.contours.flat();
  const straight = curves.filter((c) => c.every((p) => p[0] === c[0][0]) || c.every((p) => p[1] === c[0][1]));
  assert.ok(straight.every((c) => Math.hypot(c[3][0] - c[0][0], c[3][1] - c[0][1]) >= (1.5 / 28) * EM), JSON.stringify(straight));
  assert.match(pathData(glyph), /^M[-\d. ]+(C[-\d. ]+)+Z$/);
  assert.match(svgFile(glyph, 'a <bar>'), /<title>a &#60;bar&#62;<\/title><path fill="#000" d="M/);
});

test('fontFile: an OpenType font mapping 0-9 to the glyphs, opentype.js reads it back', () => {
  const glyphs = Array.from({ length: 10 }, (_, d) => glyphsOf(d % 2 ? ring() : bar, 1, SIDE)[0]);
  const font = parse(fontFile(glyphs, 'Digit Morph mnist style 0.50'));
  assert.equal(font.getEnglishName('fontFamily'), 'Digit Morph mnist style 0.50');
  assert.equal(font.unitsPerEm, EM);
  for (let d = 0; d < 10; d++) {
    const g = font.charToGlyph(String(d));
    assert.equal(g.advanceWidth, glyphs[d].advance);
    assert.equal(g.path.commands.filter((c) => c.type === 'M').length, glyphs[d].contours.length);
  }
  assert.equal(font.charToGlyph(' ').advanceWidth, SPACE);
});

test('explorerFont and drawingFont: the codes, the names and the words of a font', () => {
  const tools = { ...codes, datasetWords };
  const table = (v) => ({ 1: [v - 1, 0], 50: [v, 1], 99: [v + 1, 2] });
  const meta = { name: 'mnist', dataset: 'mnist', style_dims: 2, class_names: [...'0123456789'], style_percentiles: table(0),
    style_percentiles_per_class: Object.fromEntries(Array.from({ length: 10 }, (_, c) => [String(c), table(c)])) };
  const font = explorerFont(tools, meta, [0.5]); // (a style value missing: the middle)
  assert.equal(font.family, 'Digit Morph mnist style 0.50 0.50');
  assert.equal(fileName(font.family, 'otf'), 'digit-morph-mnist-style-0.50-0.50.otf');
  font.codes.forEach((code, c) => assert.deepEqual(Array.from(code), [...Array.from({ length: 10 }, (_, k) => +(k === c)), c, 1]));
  assert.notEqual(explorerFont(tools, meta, [0.5, 0.25]).key, font.key);
  const drawn = drawingFont(tools, meta, { cls: 7, levels: [3, 4], codes: [[1, 2]] });
  assert.equal(drawn.family, 'Digit Morph mnist style of your 7');
  assert.ok(drawn.codes[0] instanceof Float32Array);
  assert.equal(fontWords(tools, meta)['font-title'], 'Your handwriting as a font');
  const fashion = { ...meta, name: 'fashion', dataset: 'fashion_mnist', class_names: ['T-shirt/top', 'Trouser', ...'23456789'] };
  const words = Object.values(fontWords(tools, fashion)).join(' ');
  assert.match(words, /ten clothing icons, one per key from 0 to 9 \(0 T-shirt\/top, 1 Trouser, 2 2/);
  assert.doesNotMatch(words, /digit|handwrit/i);
  assert.equal(explorerFont(tools, fashion, [0.5]).family, 'Clothes Morph fashion style 0.50 0.50');
});

test('layoutLine places the typed text: digits by their advances, spaces, other characters measured', () => {
  const glyphs = Array.from({ length: 10 }, (_, d) => ({ advance: 100 + d }));
  const line = layoutLine('1 2.3', glyphs, SPACE, () => 50);
  assert.deepEqual(line.items, [{ index: 1, x: 0 }, { index: 2, x: 101 + SPACE }, { char: '.', x: 203 + SPACE }, { index: 3, x: 253 + SPACE }]);
  assert.equal(line.width, 356 + SPACE);
});

test('outline: a speck of ink goes, a hole of one pixel stays; a wide glyph is fitted by its width', () => {
  const image = new Float32Array(SIDE * SIDE);
  for (let y = 6; y < 22; y++) for (let x = 8; x < 20; x++) image[y * SIDE + x] = 1;
  image[14 * SIDE + 13] = 0.3; // a pixel of paper inside the ink
  image[2 * SIDE + 2] = 0.55; // a faint speck apart
  const contours = outline(image, SIDE);
  assert.equal(contours.length, 2);
  const glyph = placeGlyph(contours);
  const areas = glyph.contours.map(area).sort((a, b) => a - b);
  assert.ok(areas[0] < 0 && areas[1] > 0, String(areas)); // the hole, clockwise
  const wide = Float32Array.from({ length: SIDE * SIDE }, (_, i) => (Math.floor(i / SIDE) >= 12 && Math.floor(i / SIDE) < 16 ? 1 : 0));
  const [x0, y0, x1, y1] = curvesExtent(placeGlyph(outline(wide, SIDE)).contours.flat());
  assert.ok(Math.abs(x1 - x0 - EM) <= 1 && y1 - y0 < HEIGHT && Math.abs(y0) <= 1, `${x0} ${y0} ${x1} ${y1}`);
});
