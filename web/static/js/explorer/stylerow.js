// Your style on every digit: after a drawing is encoded (drawing_pad.js), one click writes all ten classes in
// that drawing's style: the same percentile of style in each class (codes.js scales, from meta.json's
// per-class percentiles; with two style values, the same percentile per value), as a row of ten
// images, exportable as a PNG. A new drawing redraws the row once it has been asked for.
import { NUM_CLASSES, styleScales } from './codes.js';
import { PITCH, drawDigit } from '../runtime/draw.js';
import { cellsCanvas, downloadPng } from './export.js';
import { styleRow } from './morphs.js';
import { page } from './state.js';
import { datasetWords, ordinal } from './words.js';
import { $, onColourScheme } from '../dom.js';


export class StyleRow {
  // app: { decoderReady(), drawing() (drawing_pad.js's result or null) }
  constructor(app) {
    this.app = app;
    this.wanted = false; // the user asked for the row: later drawings redraw it
    this.row = null; // { model, cls, unit, percentiles, codes, pixels } of the row shown
    this.seq = 0;
    $('own-row-make').addEventListener('click', () => this.make(true));
    $('own-row-png').addEventListener('click', () => this.exportPng());
    onColourScheme(() => setTimeout(() => this.paint(), 0));
  }

  // "Your style on every digit" / "… on every class"
  showModel(meta) {
    const { item } = datasetWords(meta);
    $('own-row-make').textContent = `Your style on every ${item === 'digit' ? 'digit' : 'class'}`;
  }

  // drawing_pad.js: a drawing's result arrived (or null: a new drawing or model is on its way)
  drawingChanged(result) {
    $('own-row-make').disabled = !result;
    if (!result) {
      this.seq++; // a row being made for the old drawing is dropped
      $('own-row-png').disabled = true;
      return;
    }
    if (this.wanted) this.make(false);
  }

  // Decode the ten classes at the drawing's percentile of style; -> the row, or null when stale.
  async make(asked) {
    const result = this.app.drawing();
    const meta = page.model;
    if (!result || !meta || result.model !== meta.name) return null;
    if (asked) this.wanted = true;
    const seq = ++this.seq;
    $('own-row-status').textContent = 'Writing every class in your style…';
    try {
      const decoder = await this.app.decoderReady();
      if (seq !== this.seq || meta !== page.model) return null;
      const row = styleRow(styleScales(meta), result.cls, result.style);
      const pixels = await decoder.decode(row.codes);
      if (seq !== this.seq || meta !== page.model) return null;
      this.row = { model: meta.name, cls: result.cls, ...row, pixels };
      this.paint();
      const where = row.percentiles.map((p) => `${ordinal(Math.max(1, Math.round(p)))} percentile`);
      const styles = where.length === 1 ? `the ${where[0]} of its style` : `style 1 at the ${where[0]}, style 2 at the ${where[1]}`;
      const text = `Each class at ${styles}: where your drawing sits among class ${meta.class_names[result.cls]}` +
        `${row.unit.some((u) => u === 0 || u === 1) ? ' (beyond its 1st–99th percentile: held at the end)' : ''}.`;
      $('own-row-status').textContent = text;
      $('own-row').setAttribute('aria-label', `${meta.class_names.join(', ')}, written in your style: ${text}`);
      $('own-row').hidden = false;
      $('own-row-png').disabled = false;
      return structuredClone({ ...this.row, codes: this.row.codes.map((c) => Array.from(c)), pixels: Array.from(pixels) });
    } catch (e) {
      if (seq === this.seq) $('own-row-status').textContent = `The row could not be drawn: ${e.message}`;
      return null;
    }
  }

  paint() {
    if (!this.row) return;
    const canvas = $('own-row');
    const ctx = canvas.getContext('2d');
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    for (let c = 0; c < NUM_CLASSES; c++) drawDigit(ctx, this.row.pixels, c, c * PITCH, 0, page.colours.ink, page.colours.paper);
  }

  // the model changes: the row (made by the old model) goes
  modelChanged() {
    this.seq++;
    this.row = null;
    $('own-row').hidden = true;
    $('own-row-png').disabled = true;
    $('own-row-status').textContent = '';
  }

  async exportPng() {
    if (!this.row) return;
    try {
      await downloadPng(cellsCanvas(this.row.pixels, NUM_CLASSES, NUM_CLASSES), 4, 'your-style.png');
      $('own-row-status').textContent = 'your-style.png saved';
    } catch (e) {
      $('own-row-status').textContent = `The PNG could not be made: ${e.message}`;
    }
  }

  // window.digitMorph.styleRow, for tests and tools
  get api() {
    const self = this;
    return {
      make: () => self.make(true),
      get row() { return self.row && { ...self.row, codes: self.row.codes.map((c) => Array.from(c)), pixels: Array.from(self.row.pixels) }; },
    };
  }
}
