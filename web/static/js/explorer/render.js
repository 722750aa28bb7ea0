// Decode and draw: the explorer's digit and its code on every change of the state (one decode in
// flight, the newest state next), the grid row by row, the status line, and the timings the
// benchmark reads.
import { NUM_CLASSES, gridCodes, stateCode, styleScales } from './codes.js';
import { GRID_ROWS, IMAGE_SIDE } from '../contract.js';
import { drawCode } from './bars.js';
import { drawDigit } from '../runtime/draw.js';
import { drawRows } from './grid.js';
import { page } from './state.js';
import { $ } from '../dom.js';


// the render loop's own flags: a newer state waits, a decode is in flight, since when input waits
const loop = { dirty: false, busy: false, inputSince: null };

// The Runtime whose worker draws the digit into #digit itself (worker.js says why); false before
// the first digit and where the browser cannot (the page draws the pixels then).
let digitInWorker = false;
let handOverTo = null; // the runtime #digit goes to once the first digit is drawn
let shownIn = 'digit-first'; // the canvas holding the digit on screen: #digit-first until #digit is drawn

// #digit goes to `runtime`'s worker after the first digit: the page draws that one itself, into
// #digit-first, since readying the worker's canvas would delay the first digit.
export function drawDigitsIn(runtime) {
  handOverTo = runtime;
}

export const timings = {
  lastDecodeMs: null,
  firstFrameMs: null, // navigation start -> first decoded digit drawn
  latencies: [], // input event -> its digit drawn, ms, the last 1,000 frames
  decodeTimes: [], // decode of one image, ms, the last 1,000 frames decoded when asked (not ahead)
  aheadFrames: 0, // frames whose image had been decoded ahead (guessed right)
  workerTimes: [], // the worker's part of a frame (request arrived -> drawn), ms, the last 1,000 frames
};

// The last frame drawn for an input: the next is guessed from it (renderFrame)
let lastInputFrame = { decoder: null, code: null };

// fn(pixels, code) after every frame of the explorer is drawn (the reader reads it: classifier.js)
const frameListeners = [];
export const onFrame = (fn) => frameListeners.push(fn);

export function showError(message) {
  const box = $('error');
  box.textContent = message;
  box.hidden = false;
}

export function setStatus() {
  const ms = timings.lastDecodeMs == null ? '' : ` · last decode ${timings.lastDecodeMs.toFixed(1)} ms`;
  // a software renderer (SwiftShader, llvmpipe) draws many times slower than WebAssembly: say so
  const soft = page.backend === 'webgl' && page.webgl?.software ? 'software renderer' : '';
  const note = [soft, page.note].filter(Boolean).map((n) => ` (${n})`).join('');
  const head = page.backend ? `${page.backend}${note}` : ''; // (none yet while the first one starts)
  const tail = page.progress || ms.slice(3);
  $('status').textContent = head && tail ? `${head} · ${tail}` : head || tail;
}

// The oldest input event not yet on screen (for the latency the benchmark reads).
export function inputAt(timeStamp) {
  loop.inputSince ??= timeStamp;
}

// Decode at once when idle (no wait for the next animation frame: that would add up to 16 ms);
// while a decode runs, further input only marks the state dirty, and the newest state is decoded
// as soon as it ends. So there is never more than one decode in flight and no backlog.
export function schedule() {
  loop.dirty = true;
  if (!loop.busy) renderFrame();
}

// A new decoder is in page.decoder: a decode still in flight on the old one (a lost GPU may never
// answer) is dropped, and the state is decoded on the new one.
export function newDecoder() {
  loop.busy = false;
  loop.dirty = true;
  return renderFrame();
}

async function renderFrame() {
  if (!page.decoder || !loop.dirty || loop.busy) return;
  loop.dirty = false;
  loop.busy = true;
  const since = loop.inputSince;
  loop.inputSince = null;
  const decoder = page.decoder;
  try {
    const c = stateCode(page.explorer, styleScales(page.model));
    const t0 = performance.now();
    let pixels, drawnAt, ahead = false, workMs;
    if (digitInWorker) {
      ({ pixels, drawnAt, ahead, workMs } = await decoder.decodeInto(c, 'digit', page.colours));
      drawnAt -= performance.timeOrigin; // (the worker's clock starts elsewhere)
    } else {
      pixels = await decoder.decode([c]);
    }
    if (decoder !== page.decoder) return; // the model or backend changed meanwhile: a stale frame
    if (!digitInWorker) {
      shownIn = handOverTo ? 'digit-first' : 'digit';
      drawDigit($(shownIn).getContext('2d'), pixels, 0, 0, 0, page.colours.ink, page.colours.paper);
      drawnAt = performance.now();
    } else {
      shownIn = 'digit';
      timings.workerTimes = [...timings.workerTimes.slice(-999), workMs];
    }
    if (ahead) {
      timings.aheadFrames++;
    } else {
      timings.lastDecodeMs = drawnAt - t0; // asked -> drawn
      timings.decodeTimes = [...timings.decodeTimes.slice(-999), timings.lastDecodeMs];
    }
    if (since != null && digitInWorker) guessNext(decoder, c);
    drawCode($('code'), Array.from(c.slice(0, NUM_CLASSES)), Array.from(c.slice(NUM_CLASSES)), page.model);
    for (const fn of frameListeners) fn(pixels, c);
    setStatus();
    timings.firstFrameMs ??= drawnAt;
    if (handOverTo) {
      digitInWorker = handOverTo.attachCanvas('digit', $('digit')) && handOverTo;
      handOverTo = null;
    }
    if (since != null) timings.latencies = [...timings.latencies.slice(-999), drawnAt - since];
  } catch (e) {
    showError(`Decoding failed: ${e.message}`);
  } finally {
    if (decoder === page.decoder) { // else newDecoder has already reset `busy` for the new decoder
      loop.busy = false;
      if (loop.dirty) setTimeout(renderFrame, 0); // yield to input and paint, then the newest state
    }
  }
}

// A slider stepped by the keys moves on by the same step: after a frame drawn for an input, the worker
// decodes the next step's code while it would wait anyway (codes are linear between percentiles).
function guessNext(decoder, code) {
  const last = lastInputFrame;
  lastInputFrame = { decoder, code };
  if (last.decoder !== decoder || loop.dirty || !last.code.some((v, i) => v !== code[i])) return;
  decoder.decodeAhead(code.map((v, i) => 2 * v - last.code[i]));
}

// The explorer's digit as drawn: RGBA bytes of the canvas that shows it (from the worker when it draws there)
export async function digitPixels() {
  if (digitInWorker && shownIn === 'digit') return digitInWorker.call('canvasPixels', { name: 'digit' });
  return Array.from($(shownIn).getContext('2d').getImageData(0, 0, IMAGE_SIDE, IMAGE_SIDE).data);
}

// Row by row (one batch a row), yielding to input between rows; `waiting()` says a load waits to
// start (then this grid stops too). -> { ms, longestRowMs }, or null when a newer grid took over.
let gridToken = 0;
export async function drawGrid(waiting = () => false) {
  const token = ++gridToken;
  const decoder = page.decoder;
  if (!decoder) return null; // a model is loading; it draws its own grid
  // a newer grid, another model, or a load waiting to start: this grid stops
  const superseded = () => token !== gridToken || decoder !== page.decoder || waiting();
  return drawRows($('grid').getContext('2d'), decoder, gridCodes(styleScales(page.model), GRID_ROWS), NUM_CLASSES, superseded);
}
