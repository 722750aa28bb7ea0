// Your style on every digit: after a drawing is encoded (drawing_pad.js), one click writes all ten classes in
// that drawing's style: its own class as stored, every other at the stored style nearest its slant, then its
// width (style_levels.js, from meta.json's level_traits, fetched on the first click), as a row of ten
// images, exportable as a PNG. A new drawing redraws the row once it has been asked for.
import { NUM_CLASSES } from './codes.js';
import { PITCH, drawDigit } from '../runtime/draw.js';
import { cellsCanvas, downloadPng } from './export.js';
import { storedCode } from './search.js';
import { page } from './state.js';
import { rowLevels, traitsOf } from './style_levels.js';
import { datasetWords } from './words.js';
import { $, onColourScheme } from '../dom.js';
import { fullMeta } from '../meta_file.js';

// meta.json's level_traits: not embedded in the page, whose first load it would slow
const levelTraits = async (meta) => (await fullMeta(meta)).level_traits ?? null;

// a slant (horizontal shift per pixel down) in words: "upright", "leans 12° right"
const leanWords = (slant) => {
  const degrees = Math.round((Math.atan(Math.abs(slant)) * 180) / Math.PI);
  return degrees === 0 ? 'upright' : `leans ${degrees}° ${slant > 0 ? 'right' : 'left'}`;
};


export class StyleRow {
  // app: { decoderReady(), drawing() (drawing_pad.js's result or null), rowChanged() (told when the row changes) }
  constructor(app) {
    this.app = app;
    this.wanted = false; // the user asked for the row: later drawings redraw it
    this.row = null; // { model, cls, slant, width, levels, codes, pixels } of the row shown
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

  // Decode the ten classes in the drawing's style; -> the row, or null when stale.
  async make(asked) {
    const result = this.app.drawing();
    const meta = page.model;
    if (!result || !meta || result.model !== meta.name) return null;
    if (asked) this.wanted = true;
    const seq = ++this.seq;
    $('own-row-status').textContent = 'Writing every class in your style…';
    try {
      const [decoder, table] = await Promise.all([this.app.decoderReady(), levelTraits(meta)]);
      if (seq !== this.seq || meta !== page.model) return null;
      if (!table) {
        $('own-row-status').textContent = 'This model was converted without the table the row picks from; ' +
          `python -m training.style_row converted_model/${meta.name} --write adds it.`;
        return null;
      }
      const { slant, width } = traitsOf(result.pixels);
      const levels = rowLevels(meta, table, { slant, width });
      levels[result.cls] = result.levels; // the drawing's own class as stored
      const codes = levels.map((l, c) => storedCode(c, l, meta));
      const pixels = await decoder.decode(codes);
      if (seq !== this.seq || meta !== page.model) return null;
      this.row = { model: meta.name, cls: result.cls, slant, width, levels, codes, pixels };
      this.paint();
      this.app.rowChanged?.();
      const text = `Each class at the stored style nearest your drawing's slant (${leanWords(slant)}), ` +
        `then its width (${width} pixels); class ${meta.class_names[result.cls]} as your drawing is stored.`;
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
    this.app.rowChanged?.();
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
