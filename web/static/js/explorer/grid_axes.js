// The axes of a grid of digits (grid.js, inbetween_grid.js): a label over each column and beside each
// row, placed as the cells are (images with gaps, in % of the canvas), and the sign that a grid wider
// than its box scrolls sideways inside it: a fade at the edge with more, and a line saying so.
import { GRID_GAP, IMAGE_SIDE } from '../contract.js';
import { percentileOf } from './codes.js';
import { rowPosition } from './morphs.js';
import { ordinal } from './words.js';

const PITCH = IMAGE_SIDE + GRID_GAP;

// Label the columns (a text each, '' for none) and rows of the .grid-axes element `axes`.
export function labelAxes(axes, columns, rows) {
  const place = (text, i, count) => {
    const span = document.createElement('span');
    span.textContent = text;
    const size = count * PITCH - GRID_GAP;
    span.style.setProperty('--at', `${((i * PITCH) / size) * 100}%`);
    span.style.setProperty('--size', `${(IMAGE_SIDE / size) * 100}%`);
    return span;
  };
  axes.style.setProperty('--cols', columns.length);
  axes.querySelector('.col-labels').replaceChildren(...columns.map((text, i) => place(text, i, columns.length)));
  axes.querySelector('.row-labels').replaceChildren(...rows.map((text, i) => place(text, i, rows.length)));
  axes.classList.toggle('long-names', columns.some((text) => text.length > 2));
}

// The rows' labels: the percentile of style each row is drawn at (the same for every class).
export const rowLabels = (scale, rows) => Array.from({ length: rows },
  (_, r) => ordinal(Math.round(percentileOf(scale, rowPosition(r, rows)))));

// Keep the scroll sign of `wrap` (a .grid-wrap) true: shown while its grid is wider than its box.
export function watchScroll(wrap) {
  const area = wrap.querySelector('.grid-scroll');
  const hint = wrap.querySelector('.scroll-hint');
  const update = () => {
    const over = area.scrollWidth > area.clientWidth + 1;
    hint.hidden = !over;
    wrap.classList.toggle('more-right', over && area.scrollLeft + area.clientWidth < area.scrollWidth - 1);
  };
  const observer = new ResizeObserver(update);
  observer.observe(area);
  observer.observe(area.firstElementChild);
  area.addEventListener('scroll', update, { passive: true });
}
