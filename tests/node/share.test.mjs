// web/static/js/explorer/share.js: the explorer's state in the URL hash, and defensive parsing of it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatHash, parseHash } from '../../web/static/js/explorer/share.js';

const MODELS = ['mnist', 'fashion', 'mnist_2style'];
const SHARED = {
  model: 'fashion',
  state: { mode: 'pair', digit: 3.25, from: 1, to: 7, t: 0.35, style: [0.5, 0.125] },
  play: true,
  what: 'style',
  speed: '2',
  between: 3,
};

test('formatHash then parseHash gives the same state back', () => {
  assert.deepEqual(parseHash(formatHash(SHARED), MODELS), SHARED);
  const walk = { model: 'mnist', state: { mode: 'walk', digit: 0, from: 0, to: 9, t: 1, style: [1] }, play: false, what: 'both', speed: '0.5', between: 0 };
  assert.deepEqual(parseHash(formatHash(walk), MODELS), walk);
});

test('formatHash rounds to 4 decimals and keeps the style list readable', () => {
  const hash = formatHash({ ...SHARED, state: { ...SHARED.state, t: 1 / 3, style: [2 / 3, 0.1] } });
  assert.ok(hash.startsWith('#'));
  assert.match(hash, /(^#|&)t=0\.3333(&|$)/);
  assert.match(hash, /(^#|&)style=0\.6667,0\.1(&|$)/);
  const back = parseHash(hash, MODELS);
  assert.equal(back.state.t, 0.3333);
  assert.deepEqual(back.state.style, [0.6667, 0.1]);
});

test('parseHash with or without the leading #, and an empty hash sets nothing', () => {
  assert.deepEqual(parseHash('model=mnist&digit=2', MODELS), parseHash('#model=mnist&digit=2', MODELS));
  assert.deepEqual(parseHash('', MODELS), { state: {} });
  assert.deepEqual(parseHash('#', MODELS), { state: {} });
});

test('NaN, Infinity and non-numbers are dropped', () => {
  for (const bad of ['NaN', 'Infinity', '-Infinity', 'abc', '', ' ', '0x', '1e', '1,2']) {
    const out = parseHash(`#digit=${encodeURIComponent(bad)}&t=${encodeURIComponent(bad)}&from=${encodeURIComponent(bad)}&to=${encodeURIComponent(bad)}`, MODELS);
    assert.deepEqual(out.state, {}, `value ${JSON.stringify(bad)}`);
  }
});

test('numbers out of range are clamped, class indices rounded', () => {
  const out = parseHash('#digit=1e308&t=-5&from=-3&to=3.6&style=7,-1', MODELS);
  assert.deepEqual(out.state, { digit: 9, t: 0, from: 0, to: 4, style: [1, 0] });
  assert.equal(parseHash('#to=99', MODELS).state.to, 9);
  assert.equal(parseHash('#digit=-0.5', MODELS).state.digit, 0);
});

test('over-long values and over-long hashes are refused', () => {
  assert.equal(parseHash(`#digit=0.${'1'.repeat(40)}`, MODELS).state.digit, undefined);
  assert.deepEqual(parseHash(`#model=mnist&x=${'a'.repeat(3000)}`, MODELS), { state: {} });
  assert.deepEqual(parseHash(null, MODELS), { state: {} });
  assert.deepEqual(parseHash(42, MODELS), { state: {} });
});

test('markup, unknown models and unknown values are dropped; unknown keys ignored', () => {
  const hash = '#model=%3Cscript%3Ealert(1)%3C%2Fscript%3E&mode=%3Cb%3E&what=%3Cimg%20src%3Dx%3E&speed=3&play=yes&evil=1&__proto__=x';
  assert.deepEqual(parseHash(hash, MODELS), { state: {} });
  assert.deepEqual(parseHash('#model=cifar', MODELS), { state: {} });
  assert.equal(parseHash('#model=mnist', MODELS).model, 'mnist');
  assert.equal(parseHash('#model=mnist', ['fashion']).model, undefined, 'a model the site does not have');
  for (const speed of ['0.5', '1', '2', '4']) assert.equal(parseHash(`#speed=${speed}`, MODELS).speed, speed);
  for (const what of ['digit', 'style', 'both']) assert.equal(parseHash(`#what=${what}`, MODELS).what, what);
  assert.equal(parseHash('#play=0', MODELS).play, false);
  assert.equal(parseHash('#play=1', MODELS).play, true);
});

test('style: at most two values, and one bad value drops the list', () => {
  assert.deepEqual(parseHash('#style=0.1,0.2,0.3', MODELS).state.style, [0.1, 0.2]);
  assert.equal(parseHash('#style=0.1,NaN', MODELS).state.style, undefined);
  assert.equal(parseHash('#style=0.1,', MODELS).state.style, undefined);
  assert.equal(parseHash('#style=', MODELS).state.style, undefined);
  assert.deepEqual(parseHash('#style=0.25', MODELS).state.style, [0.25]);
});

test('between (the grid\'s mixtures between neighbours) is a whole number from 0 to 9, or unset', () => {
  assert.equal(parseHash('#between=5', MODELS).between, 5);
  assert.equal(parseHash('#between=2.6', MODELS).between, 3);
  assert.equal(parseHash('#between=-4', MODELS).between, 0);
  assert.equal(parseHash('#between=1e9', MODELS).between, 9);
  for (const bad of ['', 'x', 'NaN', 'Infinity', '<b>']) assert.equal(parseHash(`#between=${bad}`, MODELS).between, undefined, bad);
  assert.match(formatHash({ ...SHARED, between: undefined }), /(^#|&)between=0(&|$)/);
});
