// Training, watched (the proposal's figures 4-7): the samples the run drew after every stage-2 epoch
// and stage-3 round (one sprite, training.png) and its loss curves (training.json), both written by
// training/watched.py at conversion. A scrubber walks the frames; the curve marks where it is.
import { extent, fitted, frame, path, svg, ticks } from './plot.js';
import { el } from '../dom.js';

const STAGES = { autoencoder: { unit: 'epoch', stage: 2 }, refine: { unit: 'round', stage: 3 }, realism: { unit: 'realism round', stage: 5 } };
const ROUNDS = ['refine', 'realism']; // stages whose history has a row per round (round 0: before the first)
const at = (column, i) => (column && i >= 0 && i < column.length ? column[i] : null);

// The scrubber's points in training order: {stage, number, of, label, frame, train, val} (reconstruction
// BCE on training and validation data; docs/ARCHITECTURE.md says which codes each stage scores), and
// `searched`: stage 3's round 0. Without samples the curves alone give the points.
export function watchedPoints(data) {
  const ae = data.curves?.autoencoder ?? {};
  const rf = data.curves?.refine ?? {};
  let frames = data.frames ?? [];
  const hasSprite = Boolean(data.sprite) && frames.length > 0;
  if (!frames.length) {
    const epochs = (ae.epoch ?? []).map((_, i) => ({ stage: 'autoencoder', number: i + 1 }));
    const rounds = ROUNDS.flatMap((s) => (data.curves?.[s]?.round ?? []).filter((r) => r >= 1).map((r) => ({ stage: s, number: r })));
    frames = [...epochs, ...rounds];
    for (const f of frames) f.of = frames.filter((g) => g.stage === f.stage).length;
  }
  const points = frames.map((f, i) => {
    const curve = data.curves?.[f.stage] ?? {};
    const byRound = ROUNDS.includes(f.stage);
    const row = byRound ? (curve.round ?? []).indexOf(f.number) : f.number - 1;
    const [train, val] = byRound
      ? [at(curve.train_bce_searched, row), at(curve.val_bce_searched, row)]
      : [at(ae.loss, row), at(ae.val_loss, row)];
    const { unit, stage } = STAGES[f.stage] ?? { unit: 'step', stage: '?' };
    return { stage, number: f.number, of: f.of, label: `${unit} ${f.number} of ${f.of}`, frame: hasSprite ? i : null, train, val };
  });
  const zero = (rf.round ?? []).indexOf(0);
  return { points, searched: zero >= 0 ? at(rf.val_bce_searched, zero) : null };
}

const fmt = (v) => (v == null ? '–' : v.toFixed(4));
const times = (n, unit) => `${n} ${unit}${n === 1 ? '' : 's'}`;

// What the record proves, from its figures: how long the decoder learned and how far its validation
// BCE fell; and how well the classifier, trained before it, reads (null: nothing recorded).
export function watchedLead(points, classifier) {
  const clauses = [];
  const [first, last] = [points[0], points.at(-1)];
  if (first && first.val != null && last.val != null) {
    const steps = [[2, 'epoch'], [3, 'round'], [5, 'realism round']].map(([stage, unit]) => [points.filter((p) => p.stage === stage).length, unit])
      .filter(([n]) => n).map(([n, unit]) => times(n, unit)).join(', ').replace(/, (?=[^,]*$)/, ' and ');
    const unit = (p) => ({ 3: 'round', 5: 'realism round' }[p.stage] ?? 'epoch');
    clauses.push(`The decoder learned to draw in ${steps}: its validation BCE per pixel fell from ${fmt(first.val)} ` +
      `after the first ${unit(first)} to ${fmt(last.val)} after the last ${unit(last)}`);
  }
  const acc = (classifier?.val_accuracy ?? []).filter((v) => v != null);
  if (acc.length) {
    clauses.push(`${clauses.length ? 'the' : 'The'} classifier, trained before it and frozen since, reached ` +
      `${(acc.at(-1) * 100).toFixed(2)}% validation accuracy in ${times(acc.length, 'epoch')}`);
  }
  return clauses.length ? `${clauses.join('; ')}.` : null;
}

export const pointText = (p) => `${p.label} (stage ${p.stage}): training BCE ${fmt(p.train)}, validation BCE ${fmt(p.val)}`;

// The reconstruction curve over the scrubber's points, with a marker the scrubber moves.
function curvePlot(points, searched, width) {
  const values = [...points.flatMap((p) => [p.train, p.val]), searched];
  const [lo, hi] = extent(values.filter((v) => v != null), 0.08);
  const n = points.length;
  const size = { width, height: width < 600 ? 220 : 280, left: 52, right: 12, top: 24, bottom: 34 };
  const { root, x, y } = frame(size, [0.5, n + 0.5], [lo, hi], {
    xTicks: ticks(1, n, Math.min(n, width < 600 ? 8 : 20)).filter((v) => Number.isInteger(v)), yTicks: ticks(lo, hi, 4),
    yFormat: (v) => v.toFixed(3), xLabel: 'epoch, then round', yLabel: 'BCE per pixel',
  });
  root.setAttribute('role', 'img');
  const first = points[0];
  const last = points[n - 1];
  root.setAttribute('aria-label', `Reconstruction BCE per pixel over ${n} steps: validation ${fmt(first.val)} after ` +
    `${first.label}, ${fmt(last.val)} after ${last.label}`);
  const stage3 = points.findIndex((p) => p.stage === 3);
  for (const stage of [3, 5]) { // where the decoder starts learning from searched codes, then to look real
    const at = points.findIndex((p) => p.stage === stage);
    if (at > 0) {
      root.append(svg('line', { x1: x(at + 0.5), x2: x(at + 0.5), y1: size.top, y2: size.height - size.bottom, class: 'stage-line' }),
        svg('text', { x: x(at + 0.5) + 4, y: size.top + 10, class: 'label' }, `stage ${stage}`));
    }
  }
  const xy = (key) => points.map((p, i) => [i + 1, p[key]]);
  root.append(path(xy('train'), x, y, 'train'), path(xy('val'), x, y, 'val'));
  if (searched != null && stage3 > 0) {
    root.append(svg('circle', { cx: x(stage3), cy: y(searched), r: 4, class: 'searched' },
      svg('title', {}, `after stage 2, codes found by search: validation BCE ${fmt(searched)}`)));
  }
  const marker = svg('g', { class: 'marker' }, svg('line', { y1: size.top, y2: size.height - size.bottom }),
    svg('circle', { r: 4, class: 'train' }), svg('circle', { r: 4, class: 'val' }));
  root.append(marker);
  const move = (i) => {
    const p = points[i];
    marker.setAttribute('transform', `translate(${x(i + 1).toFixed(1)},0)`);
    const [t, v] = marker.querySelectorAll('circle');
    for (const [dot, value] of [[t, p.train], [v, p.val]]) {
      dot.setAttribute('cy', value == null ? -99 : y(value).toFixed(1));
    }
  };
  return { root, move };
}

// Stage 1, the classifier: accuracy by epoch (it is frozen after this).
const hasAccuracy = (curve) => ['accuracy', 'val_accuracy'].some((k) => curve?.[k]?.some((v) => v != null));

function classifierPlot(curve, width) {
  const keys = ['accuracy', 'val_accuracy'].filter((k) => curve[k]?.some((v) => v != null));
  const n = curve[keys[0]].length;
  const [lo, hi] = extent(keys.flatMap((k) => curve[k]).filter((v) => v != null), 0.1);
  const size = { width, height: width < 600 ? 170 : 210, left: 52, right: 12, top: 34, bottom: 34 };
  const { root, x, y } = frame(size, [0.5, n + 0.5], [lo, Math.min(1, hi)], {
    xTicks: ticks(1, n, Math.min(n, width < 600 ? 8 : 20)).filter(Number.isInteger), yTicks: ticks(lo, Math.min(1, hi), 3),
    yFormat: (v) => `${(v * 100).toFixed(1)}%`, xLabel: 'stage 1 epoch', yLabel: 'accuracy',
  });
  for (const k of keys) root.append(path(curve[k].map((v, i) => [i + 1, v]), x, y, k === 'accuracy' ? 'train' : 'val'));
  const val = curve.val_accuracy ?? curve.accuracy;
  root.setAttribute('role', 'img');
  root.setAttribute('aria-label', `Stage 1, the classifier: validation accuracy ${(val[0] * 100).toFixed(2)}% after epoch 1, ` +
    `${(val[n - 1] * 100).toFixed(2)}% after epoch ${n}`);
  return root;
}

// Fill `box` with the record of `meta`'s run: fetched now (the caller waits until it nears the viewport).
export async function showWatched(box, meta, width) {
  const base = `models/${meta.name}/`;
  const response = await fetch(base + meta.training.data);
  if (!response.ok) throw new Error(`${base}${meta.training.data}: ${response.status}`);
  const data = await response.json();
  const { points, searched } = watchedPoints(data);
  const classifier = data.curves?.classifier;
  const parts = [el('p', { className: 'lead' }, watchedLead(points, classifier) ?? '')];
  let show = () => {};
  if (points.length) {
    let now = points.length - 1;
    let curve = null;
    const curveBox = fitted((w) => {
      curve = curvePlot(points, searched, w);
      curve.move(now);
      return curve.root;
    }, width);
    const output = el('output', { className: 'watched-now' });
    const slider = el('input', { type: 'range', min: 0, max: points.length - 1, step: 1, value: points.length - 1, id: 'watched-slider' });
    slider.setAttribute('aria-label', 'Training step: stage 2 epochs, then stage 3 rounds');
    let canvas = null;
    let sprite = null;
    const layout = data.sprite;
    if (layout && meta.training.sprite) {
      canvas = el('canvas', { width: layout.width, height: layout.frame_height, className: 'watched-sprite' });
      canvas.setAttribute('role', 'img');
      sprite = new Image();
      sprite.src = base + meta.training.sprite;
      sprite.decode().then(() => show(+slider.value), () => {});
    }
    show = (i) => {
      const p = points[i];
      now = i;
      slider.setAttribute('aria-valuetext', pointText(p));
      output.textContent = pointText(p);
      curve.move(i);
      if (canvas) {
        canvas.setAttribute('aria-label', `The ten classes at low, middle and high style (rows), drawn after ${p.label} of stage ${p.stage}`);
        if (sprite.complete && sprite.naturalWidth && p.frame != null) {
          const ctx = canvas.getContext('2d');
          ctx.drawImage(sprite, 0, p.frame * layout.frame_height, layout.width, layout.frame_height, 0, 0, layout.width, layout.frame_height);
          canvas.dataset.frame = p.frame; // (which frame is shown: the sprite decodes after the section opens)
        }
      }
    };
    slider.addEventListener('input', () => show(+slider.value));
    const scrub = el('label', { className: 'watched-scrub' }, 'step ', slider);
    if (canvas) parts.push(el('figure', { className: 'watched-samples' }, canvas, el('figcaption', {}, 'rows: low, middle, high style; a column per class')));
    parts.push(scrub, output, el('figure', {}, curveBox, el('figcaption', { className: 'legend' },
      el('span', { className: 'key train' }, 'training'), ' ', el('span', { className: 'key val' }, 'validation'),
      searched != null ? el('span', { className: 'key searched' }, ' after stage 2, codes found by search') : '')));
  }
  if (hasAccuracy(classifier)) {
    parts.push(el('figure', { className: 'watched-classifier' }, fitted((w) => classifierPlot(classifier, w), width),
      el('figcaption', { className: 'legend' }, el('span', { className: 'key train' }, 'training'), ' ',
        el('span', { className: 'key val' }, 'validation'), ' accuracy of the classifier (stage 1; frozen afterwards)')));
  }
  if (parts.length === 1) parts.push(el('p', {}, 'The run recorded no samples or curves.'));
  box.replaceChildren(...parts);
  if (points.length) show(points.length - 1);
}
