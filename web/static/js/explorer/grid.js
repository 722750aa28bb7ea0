// The grid as a keyboard and a screen reader meet it: a role=grid of cells laid over the canvas
// (render.js draws the digits), one tab stop (the cell last focused has tabindex 0); arrows move,
// Home/End go to a row's ends, Enter or Space (or a click) explores the cell, which stays marked
// until the explorer leaves it.
import { NUM_CLASSES, clamp, percentileOf, styleScales } from './codes.js';
import { GRID_ROWS } from '../contract.js';
import { page, subscribe } from './state.js';
import { ordinal } from './words.js';
import { $ } from '../dom.js';

const gridCell = (col, row) => $('grid-cells').children[row].children[col];

// Mark the grid cell the explorer was set to, until the explorer leaves it.
let marked = null; // JSON of the state the marked cell set
function markCell(col, row) {
  const mark = $('grid-mark');
  mark.style.setProperty('--col', col);
  mark.style.setProperty('--row', row);
  mark.hidden = false;
  $('grid-cells').querySelector('[aria-selected="true"]')?.setAttribute('aria-selected', 'false');
  gridCell(col, row).setAttribute('aria-selected', 'true');
  marked = JSON.stringify(page.explorer);
}

function unmarkCell() {
  marked = null;
  $('grid-mark').hidden = true;
  $('grid-cells').querySelector('[aria-selected="true"]')?.setAttribute('aria-selected', 'false');
}

// Build the cells; take(patch) sets the explorer as the user would (Play stops).
// One keyboard cell of a grid (this one, inbetween_grid.js's): the first is the grid's one Tab stop.
export function newGridCell(row, col) {
  const cell = document.createElement('div');
  cell.setAttribute('role', 'gridcell');
  cell.setAttribute('aria-selected', 'false');
  cell.className = 'grid-cell';
  cell.tabIndex = row === 0 && col === 0 ? 0 : -1;
  Object.assign(cell.dataset, { col, row });
  return cell;
}

export function buildGridCells(take) {
  // Explore grid cell (col, row): from its class towards the next, so the morph slider has somewhere
  // to go, at its row's style; then bring the explorer into view (it may be a screen above the grid).
  const exploreCell = (col, row) => {
    const u = row / (GRID_ROWS - 1);
    take({ mode: 'pair', from: col, to: (col + 1) % NUM_CLASSES, t: 0, style: page.model.style_range.map(() => u) });
    markCell(col, row);
    const smooth = !matchMedia('(prefers-reduced-motion: reduce)').matches;
    document.querySelector('.viewer').scrollIntoView({ behavior: smooth ? 'smooth' : 'auto', block: 'nearest' });
  };
  const box = $('grid-cells');
  for (let r = 0; r < GRID_ROWS; r++) {
    const row = document.createElement('div');
    row.setAttribute('role', 'row');
    row.className = 'grid-row';
    row.style.setProperty('--row', r);
    for (let c = 0; c < NUM_CLASSES; c++) {
      const cell = newGridCell(r, c);
      cell.style.setProperty('--col', c);
      row.append(cell);
    }
    box.append(row);
  }
  const cellOf = (e) => e.target.closest('[role="gridcell"]');
  box.addEventListener('click', (e) => {
    const cell = cellOf(e);
    if (cell && page.model) exploreCell(Number(cell.dataset.col), Number(cell.dataset.row));
  });
  box.addEventListener('keydown', (e) => {
    const cell = cellOf(e);
    if (!cell) return;
    const col = Number(cell.dataset.col);
    const row = Number(cell.dataset.row);
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      if (page.model) exploreCell(col, row);
      return;
    }
    const move = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1],
      Home: [-col, 0], End: [NUM_CLASSES - 1 - col, 0] }[e.key];
    if (!move) return;
    e.preventDefault();
    const next = gridCell(clamp(col + move[0], 0, NUM_CLASSES - 1), clamp(row + move[1], 0, GRID_ROWS - 1));
    cell.tabIndex = -1;
    next.tabIndex = 0;
    next.focus();
  });
  subscribe((state) => {
    if (marked && marked !== JSON.stringify(state)) unmarkCell();
  });
}

// Each cell says what it holds: "3, 30th percentile of style"
export function labelGridCells(meta) {
  const scales = styleScales(meta);
  for (let r = 0; r < GRID_ROWS; r++) {
    for (let c = 0; c < NUM_CLASSES; c++) {
      const p = Math.round(percentileOf(scales[c][0], r / (GRID_ROWS - 1)));
      gridCell(c, r).setAttribute('aria-label', `${meta.class_names[c]}, ${ordinal(p)} percentile of style`);
    }
  }
}
