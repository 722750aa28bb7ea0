// The page's words for the model shown: MNIST has digits and handwriting, Fashion-MNIST has items
// of clothing, and a model has one or two style values. Also what the sliders and the style pad
// announce to a screen reader ("70 % 3, 30 % 4", "style: 40th percentile of 3s — leans more to the
// left"). Pure functions of meta and state, no DOM.
import { NUM_CLASSES, percentileOf, stateClasses, styleScales } from './codes.js';

const DATASETS = {
  mnist: { item: 'digit', items: 'digits', Kind: 'Digit', styleOf: 'handwriting style', real: 'Real handwriting' },
  fashion_mnist: { item: 'item', items: 'items of clothing', Kind: 'Class', styleOf: 'style', real: 'Real photographs' },
};

// What a style trait measured at conversion (meta.style_meaning) is called, [more, less].
export const TRAIT_WORDS = {
  slant: ['leans more to the right', 'leans more to the left'],
  width: ['wider', 'narrower'],
  height: ['taller', 'shorter'],
  thickness: ['thicker strokes', 'thinner strokes'],
  ink: ['more ink', 'less ink'],
  x_offset: ['sits further right', 'sits further left'],
  y_offset: ['sits lower', 'sits higher'],
};

export const datasetWords = (meta) => DATASETS[meta.dataset] ?? { ...DATASETS.fashion_mnist, items: 'images' };

export function ordinal(n) {
  const suffix = n % 100 >= 11 && n % 100 <= 13 ? 'th' : { 1: 'st', 2: 'nd', 3: 'rd' }[n % 10] ?? 'th';
  return `${n}${suffix}`;
}

// small counts in words, as a sentence would have them
const count = (n) => ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten'][n] ?? String(n);

// "3" -> "3s", "Dress" -> "Dresses"
const plural = (name) => `${name}${name.endsWith('s') ? 'es' : 's'}`;

// The texts of the page that depend on the model, by the data-text key of the element they fill.
export function pageTexts(meta) {
  const w = datasetWords(meta);
  const k = meta.style_dims;
  const styles = k === 1 ? 'one number of' : `${count(k)} numbers of`;
  const classes = count(NUM_CLASSES).replace(/^./, (c) => c.toUpperCase());
  return {
    title: `Digit Morph — explore an auto-encoder of ${w.items}`,
    tagline: `${classes} class probabilities and ${styles} ${w.styleOf}: slide between ${w.items} and the decoder ` +
      'in your browser draws every step.',
    'code-caption': `The ${NUM_CLASSES + k} numbers the decoder sees: how much of each class, and the style` +
      `${k > 1 ? ` (${k} values)` : ''}.`,
    'grid-title': `Every ${w.item} × every style`,
    'grid-note': 'Decoded row by row in your browser: classes across, style from low (top) to high (bottom)' +
      `${k > 1 ? `, all ${k} style values moving together` : ''}. Click a cell, or use the arrow keys and Enter, to explore it.`,
    'own-title': `Draw your own ${w.item}`,
    'own-empty': `Draw ${w.item === 'item' ? 'an' : 'a'} ${w.item} in the box.`,
    'meaning-intro': `At conversion the encoder placed every test ${w.item} on the style axis, and each one's slant, ` +
      `width, height, stroke thickness, ink and position were measured. For the ${w.item} you are looking at:`,
    'atlas-intro': `${w.real} from the test set at the`,
    'export-digit': `${w.item === 'digit' ? 'Digit' : 'Image'} PNG`,
    'play-digits': w.item === 'digit' ? 'digits' : 'classes',
  };
}

// The mixture of classes as a screen reader should say it: "3", or "70 % 3, 30 % 4".
export function mixText(classes, names) {
  const parts = classes.map((w, c) => [Math.round(w * 100), names[c]]).filter(([p]) => p > 0).sort((a, b) => b[0] - a[0]);
  return parts.length === 1 ? parts[0][1] : parts.map(([p, name]) => `${p} % ${name}`).join(', ');
}

// Where style value d of the state sits among the dominant class's styles, and what that looks
// like: { percentile, cls, lean } (lean: the trait that most follows this style value for that
// class, in the direction of the position, or '' when nothing measured follows it closely).
export function styleReading(meta, state, d) {
  const classes = stateClasses(state);
  const cls = classes.indexOf(Math.max(...classes));
  const percentile = Math.round(percentileOf(styleScales(meta)[cls][d], state.style[d]));
  const table = meta.style_meaning?.correlations.per_class[String(cls)]?.[d] ?? {};
  const [trait, r] = Object.entries(table).filter(([t]) => TRAIT_WORDS[t])
    .sort((a, b) => Math.abs(b[1]) - Math.abs(a[1]))[0] ?? [null, 0];
  let lean = '';
  if (Math.abs(r) >= 0.3) {
    if (Math.abs(percentile - 50) <= 5) lean = 'typical';
    else lean = TRAIT_WORDS[trait][(percentile > 50) === (r > 0) ? 0 : 1];
  }
  return { percentile, cls, lean };
}

// "style: 40th percentile of 3s — leans more to the left" (with 2 style values: "style 1: …")
export function styleText(meta, state, d) {
  const { percentile, cls, lean } = styleReading(meta, state, d);
  const name = meta.style_dims > 1 ? `style ${d + 1}` : 'style';
  return `${name}: ${ordinal(Math.max(1, percentile))} percentile of ${plural(meta.class_names[cls])}${lean ? ` — ${lean}` : ''}`;
}
