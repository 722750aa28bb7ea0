// The explorer's state in the URL hash, so a link reopens exactly what its sender saw:
//   #model=mnist&mode=pair&from=1&to=7&t=0.35&digit=0&style=0.5&play=1&what=both&speed=1&between=3
// (between: the grid's mixtures between neighbouring classes, inbetween_grid.js; 0 shows the classes only)
// Parsing is defensive: anything odd (NaN, Infinity, huge numbers, markup, unknown keys, a model
// that does not exist) is clamped or ignored. Values are only ever used as numbers or compared
// with fixed lists, never put into the page as markup.
import { NUM_CLASSES, clamp } from './codes.js';

const WHAT = ['digit', 'style', 'both'];
const SPEEDS = ['0.5', '1', '2', '4'];
const MAX_LENGTH = 2000;
const MAX_BETWEEN = 9; // (the page offers fewer: main.js sets only a number its menu has)

function number(raw, lo, hi) {
  if (raw == null || raw.trim() === '' || raw.length > 32) return undefined; // Number('') is 0
  const v = Number(raw);
  return Number.isFinite(v) ? clamp(v, lo, hi) : undefined;
}

function classIndex(raw) {
  const v = number(raw, 0, NUM_CLASSES - 1);
  return v === undefined ? undefined : Math.round(v);
}

// hash: location.hash; modelNames: the models the site has. Returns what the hash sets validly:
// { model?, state: {mode?, digit?, from?, to?, t?, style?}, play?, what?, speed?, between? }.
export function parseHash(hash, modelNames) {
  const out = { state: {} };
  if (typeof hash !== 'string' || hash.length > MAX_LENGTH) return out;
  let params;
  try {
    params = new URLSearchParams(hash.replace(/^#/, ''));
  } catch {
    return out;
  }
  const get = (key) => params.get(key);
  if (modelNames.includes(get('model'))) out.model = get('model');
  if (['walk', 'pair'].includes(get('mode'))) out.state.mode = get('mode');
  const digit = number(get('digit'), 0, NUM_CLASSES - 1);
  if (digit !== undefined) out.state.digit = digit;
  const from = classIndex(get('from'));
  if (from !== undefined) out.state.from = from;
  const to = classIndex(get('to'));
  if (to !== undefined) out.state.to = to;
  const t = number(get('t'), 0, 1);
  if (t !== undefined) out.state.t = t;
  const style = (get('style') ?? '').split(',').slice(0, 2).map((v) => number(v, 0, 1));
  if (style.length && style.every((v) => v !== undefined)) out.state.style = style;
  if (['0', '1'].includes(get('play'))) out.play = get('play') === '1';
  if (WHAT.includes(get('what'))) out.what = get('what');
  if (SPEEDS.includes(get('speed'))) out.speed = get('speed');
  const between = number(get('between'), 0, MAX_BETWEEN);
  if (between !== undefined) out.between = Math.round(between);
  return out;
}

const round = (v) => String(Math.round(v * 10000) / 10000);

export function formatHash({ model, state, play, what, speed, between = 0 }) {
  const params = new URLSearchParams({
    model,
    mode: state.mode,
    digit: round(state.digit),
    from: String(state.from),
    to: String(state.to),
    t: round(state.t),
    style: state.style.map(round).join(','),
    play: play ? '1' : '0',
    what,
    speed,
    between: String(between),
  });
  return `#${params.toString().replaceAll('%2C', ',')}`;
}
