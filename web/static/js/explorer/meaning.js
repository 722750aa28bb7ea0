// "What style means", in plain words, from the correlations measured at conversion time
// (meta.style_meaning: Spearman's rho, or Pearson's r for models converted before it, between each
// style value and traits of real test digits).
import { ATLAS_QUANTILES, GRID_GAP, IMAGE_SIDE, NUM_CLASSES } from '../contract.js';
import { $ } from '../dom.js';
import { modelFile } from '../meta_file.js';
import { STRONG, TRAIT_WORDS, ordinal } from './words.js';

// One sentence per style dimension for class `c` (or over all digits when c is null).
export function describeStyle(meaning, classNames, c) {
  const tables = c == null ? meaning.correlations.overall : meaning.correlations.per_class[String(c)];
  if (!tables) return [];
  const who = c == null ? 'all classes' : classNames[c];
  const sign = meaning.method === 'spearman' ? 'ρ' : 'r';
  return tables.map((rs, d) => {
    const ranked = Object.entries(rs).filter(([t]) => TRAIT_WORDS[t]).sort((a, b) => Math.abs(b[1]) - Math.abs(a[1]));
    const strong = ranked.filter(([, r]) => Math.abs(r) >= STRONG).slice(0, 4);
    const label = tables.length > 1 ? `style ${d + 1}` : 'style';
    if (!strong.length) {
      const [t, r] = ranked[0];
      return `${who}: no single measured trait follows ${label} closely (strongest: ${t}, ${sign} = ${r.toFixed(2)}).`;
    }
    const words = strong.map(([t, r]) => `${TRAIT_WORDS[t][r > 0 ? 0 : 1]} (${sign} = ${r.toFixed(2)})`);
    return `${who}: higher ${label} → ${words.join(', ')}.`;
  });
}

let shown = '';
// an atlas image's size (training/export/analysis.py: a row per class, a column per quantile), given to
// the <img> so the page keeps its place before the image arrives
const side = (n) => n * (IMAGE_SIDE + GRID_GAP) - GRID_GAP;
const ATLAS_SIZE = { width: side(ATLAS_QUANTILES.length), height: side(NUM_CLASSES) };

// Show the meaning for the class that dominates `classes`; redrawn only when that class or the
// model changes. The atlas images change with the model only.
export function showMeaning(meta, classes) {
  const meaning = meta.style_meaning;
  if (!meaning) return;
  const c = classes.indexOf(Math.max(...classes));
  const key = `${meta.name}:${c}`;
  if (key === shown) return;
  shown = key;
  $('meaning').replaceChildren(...describeStyle(meaning, meta.class_names, c).map((text) => {
    const li = document.createElement('li');
    li.textContent = text;
    return li;
  }));
  if ($('atlas').dataset.model === meta.name) return;
  $('atlas').dataset.model = meta.name;
  $('atlas').replaceChildren(...meaning.atlas.map((file, d) => {
    const figure = document.createElement('figure');
    const caption = document.createElement('figcaption');
    caption.textContent = meaning.atlas.length > 1 ? `style ${d + 1}, low → high` : 'style, low → high';
    // the image in a grid with its labels: percentiles across the top, a class name for each row
    const table = document.createElement('div');
    table.className = 'atlas-table';
    const label = (text, cls) => Object.assign(document.createElement('span'), { textContent: text, className: cls });
    table.append(label('', 'corner'), ...ATLAS_QUANTILES.map((q) => label(ordinal(q), 'q')),
      ...meta.class_names.map((name) => label(name, 'cls')));
    table.append(Object.assign(new Image(), {
      loading: 'lazy', // below the fold: not part of the first frame's bytes
      ...ATLAS_SIZE,
      src: modelFile(meta, file),
      alt: `Test images of every class (a row each) at rising quantiles of style${meaning.atlas.length > 1 ? ` ${d + 1}` : ''}`,
    }));
    figure.append(table, caption);
    return figure;
  }));
}
