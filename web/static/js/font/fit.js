// Closed rings of points -> closed chains of cubic Béziers (fit-curve: Schneider's fitting), smooth
// where the chain closes too; and the exact extent of such curves. Pure functions, no DOM.
import fitCurve from 'fit-curve';

// fit-curve refines a curve's parameters only while its squared error is above 1: it fits in hundredths
const UNIT = 100;
export const TOLERANCE = 0.15; // how far (in pixels) a curve may stray from the traced points

const unit = ([x, y]) => {
  const length = Math.hypot(x, y) || 1;
  return [x / length, y / length];
};

// A closed ring (no repeated end point) -> [[start, control 1, control 2, end], ...], each curve starting
// where the one before ends. Fitted in two halves, to the point farthest from the first and back (no curve
// loops onto itself), with one tangent at each joint: from the point before it to the point after.
export function fitRing(points, tolerance = TOLERANCE) {
  const n = points.length;
  const p = points.map(([x, y]) => [x * UNIT, y * UNIT]);
  let far = 1;
  for (let i = 2; i < n - 1; i++) {
    if (Math.hypot(p[i][0] - p[0][0], p[i][1] - p[0][1]) > Math.hypot(p[far][0] - p[0][0], p[far][1] - p[0][1])) far = i;
  }
  const tangent = (i) => unit([p[(i + 1) % n][0] - p[(i + n - 1) % n][0], p[(i + 1) % n][1] - p[(i + n - 1) % n][1]]);
  const back = ([x, y]) => [-x, -y];
  const error = (tolerance * UNIT) ** 2;
  const curves = [
    ...fitCurve.fitCubic(p.slice(0, far + 1), tangent(0), back(tangent(far)), error),
    ...fitCurve.fitCubic([...p.slice(far), p[0]], tangent(far), back(tangent(0)), error),
  ];
  return curves.map((c) => c.map(([x, y]) => [x / UNIT, y / UNIT]));
}

// the parameters in (0, 1) where one coordinate of a cubic with values a, b, c, d turns
function turns(a, b, c, d) {
  const qa = -a + 3 * b - 3 * c + d;
  const qb = 2 * (a - 2 * b + c);
  const qc = b - a;
  if (Math.abs(qa) < 1e-12) return Math.abs(qb) < 1e-12 ? [] : [-qc / qb];
  const disc = qb * qb - 4 * qa * qc;
  if (disc < 0) return [];
  const r = Math.sqrt(disc);
  return [(-qb + r) / (2 * qa), (-qb - r) / (2 * qa)];
}

const at = (a, b, c, d, t) => {
  const s = 1 - t;
  return s * s * s * a + 3 * s * s * t * b + 3 * s * t * t * c + t * t * t * d;
};

// [xMin, yMin, xMax, yMax] of curves as drawn (not of their control points)
export function curvesExtent(curves) {
  const box = [Infinity, Infinity, -Infinity, -Infinity];
  for (const c of curves) {
    for (let axis = 0; axis < 2; axis++) {
      const [a, b, cc, d] = c.map((p) => p[axis]);
      for (const t of [0, 1, ...turns(a, b, cc, d).filter((u) => u > 0 && u < 1)]) {
        const v = at(a, b, cc, d, t);
        box[axis] = Math.min(box[axis], v);
        box[axis + 2] = Math.max(box[axis + 2], v);
      }
    }
  }
  return box;
}
