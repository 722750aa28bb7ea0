// The realism figures beside the baselines (figures/realism.js): the sentence follows each committed
// model's meta.json -> realism.test, whatever its figures are.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { test } from 'node:test';
import { realismLead } from '../../web/static/js/figures/realism.js';

const MODELS = new URL('../../converted_model/', import.meta.url);
const committed = readdirSync(MODELS).filter((n) => existsSync(new URL(`${n}/meta.json`, MODELS)));

test('the realism sentence reads its figures from meta.json', () => {
  for (const name of committed) {
    const r = JSON.parse(readFileSync(new URL(`${name}/meta.json`, MODELS), 'utf8')).realism?.test;
    assert.ok(r?.in_betweens, `${name}: meta.json has realism.test`);
    const lead = realismLead(r);
    assert.match(lead, new RegExp(`at a distance of ${r.in_betweens.fd.toFixed(1)} `), name);
    assert.match(lead, new RegExp(`real digits: ${r.in_betweens.floor.toFixed(1)}\\)`), name);
    assert.match(lead, new RegExp(`${Math.round(r.in_betweens.grey_median * 100)}% of their ink`), name);
  }
  const other = { reference: { grey_median: 0.3 }, in_betweens: { fd: 12.34, floor: 4.5, grey_median: 0.41 } };
  assert.equal(realismLead(other), 'To a digit reader that never took part in training, the in-betweens of the morphs lie ' +
    'at a distance of 12.3 from real handwriting (two sets of real digits: 4.5), and 41% of their ink is mid-grey (real digits: 30%).');
  assert.equal(realismLead({}), null);
});

test('stage 5 rounds follow stage 3 in the training record and its sentence', async () => {
  const { watchedLead, watchedPoints } = await import('../../web/static/js/figures/watched.js');
  const data = { curves: {
    autoencoder: { epoch: [0, 1], loss: [0.3, 0.2], val_loss: [0.31, 0.21] },
    refine: { round: [0, 1], train_bce_searched: [0.19, 0.18], val_bce_searched: [0.2, 0.19] },
    realism: { round: [1, 2], train_bce_searched: [0.185, 0.184], val_bce_searched: [0.195, 0.194] } } };
  const { points } = watchedPoints(data);
  assert.deepEqual(points.map((p) => [p.stage, p.label, p.val]), [[2, 'epoch 1 of 2', 0.31], [2, 'epoch 2 of 2', 0.21],
    [3, 'round 1 of 1', 0.19], [5, 'realism round 1 of 2', 0.195], [5, 'realism round 2 of 2', 0.194]]);
  assert.match(watchedLead(points, {}), /in 2 epochs, 1 round and 2 realism rounds: .* to 0\.1940 after the last realism round/);
});
