// The ten decoded images -> the font's glyphs: each traced (trace.js) and fitted with curves (fit.js),
// outer outlines turning counter-clockwise in the font (y up) and holes clockwise, then scaled so that
// every glyph's ink runs from the baseline to one height, with the same side bearings. Pure, no DOM.
import { curvesExtent, fitRing } from './fit.js';
import { openRing, samePoint, signedArea, smoothRing, traceImage } from './trace.js';

export const EM = 1000; // font units per em
export const ASCENT = 800;
export const DESCENT = 200;
export const HEIGHT = 700; // every glyph's ink, from the baseline up...
export const WIDTH = EM; // ...unless that makes it wider than this (a shoe of Fashion-MNIST: it keeps its shape)
export const BEARING = 50; // the space on either side of a glyph's ink
export const SPACE = 300; // the space character's width

export const SPECK = 0.5; // square pixels: an island of ink smaller than this is a speck, not a stroke
export const SMOOTH_FROM = 12; // points: a shorter ring (a pixel's worth) is fitted as traced, else it would shrink away

// One image -> its outlines in pixel units (y down): [[curve, ...], ...], outer ones clockwise on
// screen (so counter-clockwise once y points up), holes the other way. Holes are kept however small.
export function outline(pixels, side) {
  const contours = [];
  for (const traced of traceImage(pixels, side)) {
    const rings = traced.map(openRing);
    if (Math.abs(signedArea(rings[0])) / 2 < SPECK) continue;
    rings.forEach((ring, i) => {
      if (ring.length < 3) return;
      const points = ring.length < SMOOTH_FROM ? [...ring] : smoothRing(ring);
      if ((signedArea(points) < 0) !== (i === 0)) points.reverse();
      contours.push(fitRing(points));
    });
  }
  return contours;
}

// Outlines in pixel units -> a glyph in font units: { contours: [[[x, y] x 4], ...], advance }, every point
// an integer (the font stores integers: rounded here, curves still meet), the ink from y = 0 to HEIGHT (at
// most WIDTH wide), from x = BEARING to advance - BEARING. No ink: an empty glyph half an em wide.
export function placeGlyph(contours) {
  const curves = contours.flat();
  if (!curves.length) return { contours: [], advance: EM / 2 };
  const [x0, y0, x1, y1] = curvesExtent(curves);
  const scale = Math.min(HEIGHT / Math.max(y1 - y0, 1e-6), WIDTH / Math.max(x1 - x0, 1e-6));
  const place = ([x, y]) => [Math.round((x - x0) * scale) + BEARING, Math.round((y1 - y) * scale)];
  const placed = contours.map((chain) => chain.map((c) => c.map(place)).filter((c) => !c.every((p) => samePoint(p, c[0]))))
    .filter((chain) => chain.length);
  return { contours: placed, advance: Math.round((x1 - x0) * scale) + 2 * BEARING };
}

// `count` images of side x side pixels, one after another in `pixels` -> their glyphs
export function glyphsOf(pixels, count, side) {
  return Array.from({ length: count }, (_, i) => placeGlyph(outline(pixels.subarray(i * side * side, (i + 1) * side * side), side)));
}

// SVG path data of a glyph drawn with its origin at (x, y) on screen (y down), `scale` pixels per font unit
export function pathData(glyph, x = 0, y = 0, scale = 1) {
  const p = ([gx, gy]) => `${+(x + gx * scale).toFixed(2)} ${+(y - gy * scale).toFixed(2)}`;
  return glyph.contours.map((chain) => `M${p(chain[0][0])}` +
    chain.map((c) => `C${p(c[1])} ${p(c[2])} ${p(c[3])}`).join('') + 'Z').join('');
}

// One glyph as an SVG file: black ink, its advance wide and an em high, the baseline at ASCENT.
export function svgFile(glyph, title) {
  const esc = (s) => s.replace(/[<>&"]/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${glyph.advance} ${EM}" width="${glyph.advance / 4}" ` +
    `height="${EM / 4}"><title>${esc(title)}</title><path fill="#000" d="${pathData(glyph, 0, ASCENT)}"/></svg>\n`;
}
