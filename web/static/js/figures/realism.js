// How real do the decoded digits look? meta.json -> realism.test, which `python -m training.realism MODEL
// --data DATA --split test --write` records: an independent reader's view of what the page can show, against
// real test digits. A lead sentence and a table, beside the baselines.
import { el } from '../dom.js';

const SETS = [['grid', 'every class along the style slider'], ['in_betweens', 'the in-betweens of every morph'],
  ['pad', 'the style pad\'s lattice']];
const pct = (v) => `${Math.round(v * 100)}%`;
const fd = (v) => v.toFixed(1);

// The sentence the figures prove (null without them): how far the in-betweens lie from real handwriting,
// beside how far two sets of real digits lie from each other, and how much of their ink is mid-grey.
export function realismLead(r) {
  const mid = r?.in_betweens;
  if (!mid || !r.reference) return null;
  return `To a digit reader that never took part in training, the in-betweens of the morphs lie at a distance of ${fd(mid.fd)} ` +
    `from real handwriting (two sets of real digits: ${fd(mid.floor)}), and ${pct(mid.grey_median)} of their ink is ` +
    `mid-grey (real digits: ${pct(r.reference.grey_median)}).`;
}

// The figures as a table: one row per decoded set, then the morphs' smoothness and detour.
export function realismTable(r) {
  const rows = SETS.filter(([key]) => r[key]).map(([key, name]) => el('tr', {},
    el('th', { scope: 'row' }, name), el('td', {}, `${fd(r[key].fd)} (${fd(r[key].floor)})`),
    el('td', {}, pct(r[key].grey_median)), el('td', {}, pct(r[key].ghosts))));
  rows.push(el('tr', {}, el('th', { scope: 'row' }, 'real test digits'), el('td', {}, `– (${fd(r.reference.floor)})`),
    el('td', {}, pct(r.reference.grey_median)), el('td', {}, pct(r.reference.ghosts))));
  return el('table', { className: 'realism-table' },
    el('caption', {}, `Along every morph the largest step between frames is at most ${r.snap.max.toFixed(2)} × the mean ` +
      `step (1: an even glide), and a third class takes ${pct(r.detour.mean)} of the reader's belief on average.`),
    el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'decoded'), el('th', { scope: 'col' }, 'distance to real digits (floor)'),
      el('th', { scope: 'col' }, 'mid-grey share of ink'), el('th', { scope: 'col' }, 'faint ghosts'))),
    el('tbody', {}, ...rows));
}

// The block for the baselines' box: a heading, the lead and the table, or a line naming the command.
export function realismBlock(meta, full) {
  const r = full.realism?.test;
  if (!r?.in_betweens) {
    return el('p', { className: 'story-missing' }, 'No realism figures were measured for this model ' +
      `(python -m training.realism converted_model/${meta.name} --data DATA --split test --write records them).`);
  }
  return el('div', { className: 'realism' }, el('h3', {}, 'Do the digits look real?'),
    el('p', {}, realismLead(r)), el('div', { className: 'realism-scroll' }, realismTable(r)));
}
