// A grid of digits as a keyboard and a screen reader meet it, one widget for the classes' grid and
// the in-between grid: a role=grid of cells laid over the canvas, one tab stop (the cell last
// focused); arrows move, Home/End go to a row's ends, Enter or Space (or a click) explores the
// cell, which stays marked until the explorer leaves it. Here too: the classes' grid's cells.
import { NUM_CLASSES, clamp, percentileOf, styleScales } from './codes.js';
import { GRID_ROWS } from '../contract.js';
import { PITCH, drawDigit } from '../runtime/draw.js';
import { page, subscribe } from './state.js';
import { ordinal } from './words.js';
import { labelAxes, rowLabels, watchScroll } from './grid_axes.js';
import { $ } from '../dom.js';

export class KeyboardGrid {
  // box: the cells' element; mark: the marker; explore(col, row) sets the explorer as the user would;
  // placeMark(mark, col, row) and placeRow(row element, r) / placeCell(cell, c) lay them over the canvas
  constructor({ box, mark, rowClass, explore, placeMark, placeRow = () => {}, placeCell = () => {} }) {
    Object.assign(this, { box, markEl: mark, rowClass, onExplore: explore, placeMark, placeRow, placeCell });
    this.columns = 0;
    this.marked = null; // JSON of the state the marked cell set
    box.addEventListener('click', (e) => {
      const cell = e.target.closest('[role="gridcell"]');
      if (cell) this.explore(Number(cell.dataset.col), Number(cell.dataset.row));
    });
    box.addEventListener('keydown', (e) => this.key(e));
    subscribe((state) => {
      if (this.marked && this.marked !== JSON.stringify(state)) this.unmark();
    });
  }

  // The cells, `columns` by GRID_ROWS; the first is the one Tab stop.
  build(columns) {
    this.columns = columns;
    this.unmark();
    this.box.replaceChildren();
    for (let r = 0; r < GRID_ROWS; r++) {
      const row = document.createElement('div');
      row.setAttribute('role', 'row');
      row.className = this.rowClass;
      this.placeRow(row, r);
      for (let c = 0; c < columns; c++) {
        const cell = document.createElement('div');
        cell.setAttribute('role', 'gridcell');
        cell.setAttribute('aria-selected', 'false');
        cell.className = 'grid-cell';
        cell.tabIndex = r === 0 && c === 0 ? 0 : -1;
        Object.assign(cell.dataset, { col: c, row: r });
        this.placeCell(cell, c);
        row.append(cell);
      }
      this.box.append(row);
    }
  }

  cell(col, row) { return this.box.children[row]?.children[col]; }

  // Explore cell (col, row), mark it, and bring the explorer into view (it may be a screen above);
  // by keyboard, the focus goes there too: to the explorer's main slider.
  explore(col, row, byKey = false) {
    if (!page.model) return;
    this.onExplore(col, row);
    this.mark(col, row);
    const smooth = !matchMedia('(prefers-reduced-motion: reduce)').matches;
    document.querySelector('.explorer').scrollIntoView({ behavior: smooth ? 'smooth' : 'auto', block: 'start' });
    if (byKey) $('digit-slider').focus({ preventScroll: true });
  }

  mark(col, row) {
    this.placeMark(this.markEl, col, row);
    this.markEl.hidden = false;
    this.box.querySelector('[aria-selected="true"]')?.setAttribute('aria-selected', 'false');
    this.cell(col, row).setAttribute('aria-selected', 'true');
    this.marked = JSON.stringify(page.explorer);
  }

  unmark() {
    this.marked = null;
    this.markEl.hidden = true;
    this.box.querySelector('[aria-selected="true"]')?.setAttribute('aria-selected', 'false');
  }

  key(e) {
    const cell = e.target.closest('[role="gridcell"]');
    if (!cell) return;
    const col = Number(cell.dataset.col);
    const row = Number(cell.dataset.row);
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      this.explore(col, row, true);
      return;
    }
    const last = this.columns - 1;
    const move = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1],
      Home: [-col, 0], End: [last - col, 0] }[e.key];
    if (!move) return;
    e.preventDefault();
    const next = this.cell(clamp(col + move[0], 0, last), clamp(row + move[1], 0, GRID_ROWS - 1));
    cell.tabIndex = -1;
    next.tabIndex = 0;
    next.focus();
  }
}

// Decode and draw `codes` (GRID_ROWS rows of `columns`) into ctx, one batch a row, yielding to input
// between rows; stops once superseded() (-> null). -> { ms, longestRowMs }
export async function drawRows(ctx, decoder, codes, columns, superseded) {
  const t0 = performance.now();
  let longestRowMs = 0;
  for (let r = 0; r < GRID_ROWS; r++) {
    if (superseded()) return null;
    const tRow = performance.now();
    const pixels = await decoder.decode(codes.slice(r * columns, (r + 1) * columns));
    if (superseded()) return null;
    ctx.clearRect(0, r * PITCH, ctx.canvas.width, PITCH);
    for (let c = 0; c < columns; c++) drawDigit(ctx, pixels, c, c * PITCH, r * PITCH, page.colours.ink, page.colours.paper);
    longestRowMs = Math.max(longestRowMs, performance.now() - tRow);
    await new Promise((resolve) => setTimeout(resolve, 0)); // let waiting input and frames run
  }
  return { ms: performance.now() - t0, longestRowMs };
}

// The classes' grid (render.js draws it): a cell explores its class, at its row's style.
let classes = null;
export function buildGridCells(take) {
  classes = new KeyboardGrid({
    box: $('grid-cells'), mark: $('grid-mark'), rowClass: 'grid-row',
    explore: (col, row) => take({ mode: 'walk', digit: col, style: page.model.style_range.map(() => row / (GRID_ROWS - 1)) }),
    placeMark: (mark, col, row) => { mark.style.setProperty('--col', col); mark.style.setProperty('--row', row); },
    placeRow: (row, r) => row.style.setProperty('--row', r),
    placeCell: (cell, c) => cell.style.setProperty('--col', c),
  });
  classes.build(NUM_CLASSES);
  watchScroll($('grid-wrap'));
}

// Each cell says what it holds: "3, 30th percentile of style"
export function labelGridCells(meta) {
  const scales = styleScales(meta);
  for (let r = 0; r < GRID_ROWS; r++) {
    for (let c = 0; c < NUM_CLASSES; c++) {
      const p = Math.round(percentileOf(scales[c][0], r / (GRID_ROWS - 1)));
      classes.cell(c, r).setAttribute('aria-label', `${meta.class_names[c]}, ${ordinal(p)} percentile of style`);
    }
  }
  labelAxes(document.querySelector('#grid-wrap .grid-axes'), meta.class_names, rowLabels(scales[0][0], GRID_ROWS));
}
