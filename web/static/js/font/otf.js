// The glyphs (glyphs.js) as an OpenType font file (CFF outlines), made by opentype.js: '0'-'9' map to
// the ten glyphs, with .notdef and a space. Loaded only when a font is made.
import { Font, Glyph, Path } from 'opentype.js/dist/opentype.mjs';
import { ASCENT, DESCENT, EM, SPACE } from './glyphs.js';

const NAMES = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];

function pathOf(glyph) {
  const path = new Path();
  for (const chain of glyph.contours) {
    path.moveTo(...chain[0][0]);
    for (const [, a, b, end] of chain) path.curveTo(...a, ...b, ...end);
    path.close();
  }
  return path;
}

// glyphs: ten of them, for '0' to '9'; family: the font's name -> the .otf file's bytes (an ArrayBuffer)
export function fontFile(glyphs, family) {
  const font = new Font({
    familyName: family,
    styleName: 'Regular',
    postScriptName: `${family.replace(/[^A-Za-z0-9]+/g, '')}-Regular`.slice(0, 63),
    designer: 'Digit Morph (a decoder drawing in your browser)',
    weightClass: 400,
    unitsPerEm: EM,
    ascender: ASCENT,
    descender: -DESCENT,
    glyphs: [
      new Glyph({ name: '.notdef', advanceWidth: EM / 2, path: new Path() }),
      new Glyph({ name: 'space', unicode: 32, advanceWidth: SPACE, path: new Path() }),
      ...glyphs.map((g, d) => new Glyph({ name: NAMES[d], unicode: 48 + d, advanceWidth: g.advance, path: pathOf(g) })),
    ],
  });
  return font.toArrayBuffer();
}
