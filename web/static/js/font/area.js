// "Your handwriting as a font" (index.html's #font-box): the ten classes decoded in one style and traced
// into glyphs (glyphs.js), the typed text drawn from their paths, redrawn while the style moves (one
// build at a time, the newest style next); "Download font" makes the .otf (otf.js, loaded then), saves
// it and loads it into the page with FontFace (the CSP allows no blob: or data: font), for the text box.
// What it needs of the page comes in start.js's host: it imports no module of the first load.
import { EM, HEIGHT, SPACE, glyphsOf, pathData, svgFile } from './glyphs.js';
import { drawingFont, explorerFont, fileName, fontWords, layoutLine } from './source.js';

const $ = (id) => document.getElementById(id);
const FALLBACK = 'system-ui, sans-serif'; // for what the font lacks (anything but 0-9 and space)
const SAY_MS = 1500; // the status, a live region, speaks at most this often (a dragged style makes many fonts)

// bytes -> base64, for the API (tests read the font's bytes through it)
function base64(buffer) {
  const bytes = new Uint8Array(buffer);
  let text = '';
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text);
}

export class FontArea {
  // host: start.js's (the page's state, its decoder and helpers)
  constructor(host) {
    this.host = host;
    this.shown = null; // { key, meta, family, codes, images, glyphs, ms } of the glyphs drawn
    this.dirty = false; // a newer style waits for a build
    this.running = null; // the build loop's promise while it runs
    this.face = null; // the FontFace the text box uses
    this.visible = false;
    this.said = { at: -Infinity, timer: 0 };
    this.failure = null; // why the last build failed, if it did
    $('font-text').addEventListener('input', () => this.paint());
    $('font-source').addEventListener('change', () => this.request());
    $('font-otf').addEventListener('click', () => this.saveFont().catch((e) => this.say(`The font could not be made: ${e.message}`)));
    $('font-svg').addEventListener('click', () => this.saveSvg().catch((e) => this.say(`The SVG could not be made: ${e.message}`)));
    host.subscribe(() => { if (this.visible && $('font-source').value === 'explorer') this.request(); });
    host.onColourScheme(() => setTimeout(() => this.paint(), 0));
    addEventListener('resize', () => this.paint());
    // drawn only while on screen: a style played or dragged far above costs the page nothing
    new IntersectionObserver((entries) => {
      this.visible = entries.some((e) => e.isIntersecting);
      if (this.visible) this.request();
    }, { rootMargin: '300px 0px' }).observe($('font-box'));
    this.modelChanged();
  }

  say(text) {
    clearTimeout(this.said.timer);
    const wait = this.said.at + SAY_MS - performance.now();
    if (wait > 0) {
      this.said.timer = setTimeout(() => this.say(text), wait);
      return;
    }
    this.said.at = performance.now();
    $('font-status').textContent = text;
  }

  // what the source menu asks for now: { key, meta, codes, family }, or null before a model
  wanted() {
    const { page, row } = this.host;
    const meta = page.model;
    if (!meta) return null;
    const shownRow = row();
    if ($('font-source').value === 'drawing' && shownRow?.model === meta.name) return { ...drawingFont(this.host, meta, shownRow), meta, drawn: true };
    return { ...explorerFont(this.host, meta, page.explorer.style), meta };
  }

  // Build the glyphs of the newest style asked for; resolves once no newer one waits.
  request() {
    this.dirty = true;
    this.running ??= this.loop().finally(() => { this.running = null; });
    return this.running;
  }

  async loop() {
    while (this.dirty) {
      this.dirty = false;
      const wanted = this.wanted();
      if (!wanted || wanted.key === this.shown?.key) continue;
      try {
        const decoder = await this.host.decoderReady();
        const t0 = performance.now();
        const images = await decoder.decode(wanted.codes);
        if (wanted.meta !== this.host.page.model) { // another model came meanwhile: its own style next
          this.dirty = true;
          continue;
        }
        const glyphs = glyphsOf(images, this.host.count, this.host.side);
        this.shown = { ...wanted, images, glyphs, ms: performance.now() - t0 };
        this.host.builds++;
        this.failure = null;
        this.paint();
        $('font-otf').disabled = $('font-svg').disabled = false;
        const { item } = this.host.datasetWords(wanted.meta);
        const from = wanted.drawn ? `the row “Your style on every ${item === 'digit' ? 'digit' : 'class'}” wrote` : 'this style';
        this.say(`“${wanted.family}”: ten ${item === 'digit' ? 'digits' : 'clothing icons'} decoded in ${from} and ` +
          'traced where the ink crosses half its full strength.');
      } catch (e) {
        this.failure = `The font could not be drawn: ${e.message}`;
        this.say(this.failure);
      }
    }
  }

  // The typed text, drawn from the glyphs' paths; other characters in the page's font.
  paint() {
    const canvas = $('font-line');
    const ratio = devicePixelRatio || 1;
    canvas.width = Math.round(canvas.clientWidth * ratio);
    canvas.height = Math.round(canvas.clientHeight * ratio);
    const ctx = canvas.getContext('2d');
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    const text = $('font-text').value;
    if (!this.shown) return;
    const fit = (canvas.height * 0.62) / HEIGHT; // pixels per font unit, when the line fits
    ctx.font = `${EM * fit}px ${FALLBACK}`;
    const line = layoutLine(text, this.shown.glyphs, SPACE, (c) => ctx.measureText(c).width / fit);
    const pad = canvas.height * 0.1;
    const scale = Math.min(fit, (canvas.width - 2 * pad) / Math.max(line.width, 1));
    const baseline = (canvas.height + HEIGHT * scale) / 2; // the digits' ink in the middle
    ctx.font = `${EM * scale}px ${FALLBACK}`;
    ctx.fillStyle = `rgb(${this.host.page.colours.ink.join(',')})`;
    for (const item of line.items) {
      const x = pad + item.x * scale;
      if (item.char) ctx.fillText(item.char, x, baseline);
      else ctx.fill(new Path2D(pathData(this.shown.glyphs[item.index], x, baseline, scale)));
    }
    canvas.setAttribute('aria-label', text ? `${text}, written in the font “${this.shown.family}”` : 'Nothing typed yet');
  }

  // The .otf of the glyphs shown, loaded into the page for the text box -> { bytes, family, file, ms }
  async makeFont() {
    if (!this.shown) throw new Error('no glyphs yet');
    const shown = this.shown;
    const { fontFile } = await import('./otf.js');
    const t0 = performance.now();
    const bytes = fontFile(shown.glyphs, shown.family);
    const ms = performance.now() - t0;
    const face = new FontFace(shown.family, bytes);
    await face.load();
    document.fonts.add(face);
    if (this.face && this.face !== face) document.fonts.delete(this.face);
    this.face = face;
    $('font-text').style.fontFamily = `"${shown.family}", ${FALLBACK}`;
    return { bytes, family: shown.family, file: fileName(shown.family, 'otf'), ms };
  }

  async saveFont() {
    const font = await this.makeFont();
    this.host.download(new Blob([font.bytes], { type: 'font/otf' }), font.file);
    this.say(`${font.file} saved; the text box now types in it.`);
  }

  // The explorer's image on screen, traced, as an SVG file.
  async saveSvg() {
    const { page, side } = this.host;
    const meta = page.model;
    const decoder = await this.host.decoderReady();
    const images = await decoder.decode([this.host.stateCode(page.explorer, this.host.styleScales(meta))]);
    const [glyph] = glyphsOf(images, 1, side);
    const name = `${explorerFont(this.host, meta, page.explorer.style).family} at ${page.explorer.digit.toFixed(2)}`;
    this.host.download(new Blob([svgFile(glyph, name)], { type: 'image/svg+xml' }), fileName(name, 'svg'));
    this.say(`${fileName(name, 'svg')} saved.`);
  }

  // stylerow.js: the row appeared, changed or went
  rowChanged() {
    const row = this.host.row();
    const option = $('font-from-drawing');
    option.disabled = !(row && row.model === this.host.page.model?.name);
    if (option.disabled && $('font-source').value === 'drawing') $('font-source').value = 'explorer';
    if (this.visible) this.request();
  }

  // the model changed: its words (fashion: clothing icons), then its glyphs
  modelChanged() {
    const meta = this.host.page.model;
    if (meta) for (const [id, text] of Object.entries(fontWords(this.host, meta))) $(id).textContent = text;
    this.rowChanged();
    this.request();
  }

  // window.digitMorph.font.build(source): the font of 'explorer' or 'drawing', made and loaded as
  // Download does -> { family, file, otf (base64), images (the ten decoded), decodeMs, fileMs }
  async build(source) {
    if (source === 'drawing' && $('font-from-drawing').disabled) {
      throw new Error('no drawing row: draw, then "Your style on every digit"');
    }
    $('font-source').value = source;
    await this.request();
    while (this.running) await this.running;
    if (this.wanted()?.key !== this.shown?.key) throw new Error(this.failure ?? 'the font was not drawn');
    const font = await this.makeFont();
    return { family: font.family, file: font.file, otf: base64(font.bytes), images: Array.from(this.shown.images),
      decodeMs: this.shown.ms, fileMs: font.ms };
  }
}
