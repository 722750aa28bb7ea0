// Three features wired in one place (issue 16): the grid with in-between columns (inbetween_grid.js), the
// reader along the way (classifier.js) and your style on every class (stylerow.js). main.js makes them
// once and tells them when the model changes, its words are shown, and a drawing is encoded.
import { Figure8 } from './inbetween_grid.js';
import { Reader } from './classifier.js';
import { StyleRow } from './stylerow.js';

// app: { decoderReady(), take(patch) (the explorer, as the user sets it), drawing() (drawing_pad.js's result) }
export function startMore(app) {
  const figure8 = new Figure8(app);
  const reader = new Reader(app);
  const row = new StyleRow(app);
  const api = {
    figure8: {
      setSteps: (steps) => figure8.setSteps(steps),
      get steps() { return figure8.steps; },
      get layout() { return figure8.layout(); },
    },
    reader: reader.api,
    styleRow: {
      make: () => row.make(true),
      get row() { return row.row && { ...row.row, codes: row.row.codes.map((c) => Array.from(c)), pixels: Array.from(row.row.pixels) }; },
    },
  };
  return {
    api,
    gridLayout: () => figure8.layout(),
    showModel: (meta) => row.showModel(meta),
    drawingChanged: (result) => row.drawingChanged(result),
    modelChanged() {
      figure8.modelChanged();
      reader.modelChanged();
      row.modelChanged();
    },
  };
}
