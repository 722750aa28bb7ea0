// Exports made in the browser: PNGs of the digit and the grid, and the current transition as an
// animated GIF (gifenc) or a WebM video (MediaRecorder), with the proposal's header: a red bar for
// the digit's progress and a blue one for the style's.
import { NUM_CLASSES, cyclePhases, gridCodes, playPatch, stateCode, styleScales } from './codes.js';
import { GRID_GAP, GRID_ROWS, IMAGE_SIDE } from '../contract.js';
import { drawDigit } from '../runtime/draw.js';
import { $ } from '../dom.js';

const SIDE = IMAGE_SIDE;
const SCALE = 10;
const HEADER = 16;
const FRAMES = 60;
const FPS = 20;
const RED = '#d2452f';
// every export is black ink on white, whatever colour scheme the page is shown in
const INK = [0, 0, 0];
const PAPER = [255, 255, 255];
const BLUE = '#2f6fd2';

export function download(blob, name) {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 10000);
}

// `source` scaled by the integer `scale`, each pixel a scale x scale block, written pixel by pixel:
// crisp whatever a browser's drawImage smooths
function upscaled(source, scale) {
  const { width, height } = source;
  const from = source.getContext('2d').getImageData(0, 0, width, height).data;
  const out = document.createElement('canvas');
  out.width = width * scale;
  out.height = height * scale;
  const ctx = out.getContext('2d');
  const image = ctx.createImageData(out.width, out.height);
  const to = new Uint32Array(image.data.buffer);
  const pixels = new Uint32Array(from.buffer, from.byteOffset, width * height);
  for (let y = 0; y < out.height; y++) {
    const row = Math.floor(y / scale) * width;
    for (let x = 0; x < out.width; x++) to[y * out.width + x] = pixels[row + Math.floor(x / scale)];
  }
  ctx.putImageData(image, 0, 0);
  return out;
}

// The digit PNG's scale: 10 at least, and as many pixels as the screen shows it with (`shownPx`
// device pixels across), so the file is never blurrier than the page.
export const digitScale = (shownPx) => Math.max(SCALE, Math.ceil(shownPx / SIDE));

const toBlob = (canvas, type) => new Promise((resolve) => canvas.toBlob(resolve, type));

// The explorer's digit, decoded again in the export's colours (the page's canvas follows dark mode).
export async function exportDigitPng(decoder, meta, state, scale = SCALE) {
  const pixels = await decoder.decode([stateCode(state, styleScales(meta))]);
  const canvas = document.createElement('canvas');
  canvas.width = canvas.height = SIDE;
  drawDigit(canvas.getContext('2d'), pixels, 0, 0, 0, INK, PAPER);
  download(await toBlob(upscaled(canvas, scale), 'image/png'), 'digit.png');
}

// n decoded images in rows of `columns`, black on an opaque white ground (gaps included).
export function cellsCanvas(pixels, n, columns) {
  const pitch = SIDE + GRID_GAP;
  const canvas = document.createElement('canvas');
  canvas.width = columns * pitch - GRID_GAP;
  canvas.height = Math.ceil(n / columns) * pitch - GRID_GAP;
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  for (let i = 0; i < n; i++) drawDigit(ctx, pixels, i, (i % columns) * pitch, Math.floor(i / columns) * pitch, INK, PAPER);
  return canvas;
}

export const downloadPng = async (canvas, scale, name) => download(await toBlob(upscaled(canvas, scale), 'image/png'), name);

// The classes x styles grid in one batch, or the grid as the page shows it (`layout`: { codes,
// columns, name }, e.g. with in-between columns: inbetween_grid.js).
export async function exportGridPng(decoder, meta, layout = null) {
  const { codes, columns, name } = layout ?? { codes: gridCodes(styleScales(meta), GRID_ROWS), columns: NUM_CLASSES, name: 'grid.png' };
  await downloadPng(cellsCanvas(await decoder.decode(codes), codes.length, columns), 3, name);
}

// The frames of one animation cycle from `state`, decoded in one batch. paint(i) draws frame i.
async function transition(decoder, meta, state, what) {
  const states = Array.from({ length: FRAMES }, (_, i) => ({ ...state, ...playPatch(state, cyclePhases(i / FRAMES, state.style.length), what) }));
  const codes = states.map((s) => stateCode(s, styleScales(meta)));
  const pixels = await decoder.decode(codes);
  const canvas = document.createElement('canvas');
  canvas.width = SIDE * SCALE;
  canvas.height = SIDE * SCALE + HEADER;
  const ctx = canvas.getContext('2d');
  const small = document.createElement('canvas');
  small.width = small.height = SIDE;
  const paint = (i) => {
    const s = states[i];
    drawDigit(small.getContext('2d'), pixels, i, 0, 0, INK, PAPER);
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, canvas.width, HEADER);
    ctx.fillStyle = RED;
    ctx.fillRect(0, 1, canvas.width * (s.mode === 'pair' ? s.t : s.digit / (NUM_CLASSES - 1)), HEADER / 2 - 2);
    ctx.fillStyle = BLUE;
    ctx.fillRect(0, HEADER / 2 + 1, canvas.width * s.style[0], HEADER / 2 - 2);
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(small, 0, HEADER, SIDE * SCALE, SIDE * SCALE);
  };
  return { canvas, ctx, paint };
}

const nextTask = () => new Promise((r) => setTimeout(r, 0));

export async function exportGif(decoder, meta, state, what, onProgress) {
  const { GIFEncoder, quantize, applyPalette } = await import('../../vendor/gifenc/gifenc.esm.js');
  const { canvas, ctx, paint } = await transition(decoder, meta, state, what);
  const gif = GIFEncoder();
  for (let i = 0; i < FRAMES; i++) {
    paint(i);
    const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
    const palette = quantize(data, 32);
    gif.writeFrame(applyPalette(data, palette), canvas.width, canvas.height, { palette, delay: 1000 / FPS });
    onProgress((i + 1) / FRAMES);
    await nextTask(); // keep the page responsive and the progress bar moving
  }
  gif.finish();
  download(new Blob([gif.bytes()], { type: 'image/gif' }), 'digit-morph.gif');
}

export async function exportWebm(decoder, meta, state, what, onProgress) {
  const type = ['video/webm;codecs=vp9', 'video/webm;codecs=vp8', 'video/webm']
    .find((t) => window.MediaRecorder?.isTypeSupported(t));
  if (!type) throw new Error('this browser cannot record WebM video');
  const { canvas, paint } = await transition(decoder, meta, state, what);
  paint(0);
  const stream = canvas.captureStream(FPS);
  const recorder = new MediaRecorder(stream, { mimeType: type });
  const chunks = [];
  recorder.ondataavailable = (e) => e.data.size && chunks.push(e.data);
  const stopped = new Promise((r) => { recorder.onstop = r; });
  recorder.start();
  for (let i = 0; i < FRAMES; i++) { // recorded in real time: one frame per 1/FPS s
    paint(i);
    onProgress((i + 1) / FRAMES);
    await new Promise((r) => setTimeout(r, 1000 / FPS));
  }
  recorder.stop();
  await stopped;
  stream.getTracks().forEach((t) => t.stop());
  download(new Blob(chunks, { type: 'video/webm' }), 'digit-morph.webm');
}


// One export at a time, with progress; one that fails says why and changes nothing else.
async function runExport(label, job) {
  const progress = $('export-progress');
  const buttons = document.querySelectorAll('#export-box button');
  buttons.forEach((b) => { b.disabled = true; });
  progress.hidden = false;
  progress.value = 0;
  $('export-status').value = `${label}…`;
  try {
    await job((v) => { progress.value = v; });
    $('export-status').value = `${label} saved`;
  } catch (e) {
    $('export-status').value = `${label} failed: ${e.message}`;
  } finally {
    progress.hidden = true;
    buttons.forEach((b) => { b.disabled = false; });
  }
}

// app: { decoder() (a promise of the model's decoder), meta(), state(), what(), gridLayout() (null: the classes) }
export function bindExports(app) {
  // (a model may be loading: the export waits for it rather than fail on a missing decoder)
  const animation = (exporter) => async (onProgress) => {
    const decoder = await app.decoder();
    return exporter(decoder, app.meta(), app.state(), app.what(), onProgress);
  };
  const shown = () => $('digit').getBoundingClientRect().width * devicePixelRatio;
  const digitPng = async () => exportDigitPng(await app.decoder(), app.meta(), app.state(), digitScale(shown()));
  const gridPng = async () => {
    const decoder = await app.decoder();
    return exportGridPng(decoder, app.meta(), app.gridLayout?.());
  };
  $('export-digit').addEventListener('click', () => runExport($('export-digit').textContent, digitPng));
  $('export-grid').addEventListener('click', () => runExport('Grid PNG', gridPng));
  $('export-gif').addEventListener('click', () => runExport('GIF', animation(exportGif)));
  $('export-webm').addEventListener('click', () => runExport('WebM', animation(exportWebm)));
}
