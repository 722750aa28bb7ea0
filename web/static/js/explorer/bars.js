// The code as a bar chart: one bar per class (0..1), then the style value(s) against their range.
// Class names longer than a digit ("Ankle boot") are not written: each bar is labelled by its class's
// typical picture from the model's preview sheet (classes x styles), the name a tooltip and
// screen-reader text. The value sits above the bar's fill, never on it.
import { GRID_ROWS, IMAGE_SIDE, NUM_CLASSES } from '../contract.js';
import { PITCH } from '../runtime/draw.js';
import { modelFile } from '../meta_file.js';

const ICON = 20; // px: a class's picture under its bar

// A bar's fill for a value in [0, 1], as a vertical scale of the full fill (style.css).
const fillScale = (v) => `scaleY(${Math.min(1, Math.max(0, v)).toFixed(4)})`;
// A style value in at most five characters, so that it fits above its narrow bar: -22.9 is "-23".
const styleText = (v) => v.toFixed(Math.abs(v) >= 9.95 ? 0 : Math.abs(v) >= 0.995 ? 1 : 2);

// A label of the class in column `c` of the preview sheet at `url`: its median-style cell, ICON px wide.
function iconLabel(label, url, c, name) {
  const scale = ICON / IMAGE_SIDE;
  Object.assign(label.style, { backgroundImage: `url("${url}")`, backgroundSize: `${NUM_CLASSES * PITCH * scale}px auto`,
    backgroundPosition: `-${c * PITCH * scale}px -${Math.floor(GRID_ROWS / 2) * PITCH * scale}px` });
  label.classList.add('icon');
  label.title = name;
  label.append(Object.assign(document.createElement('span'), { className: 'visually-hidden', textContent: name }));
}

// meta: the model shown (its class names, style range and preview sheet)
export function drawCode(container, classes, style, meta) {
  const labels = meta.class_names;
  const preview = modelFile(meta, 'preview.png');
  const key = `${labels.join('|')}|${style.length}|${preview}`;
  if (container.dataset.key !== key) { // a new model: new bars
    container.dataset.key = key;
    const long = labels.some((n) => n.length > 2);
    container.classList.toggle('long-names', long);
    // beside one-character class names the style bars are as narrow: "s1", with the name as a tooltip
    const styleName = (d) => (style.length > 1 ? `style ${d + 1}` : 'style');
    const names = [...labels, ...style.map((_, d) => (long || style.length === 1 ? styleName(d) : `s${d + 1}`))];
    container.replaceChildren(...names.map((name, i) => {
      const bar = document.createElement('div');
      bar.className = i < labels.length ? 'bar' : `bar style${name.length > 2 ? ' named' : ''}`; // ("style", not "s1")
      if (i >= labels.length) bar.title = styleName(i - labels.length);
      const fill = document.createElement('span');
      fill.className = 'fill';
      const value = document.createElement('span');
      value.className = 'value';
      const label = document.createElement('span');
      label.className = 'label';
      if (long && i < labels.length) iconLabel(label, preview, i, name);
      else label.textContent = name;
      bar.append(fill, value, label);
      return bar;
    }));
  }
  const bars = container.children;
  classes.forEach((v, i) => {
    bars[i].querySelector('.fill').style.transform = fillScale(v);
    bars[i].querySelector('.value').textContent = v.toFixed(2);
  });
  style.forEach((v, d) => {
    const [lo, hi] = meta.style_range[d];
    const bar = bars[classes.length + d];
    bar.querySelector('.fill').style.transform = fillScale((v - lo) / (hi - lo));
    bar.querySelector('.value').textContent = styleText(v);
  });
}
