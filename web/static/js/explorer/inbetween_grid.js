// The grid with in-between columns, as figure 8 of the proposal drew it: 0 -> 1 -> ... -> 9 with
// `steps` morph steps between neighbours (codes [.., 1 - t, t, ..]), x the grid's style rows. Decoded
// row by row as the grid is (render.js: one batch a row, yielding between rows, so the sliders stay
// live), reached by keyboard and screen reader as the grid is (grid.js: one tab stop, arrows,
// Home/End, Enter or Space or a click explores the cell, which stays marked while the explorer is on it).
import { NUM_CLASSES, clamp, morphClasses, percentileOf, styleScales } from './codes.js';
import { GRID_GAP, GRID_ROWS, IMAGE_SIDE } from '../contract.js';
import { PITCH, drawDigit } from '../runtime/draw.js';
import { newGridCell } from './grid.js';
import { inbetweenCodes, inbetweenColumns, rowPosition } from './morphs.js';
import { page, subscribe } from './state.js';
import { mixText, ordinal } from './words.js';
import { $, onColourScheme } from '../dom.js';

const pct = (x) => `${(x * 100).toFixed(4)}%`;

export class InbetweenGrid {
  // app: { decoderReady() (a promise of the newest model's decoder), take(patch) (as the user sets the explorer) }
  constructor(app) {
    this.app = app;
    this.steps = 0; // in-between columns between two neighbours; 0: the classes' grid (render.js) is shown
    this.token = 0; // the newest drawing
    this.marked = null; // JSON of the state the marked cell set
    $('grid-steps').value = '0';
    $('grid-steps').addEventListener('change', (e) => this.setSteps(Number(e.target.value)));
    const box = $('grid8-cells');
    box.addEventListener('click', (e) => {
      const cell = e.target.closest('[role="gridcell"]');
      if (cell) this.explore(Number(cell.dataset.col), Number(cell.dataset.row));
    });
    box.addEventListener('keydown', (e) => this.key(e));
    subscribe((state) => {
      if (this.marked && this.marked !== JSON.stringify(state)) this.unmark();
    });
    // (after main.js has read the new colours)
    onColourScheme(() => setTimeout(() => this.draw(), 0));
  }

  get columns() { return inbetweenColumns(this.steps); }

  // What the grid shows, for its PNG export (export.js): null while it shows the classes only.
  layout() {
    if (!this.steps || !page.model) return null;
    return { codes: inbetweenCodes(styleScales(page.model), GRID_ROWS, this.steps), columns: this.columns.length,
      name: `grid-${this.steps}-between.png` };
  }

  setSteps(steps) {
    this.steps = steps;
    $('grid-steps').value = String(steps);
    const on = steps > 0;
    $('grid').parentElement.hidden = on;
    $('grid8-wrap').hidden = !on;
    if (!on) {
      this.token++; // a drawing in progress stops
      this.unmark();
      return null;
    }
    const ts = this.columns.slice(1, steps + 1).map((c) => c.t.toFixed(2).replace(/0$/, ''));
    $('grid8-note').textContent = `Between each two neighbours ${steps === 1 ? 'one mixture' : `${steps} mixtures`} ` +
      `[.., 1 − t, t, ..], t = ${ts.join(', ')}: ${this.columns.length} columns.`;
    this.build();
    return this.draw();
  }

  // The canvas at its size and the cells laid over it, for the current number of steps.
  build() {
    const cols = this.columns;
    const width = cols.length * PITCH - GRID_GAP;
    const height = GRID_ROWS * PITCH - GRID_GAP;
    const canvas = $('grid8');
    [canvas.width, canvas.height] = [width, height];
    canvas.parentElement.style.setProperty('--cols', cols.length); // (a phone scrolls it sideways: style.css)
    this.unmark();
    const box = $('grid8-cells');
    box.replaceChildren();
    for (let r = 0; r < GRID_ROWS; r++) {
      const row = document.createElement('div');
      row.setAttribute('role', 'row');
      row.className = 'grid8-row';
      Object.assign(row.style, { top: pct((r * PITCH) / height), height: pct(IMAGE_SIDE / height) });
      cols.forEach((_, c) => {
        const cell = newGridCell(r, c);
        Object.assign(cell.style, { left: pct((c * PITCH) / width), width: pct(IMAGE_SIDE / width) });
        row.append(cell);
      });
      box.append(row);
    }
    this.label();
  }

  cell(col, row) { return $('grid8-cells').children[row]?.children[col]; }

  // "75 % 3, 25 % 4, 30th percentile of style"
  label() {
    const meta = page.model;
    if (!meta || !this.steps) return;
    const scale = styleScales(meta)[0][0]; // (every class has the same percentile knots)
    this.columns.forEach(({ from, to, t }, c) => {
      const mix = mixText(morphClasses(from, to, t), meta.class_names);
      for (let r = 0; r < GRID_ROWS; r++) {
        const p = Math.round(percentileOf(scale, rowPosition(r, GRID_ROWS)));
        this.cell(c, r).setAttribute('aria-label', `${mix}, ${ordinal(p)} percentile of style`);
      }
    });
  }

  // Decode and draw row by row; a newer drawing, another model or the classes' grid take over.
  // -> { ms, longestRowMs }, or null when superseded
  async draw() {
    if (!this.steps) return null;
    const token = ++this.token;
    const wrap = $('grid8-wrap');
    wrap.setAttribute('aria-busy', 'true');
    let decoder;
    try {
      decoder = await this.app.decoderReady();
    } catch {
      if (token === this.token) wrap.setAttribute('aria-busy', 'false');
      return null; // the model could not load: the page says so
    }
    const superseded = () => token !== this.token || decoder !== page.decoder;
    if (superseded()) return null;
    this.label();
    const meta = page.model;
    const n = this.columns.length;
    const codes = inbetweenCodes(styleScales(meta), GRID_ROWS, this.steps);
    const ctx = $('grid8').getContext('2d');
    const t0 = performance.now();
    let longestRowMs = 0;
    try {
      for (let r = 0; r < GRID_ROWS; r++) {
        const tRow = performance.now();
        const pixels = await decoder.decode(codes.slice(r * n, (r + 1) * n));
        if (superseded()) return null;
        ctx.clearRect(0, r * PITCH, ctx.canvas.width, PITCH);
        for (let c = 0; c < n; c++) drawDigit(ctx, pixels, c, c * PITCH, r * PITCH, page.colours.ink, page.colours.paper);
        longestRowMs = Math.max(longestRowMs, performance.now() - tRow);
        await new Promise((resolve) => setTimeout(resolve, 0)); // let waiting input and frames run
        if (superseded()) return null;
      }
    } catch (e) {
      if (superseded()) return null; // the decoder was replaced mid-row: the new model draws again
      $('grid8-note').textContent = `The grid could not be drawn: ${e.message}`;
      return null;
    }
    wrap.setAttribute('aria-busy', 'false');
    wrap.dataset.drawn = `${meta.name}:${this.steps}`;
    return { ms: performance.now() - t0, longestRowMs };
  }

  // the model changes (or the backend): draw again when its decoder is ready
  modelChanged() {
    if (this.steps) this.draw();
  }

  // Explore cell (col, row): its morph (a whole class morphs towards the next, as in the grid) at its
  // row's style, then bring the explorer into view.
  explore(col, row) {
    const meta = page.model;
    if (!meta) return;
    const { from, to, t } = this.columns[col];
    const u = rowPosition(row, GRID_ROWS);
    this.app.take({ mode: 'pair', from, to: t === 0 ? (from + 1) % NUM_CLASSES : to, t, style: meta.style_range.map(() => u) });
    this.mark(col, row);
    const smooth = !matchMedia('(prefers-reduced-motion: reduce)').matches;
    document.querySelector('.viewer').scrollIntoView({ behavior: smooth ? 'smooth' : 'auto', block: 'nearest' });
  }

  mark(col, row) {
    const canvas = $('grid8');
    const m = $('grid8-mark');
    Object.assign(m.style, {
      left: `calc(${pct((col * PITCH) / canvas.width)} - 3px)`, top: `calc(${pct((row * PITCH) / canvas.height)} - 3px)`,
      width: `calc(${pct(IMAGE_SIDE / canvas.width)} + 6px)`, height: `calc(${pct(IMAGE_SIDE / canvas.height)} + 6px)`,
    });
    m.hidden = false;
    $('grid8-cells').querySelector('[aria-selected="true"]')?.setAttribute('aria-selected', 'false');
    this.cell(col, row).setAttribute('aria-selected', 'true');
    this.marked = JSON.stringify(page.explorer);
  }

  unmark() {
    this.marked = null;
    $('grid8-mark').hidden = true;
    $('grid8-cells').querySelector('[aria-selected="true"]')?.setAttribute('aria-selected', 'false');
  }

  key(e) {
    const cell = e.target.closest('[role="gridcell"]');
    if (!cell) return;
    const col = Number(cell.dataset.col);
    const row = Number(cell.dataset.row);
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      this.explore(col, row);
      return;
    }
    const last = this.columns.length - 1;
    const move = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1],
      Home: [-col, 0], End: [last - col, 0] }[e.key];
    if (!move) return;
    e.preventDefault();
    const next = this.cell(clamp(col + move[0], 0, last), clamp(row + move[1], 0, GRID_ROWS - 1));
    cell.tabIndex = -1;
    next.tabIndex = 0;
    next.focus();
  }

  // window.digitMorph.figure8, for tests and tools
  get api() {
    const grid = this;
    return {
      setSteps: (steps) => grid.setSteps(steps),
      get steps() { return grid.steps; },
      get layout() { return grid.layout(); },
    };
  }
}
