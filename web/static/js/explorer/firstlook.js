// Before the model arrives: the digits × styles grid Keras drew at conversion (preview.png, dark ink
// on white, the page's own grid rule: codes.js gridCodes) stands in for the grid, and its cell whose
// code is the explorer's stands in for the first digit, both in the page's colours. So the page never
// shows an empty frame, even on a slow network; the decoder's first frame and grid then replace them.
import { gridCodes, stateCode, styleScales } from './codes.js';
import { GRID_GAP, GRID_ROWS, IMAGE_SIDE, NUM_CLASSES } from '../contract.js';
import { PITCH, drawDigit, imageBytes } from '../runtime/draw.js';
import { modelFile } from '../meta_file.js';

const SAME = 1e-5; // codes equal up to float rounding

// cell (row, col) of the preview's grey image -> ink in [0, 1] (ink = 1 - grey / 255)
function cellPixels(grey, width, row, col) {
  const out = new Float32Array(IMAGE_SIDE * IMAGE_SIDE);
  for (let y = 0; y < IMAGE_SIDE; y++) {
    for (let x = 0; x < IMAGE_SIDE; x++) {
      out[y * IMAGE_SIDE + x] = 1 - grey[4 * ((row * PITCH + y) * width + col * PITCH + x)] / 255;
    }
  }
  return out;
}

// The grid cell whose code is `code`, or -1.
export function cellOf(code, codes) {
  return codes.findIndex((c) => c.length === code.length && c.every((v, i) => Math.abs(v - code[i]) <= SAME));
}

// Draw the preview into the grid canvas and, where the explorer's `state` (null: not known yet) is one of its cells, that cell
// into the digit canvas. stillFirst() says nothing real has been drawn yet (checked once the image
// has arrived). -> whether the digit was drawn.
export async function showFirstLook(meta, state, colours, { digit, grid }, stillFirst) {
  const img = new Image();
  img.src = modelFile(meta, 'preview.png');
  try {
    await img.decode();
  } catch {
    return false; // (no preview: the page waits for the decoder, as it would anyway)
  }
  const width = NUM_CLASSES * PITCH - GRID_GAP;
  if (img.naturalWidth !== width || img.naturalHeight !== GRID_ROWS * PITCH - GRID_GAP || !stillFirst()) return false;
  const grey = imageBytes(img);
  const gctx = grid.getContext('2d');
  for (let r = 0; r < GRID_ROWS; r++) {
    for (let c = 0; c < NUM_CLASSES; c++) drawDigit(gctx, cellPixels(grey, width, r, c), 0, c * PITCH, r * PITCH, colours.ink, colours.paper);
  }
  if (!state) return false;
  const scales = styleScales(meta);
  const cell = cellOf(Array.from(stateCode(state, scales)), gridCodes(scales, GRID_ROWS).map((c) => Array.from(c)));
  if (cell < 0) return false;
  drawDigit(digit.getContext('2d'), cellPixels(grey, width, Math.floor(cell / NUM_CLASSES), cell % NUM_CLASSES), 0, 0, 0, colours.ink, colours.paper);
  return true;
}
