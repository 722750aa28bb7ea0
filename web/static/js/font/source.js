// Which ten codes a font is drawn from, its name and its words: the explorer's style (every class at
// the style sliders' or pad's position within its own range), or a drawing's (the row of "Your style on
// every digit", stylerow.js). Pure functions; `tools` are explorer/codes.js's and words.js's (start.js's
// host passes them: the font's chunk imports no module of the first load).

// a font's file name from its family name: "Digit Morph mnist style 0.50" -> "digit-morph-mnist-style-0.50.otf"
export const fileName = (family, ext) => `${family.toLowerCase().replace(/[^a-z0-9.]+/g, '-').replace(/^-|-$/g, '')}.${ext}`;

// style: the explorer's positions in [0, 1], one per style value (missing ones: the middle)
export function explorerFont(tools, meta, style) {
  const scales = tools.styleScales(meta);
  const at = Array.from({ length: meta.style_dims }, (_, d) => style[d] ?? 0.5);
  const codes = meta.class_names.map((_, c) => {
    const classes = tools.morphClasses(c, c, 0);
    return tools.code(classes, tools.styleValues(at, scales, classes));
  });
  const family = `${tools.datasetWords(meta).name} ${meta.name} style ${at.map((u) => u.toFixed(2)).join(' ')}`;
  return { key: `${meta.name}:${at.join(',')}`, codes, family };
}

// row: stylerow.js's row ({ model, cls, codes, levels })
export function drawingFont(tools, meta, row) {
  const family = `${tools.datasetWords(meta).name} ${meta.name} style of your ${meta.class_names[row.cls]}`;
  return { key: `${meta.name}:drawing:${row.levels.join(',')}:${row.cls}`, codes: row.codes.map((c) => Float32Array.from(c)), family };
}

// The part's words for the model's dataset, by element id (index.html has the words for any dataset).
export function fontWords(tools, meta) {
  const digits = tools.datasetWords(meta).item === 'digit';
  const keys = meta.class_names.map((name, c) => `${c} ${name}`).join(', ');
  return {
    'font-title': digits ? 'Your handwriting as a font' : 'A style as a font of ten clothing icons',
    'font-lead': digits
      ? 'The style becomes a real font: the decoder draws the ten digits in it, traced here into curves. Type with it, and download it.'
      : `Not letters: a “font” of ten clothing icons, one per key from 0 to 9 (${keys}), drawn by the decoder in one style and traced into curves.`,
    'font-svg': `Download SVG of the ${digits ? 'digit' : 'image'} on screen`,
  };
}

// A line of text in the font: [{ index, x }] for the characters '0'-'9' (index: the class), [{ char, x }]
// for any other (drawn in the page's own font; measure(char) gives its width in font units), spaces
// `space` wide. -> { items, width } in font units.
export function layoutLine(text, glyphs, space, measure) {
  const items = [];
  let x = 0;
  for (const char of text) {
    const index = '0123456789'.indexOf(char);
    if (index >= 0 && index < glyphs.length) {
      items.push({ index, x });
      x += glyphs[index].advance;
    } else if (char === ' ') {
      x += space;
    } else {
      items.push({ char, x });
      x += measure(char);
    }
  }
  return { items, width: x };
}
