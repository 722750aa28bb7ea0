// The page's words for the model shown: MNIST has digits and handwriting, Fashion-MNIST has items
// of clothing, and a model has one or two style values. Also what the sliders and the style pad
// announce to a screen reader ("70 % 3, 30 % 4", "style: 40th percentile of 3s — leans more to the
// left"). Pure functions of meta and state, no DOM.
import { NUM_CLASSES, percentileOf, stateClasses, styleScales } from './codes.js';

const DATASETS = {
  mnist: { name: 'Digit Morph', item: 'digit', items: 'digits', shown: 'handwritten digits', Kind: 'Digit', styleOf: 'handwriting style',
    real: 'Real handwriting' },
  fashion_mnist: { name: 'Clothes Morph', item: 'item', items: 'items of clothing', shown: 'items of clothing', Kind: 'Class',
    styleOf: 'style', real: 'Real photographs' },
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
// The same, short enough to name the ends of the 2-D style pad's axes.
const TRAIT_ENDS = {
  slant: ['leans right', 'leans left'], width: ['wider', 'narrower'], height: ['taller', 'shorter'],
  thickness: ['thicker', 'thinner'], ink: ['more ink', 'less ink'], x_offset: ['further right', 'further left'],
  y_offset: ['lower', 'higher'],
};
// |correlation| below this is not worth a word
export const STRONG = 0.3;

export const datasetWords = (meta) => DATASETS[meta.dataset] ?? { ...DATASETS.fashion_mnist, name: 'Image Morph', items: 'images', shown: 'images' };

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
  const n = NUM_CLASSES + k;
  return {
    name: w.name,
    title: `${w.name} — explore an auto-encoder of ${w.items}`,
    tagline: `Slide between ${w.shown}: a neural network draws every step, live in your browser.`,
    kind: w.Kind,
    'how-code': `An auto-encoder squeezes each 28 × 28 image into ${n} numbers: how much it looks like each of the ` +
      `${count(NUM_CLASSES)} ${w.item === 'digit' ? 'digits' : 'classes'}, and ${k === 1 ? 'one number' : `${count(k)} numbers`} ` +
      `of ${w.styleOf}. Its decoder turns any ${n} such numbers back into an image.`,
    'how-page': 'The decoder runs here, in your browser (TensorFlow.js). Every move of a control makes a new code and the ' +
      `decoder draws it: the ${n} bars under the image are that code. The style ${k === 1 ? 'slider' : 'pad'} walks the styles ` +
      `the training ${w.items} of the class on screen really have, from rare to typical to rare.`,
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

// The trait each style value of class `cls` follows, as measured (meta.style_meaning): [{ trait, r }
// or null] per value. With two values each gets a trait of its own: the strongest (value, trait) pair
// first, then the other value's strongest other trait; null where none reaches STRONG.
export function styleTraits(meta, cls) {
  const tables = meta.style_meaning?.correlations.per_class[String(cls)] ?? [];
  const ranked = tables.map((table) => Object.entries(table).filter(([t]) => TRAIT_WORDS[t] && Math.abs(table[t]) >= STRONG)
    .sort((a, b) => Math.abs(b[1]) - Math.abs(a[1])));
  const out = Array.from({ length: meta.style_dims }, () => null);
  const order = ranked.map((list, d) => d).sort((a, b) => Math.abs(ranked[b][0]?.[1] ?? 0) - Math.abs(ranked[a][0]?.[1] ?? 0));
  const taken = new Set();
  for (const d of order) {
    const [trait, r] = ranked[d].find(([t]) => !taken.has(t)) ?? [];
    if (trait) {
      taken.add(trait);
      out[d] = { trait, r };
    }
  }
  return out;
}

const dominant = (state) => {
  const classes = stateClasses(state);
  return classes.indexOf(Math.max(...classes));
};

// Where style value d of the state sits among the dominant class's styles, and what that looks
// like: { percentile, cls, lean } (lean: the trait that follows this style value for that class, in
// the direction of the position; 'typical' near the middle; '' when no measured trait follows it).
export function styleReading(meta, state, d) {
  const cls = dominant(state);
  const percentile = Math.round(percentileOf(styleScales(meta)[cls][d], state.style[d]));
  const follows = styleTraits(meta, cls)[d];
  let lean = '';
  if (follows) {
    if (Math.abs(percentile - 50) <= 5) lean = 'typical';
    else lean = TRAIT_WORDS[follows.trait][(percentile > 50) === (follows.r > 0) ? 0 : 1];
  }
  return { percentile, cls, lean };
}

// "style: 40th percentile of 3s — leans more to the left" (with 2 style values: "style 1: …"), as a screen reader says it
export function styleText(meta, state, d) {
  const { percentile, cls, lean } = styleReading(meta, state, d);
  const name = meta.style_dims > 1 ? `style ${d + 1}` : 'style';
  return `${name}: ${ordinal(Math.max(1, percentile))} percentile of ${plural(meta.class_names[cls])} — ` +
    `${lean || 'changes several traits at once'}`;
}

// What the style looks like, in plain words under its control: "leans more to the left", "typical",
// "style changes several traits at once" (with 2 values: "style 2: wider").
export function styleWords(meta, state, d) {
  const { lean } = styleReading(meta, state, d);
  const name = meta.style_dims > 1 ? `style ${d + 1}` : 'style';
  return lean ? `${meta.style_dims > 1 ? `${name}: ` : ''}${lean}` : `${name} changes several traits at once`;
}

// The ends of style value d's axis for the dominant class: [low, high] ("leans left", "leans right").
export function styleEnds(meta, state, d) {
  const follows = styleTraits(meta, dominant(state))[d];
  if (!follows) return [`lower style ${d + 1}`, `higher style ${d + 1}`];
  const [more, less] = TRAIT_ENDS[follows.trait];
  return follows.r > 0 ? [less, more] : [more, less];
}
