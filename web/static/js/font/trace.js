// Tracing a decoded image into closed outlines: d3-contour's marching squares at the ink level 0.5,
// each crossing placed between pixel centres by linear interpolation. Pure functions, no DOM.
import { contours } from 'd3-contour';

export const LEVEL = 0.5;

// A side x side image -> [[outer ring, ...its holes], ...] in pixel units (x right, y down, pixel i's centre at i + 0.5);
// each ring a list of [x, y], closed (its last point is its first).
export function traceImage(pixels, side, level = LEVEL) {
  return contours().size([side, side]).smooth(true).contour(Array.from(pixels), level).coordinates;
}

export const samePoint = (a, b) => a[0] === b[0] && a[1] === b[1];

// the ring without repeated points and without its closing copy of the first
export function openRing(ring) {
  const out = [];
  for (const p of ring) {
    if (!out.length || !samePoint(out[out.length - 1], p)) out.push(p);
  }
  if (out.length > 1 && samePoint(out[0], out[out.length - 1])) out.pop();
  return out;
}

// Twice the signed area of a polygon (shoelace): positive when it turns counter-clockwise with y up.
export function signedArea(points) {
  let sum = 0;
  for (let i = 0, j = points.length - 1; i < points.length; j = i++) {
    sum += points[j][0] * points[i][1] - points[i][0] * points[j][1];
  }
  return sum;
}

// One pass of [1, 2, 1] / 4 along a closed ring: the interpolated crossings' small zig-zag goes.
export function smoothRing(points) {
  const n = points.length;
  if (n < 4) return points.map((p) => [...p]);
  return points.map((p, i) => {
    const a = points[(i + n - 1) % n];
    const b = points[(i + 1) % n];
    return [(a[0] + 2 * p[0] + b[0]) / 4, (a[1] + 2 * p[1] + b[1]) / 4];
  });
}
