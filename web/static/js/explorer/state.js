// The page's state in one place: what the page shows (the model, the backend, the explorer, Play's
// settings) and the decoder that draws it. Every module reads it from here; the explorer's changes
// are announced to whoever subscribed (the controls redraw themselves first, then the page follows).
import { oneState } from './codes.js';

export const page = {
  model: null, // the meta of the model the page is on (set when its load begins; null before)
  decoder: null, // that model's Decoder on the current backend (null while it loads)
  backend: null, // the TF.js backend in use: 'webgl', 'wasm' or 'cpu'
  webgl: null, // { available, renderer, software }, once a backend was first picked
  note: '', // why the backend is not the one picked, if it changed by itself
  loading: false, // a model load or a backend switch is running or waiting
  progress: '', // what a model load has done so far, for the status line
  colours: null, // the digit's ink and paper in the page's colour scheme (draw.js inkColours)
  // the explorer: style is kept in [0, 1] per dimension, how far through the current class's own range;
  // the walk (digit) and the morph (from, to, t) always show the same image (codes.js oneState)
  explorer: { mode: 'walk', digit: 0, from: 0, to: 1, t: 0, style: [0.5] },
  // Play: whether it plays, what it animates ('both', 'digit', 'style') and how fast (a select's value)
  play: { playing: false, what: 'both', speed: '1' },
};

const listeners = [];

// fn(explorer) is called after every change of the explorer, in the order subscribed.
export function subscribe(fn) {
  listeners.push(fn);
}

export function setExplorer(patch) {
  Object.assign(page.explorer, oneState(page.explorer, patch));
  for (const fn of listeners) fn(page.explorer);
}
