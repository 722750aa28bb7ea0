// The grid with in-between columns, as figure 8 of the proposal drew it: 0 -> 1 -> ... -> 9 with
// `steps` morph steps between neighbours (codes [.., 1 - t, t, ..]), x the grid's style rows. Decoded
// row by row as the classes' grid is (render.js), its cells the same widget (grid.js KeyboardGrid).
import { morphClasses, percentileOf, styleScales } from './codes.js';
import { GRID_GAP, GRID_ROWS, IMAGE_SIDE } from '../contract.js';
import { PITCH } from '../runtime/draw.js';
import { KeyboardGrid, drawRows } from './grid.js';
import { inbetweenCodes, inbetweenColumns, rowPosition } from './morphs.js';
import { page } from './state.js';
import { mixText, ordinal } from './words.js';
import { labelAxes, rowLabels, watchScroll } from './grid_axes.js';
import { $, onColourScheme } from '../dom.js';

const pct = (x) => `${(x * 100).toFixed(4)}%`;

export class InbetweenGrid {
  // app: { decoderReady() (a promise of the newest model's decoder), take(patch) (as the user sets the explorer) }
  constructor(app) {
    this.app = app;
    this.steps = 0; // in-between columns between two neighbours; 0: the classes' grid (render.js) is shown
    this.token = 0; // the newest drawing
    $('grid-steps').value = '0';
    $('grid-steps').addEventListener('change', (e) => this.setSteps(Number(e.target.value)));
    const canvas = $('grid8');
    this.cells = new KeyboardGrid({
      box: $('grid8-cells'), mark: $('grid8-mark'), rowClass: 'grid8-row', explore: (col, row) => this.explore(col, row),
      placeMark: (mark, col, row) => Object.assign(mark.style, {
        left: `calc(${pct((col * PITCH) / canvas.width)} - 3px)`, top: `calc(${pct((row * PITCH) / canvas.height)} - 3px)`,
        width: `calc(${pct(IMAGE_SIDE / canvas.width)} + 6px)`, height: `calc(${pct(IMAGE_SIDE / canvas.height)} + 6px)`,
      }),
      placeRow: (row, r) => Object.assign(row.style, { top: pct((r * PITCH) / canvas.height), height: pct(IMAGE_SIDE / canvas.height) }),
      placeCell: (cell, c) => Object.assign(cell.style, { left: pct((c * PITCH) / canvas.width), width: pct(IMAGE_SIDE / canvas.width) }),
    });
    watchScroll($('grid8-wrap'));
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
    $('grid-wrap').hidden = on;
    $('grid8-wrap').hidden = !on;
    if (!on) {
      this.token++; // a drawing in progress stops
      this.cells.unmark();
      return null;
    }
    const ts = this.columns.slice(1, steps + 1).map((c) => c.t);
    $('grid8-note').textContent = `Between each two neighbours ${steps === 1 ? 'one mix' : `${steps} mixes`} of the two ` +
      `(${ts.map((t) => `${Math.round(t * 100)} %`).join(', ')} of the right one): ${this.columns.length} columns.`;
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
    canvas.closest('.grid-axes').style.setProperty('--cols', cols.length); // (its width: style.css)
    this.cells.build(cols.length);
    this.label();
  }

  // "75 % 3, 25 % 4, 30th percentile of style"
  label() {
    const meta = page.model;
    if (!meta || !this.steps) return;
    const scale = styleScales(meta)[0][0]; // (every class has the same percentile knots)
    this.columns.forEach(({ from, to, t }, c) => {
      const mix = mixText(morphClasses(from, to, t), meta.class_names);
      for (let r = 0; r < GRID_ROWS; r++) {
        const p = Math.round(percentileOf(scale, rowPosition(r, GRID_ROWS)));
        this.cells.cell(c, r).setAttribute('aria-label', `${mix}, ${ordinal(p)} percentile of style`);
      }
    });
    labelAxes($('grid8').closest('.grid-axes'), this.columns.map(({ from, t }) => (t === 0 ? meta.class_names[from] : '')),
      rowLabels(scale, GRID_ROWS));
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
    let drawn;
    try {
      drawn = await drawRows($('grid8').getContext('2d'), decoder, codes, n, superseded);
      if (!drawn || superseded()) return null;
    } catch (e) {
      if (superseded()) return null; // the decoder was replaced mid-row: the new model draws again
      $('grid8-note').textContent = `The grid could not be drawn: ${e.message}`;
      return null;
    }
    wrap.setAttribute('aria-busy', 'false');
    wrap.dataset.drawn = `${meta.name}:${this.steps}`;
    return drawn;
  }

  // the model changes (or the backend): draw again when its decoder is ready
  modelChanged() {
    if (this.steps) this.draw();
  }

  // Explore cell (col, row): its place on the digit walk (every column lies on it), at its row's style.
  explore(col, row) {
    const { from, t } = this.columns[col];
    const u = rowPosition(row, GRID_ROWS);
    this.app.take({ mode: 'walk', digit: from + t, style: page.model.style_range.map(() => u) });
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
