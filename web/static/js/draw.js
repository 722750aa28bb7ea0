// Drawing decoded pixels (floats in [0, 1], ink = 1) onto canvases, and the code's bar chart.
import { IMAGE_SIDE } from './contract.js';

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

// A bar's fill for a value in [0, 1], as a vertical scale of the full fill (style.css).
const fillScale = (v) => `scaleY(${Math.min(1, Math.max(0, v)).toFixed(4)})`;

// The code as bars: one per class (0..1), then the style value(s) against their range.
export function drawCode(container, classes, style, styleRange, labels) {
  const key = `${labels.join('|')}|${style.length}`;
  if (container.dataset.key !== key) { // a new model: new bars
    container.dataset.key = key;
    container.replaceChildren();
    // class names shortened ("Ankle boot" -> "Ankl": the bars are narrow), the full name as a tooltip
    const short = (name) => name.split(/[ /]/)[0].slice(0, 4);
    const names = [...labels.map((n) => [short(n), n]),
      ...style.map((_, d) => (style.length > 1 ? [`s${d + 1}`, `style ${d + 1}`] : ['style', 'style']))];
    for (const [text, name] of names) {
      const bar = document.createElement('div');
      bar.className = 'bar';
      const fill = document.createElement('span');
      fill.className = 'fill';
      const label = document.createElement('span');
      label.className = 'label';
      label.textContent = text;
      bar.title = name;
      const value = document.createElement('span');
      value.className = 'value';
      bar.append(fill, value, label);
      container.append(bar);
    }
  }
  const bars = container.children;
  classes.forEach((v, i) => {
    bars[i].querySelector('.fill').style.transform = fillScale(v);
    bars[i].querySelector('.value').textContent = v.toFixed(2);
  });
  style.forEach((v, d) => {
    const [lo, hi] = styleRange[d];
    const bar = bars[classes.length + d];
    bar.classList.add('style');
    bar.querySelector('.fill').style.transform = fillScale((v - lo) / (hi - lo));
    bar.querySelector('.value').textContent = v.toFixed(2);
  });
}
