// Small SVG plots for the figures below the explorer (watched.js, compression.js): scales and ticks
// (pure, tested in Node) and the SVG elements themselves. Colours come from style.css classes, so
// the plots follow the colour scheme; no inline style (the page's CSP forbids it).

// A linear or logarithmic map from [lo, hi] to [a, b].
export function scale([lo, hi], [a, b], log = false) {
  const f = log ? Math.log10 : (v) => v;
  const [l, h] = [f(lo), f(hi)];
  return (v) => a + ((f(v) - l) / (h - l || 1)) * (b - a);
}

// About `count` round ticks covering [lo, hi]: steps of 1, 2 or 5 times a power of ten.
export function ticks(lo, hi, count = 5) {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => (hi - lo) / s <= count + 1);
  const out = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(+v.toPrecision(12));
  return out;
}

// Powers of ten within [lo, hi], for a log axis.
export const logTicks = (lo, hi) => {
  const out = [];
  for (let p = Math.ceil(Math.log10(lo)); 10 ** p <= hi; p++) out.push(10 ** p);
  return out;
};

// [lo, hi] of the finite numbers in `values`, widened by `pad` of the span each side.
export function extent(values, pad = 0.05) {
  const finite = values.filter(Number.isFinite);
  let [lo, hi] = [Math.min(...finite), Math.max(...finite)];
  if (lo === hi) [lo, hi] = [lo - Math.abs(lo || 1) * 0.1, hi + Math.abs(hi || 1) * 0.1];
  const span = hi - lo;
  return [lo - span * pad, hi + span * pad];
}

// An SVG element with attributes and children (strings become text).
export function svg(tag, attrs = {}, ...children) {
  const el = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  el.append(...children);
  return el;
}

// Axes in a box of `size` ({width, height, left, right, top, bottom}); returns {root, x, y} where
// x and y map data to pixels. xTicks / yTicks: the values to label; format: (v) => text.
export function frame(size, xDomain, yDomain, { xLog = false, xTicks, yTicks, xFormat = String, yFormat = String, xLabel, yLabel } = {}) {
  const { width, height, left, right, top, bottom } = size;
  const x = scale(xDomain, [left, width - right], xLog);
  const y = scale(yDomain, [height - bottom, top]);
  const root = svg('svg', { viewBox: `0 0 ${width} ${height}`, class: 'plot' });
  const axes = svg('g', { class: 'axes', 'aria-hidden': 'true' });
  for (const v of xTicks) {
    axes.append(svg('line', { x1: x(v), x2: x(v), y1: top, y2: height - bottom, class: 'gridline' }),
      svg('text', { x: x(v), y: height - bottom + 14, 'text-anchor': 'middle' }, xFormat(v)));
  }
  for (const v of yTicks) {
    axes.append(svg('line', { x1: left, x2: width - right, y1: y(v), y2: y(v), class: 'gridline' }),
      svg('text', { x: left - 4, y: y(v) + 4, 'text-anchor': 'end' }, yFormat(v)));
  }
  axes.append(svg('line', { x1: left, x2: width - right, y1: height - bottom, y2: height - bottom, class: 'axis' }),
    svg('line', { x1: left, x2: left, y1: top, y2: height - bottom, class: 'axis' }));
  if (xLabel) axes.append(svg('text', { x: (left + width - right) / 2, y: height - 4, 'text-anchor': 'middle', class: 'label' }, xLabel));
  if (yLabel) axes.append(svg('text', { x: 4, y: top - 6, class: 'label' }, yLabel));
  root.append(axes);
  return { root, x, y };
}

// A polyline through the points [[x, y], ...] whose y is a number (a gap where it is not).
export function path(points, x, y, cls) {
  let d = '';
  let pen = false;
  for (const [px, py] of points) {
    if (!Number.isFinite(py)) { pen = false; continue; }
    d += `${pen ? 'L' : 'M'}${x(px).toFixed(1)},${y(py).toFixed(1)}`;
    pen = true;
  }
  return svg('path', { d, class: `series ${cls}`, fill: 'none' });
}

// A chart as wide as its box: draw(width) -> the SVG, drawn in CSS pixels (its text stays its size)
// for `width` now and again whenever the box's width changes.
export function fitted(draw, width) {
  const box = document.createElement('div');
  box.className = 'plot-fit';
  let drawn = 0;
  const paint = (w) => {
    const px = Math.round(w);
    if (px > 0 && px !== drawn) box.replaceChildren(draw((drawn = px)));
  };
  paint(width);
  new ResizeObserver(([entry]) => paint(entry.contentRect.width)).observe(box);
  return box;
}
