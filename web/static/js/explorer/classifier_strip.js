// The reader's strip on its canvas (classifier.js makes the strip): P(a), P(b) and P(anything else)
// over t, with a marker at the current t when the explorer is on that morph. The canvas's size and
// the theme's colours are read once, and again after a resize or a change of colour scheme: reading
// them every frame would make the browser lay out and style the page anew.
import { onColourScheme } from '../dom.js';

export class StripCanvas {
  // redraw(): draws the strip again, called when the size or the colours change
  constructor(canvas, redraw) {
    this.canvas = canvas;
    this.looks = null;
    const forget = () => { this.looks = null; redraw(); };
    new ResizeObserver(forget).observe(canvas);
    onColourScheme(forget);
  }

  look() {
    if (!this.looks) {
      const ratio = window.devicePixelRatio || 1;
      const css = getComputedStyle(document.body);
      const colour = (name) => css.getPropertyValue(name).trim();
      this.looks = {
        ratio, w: Math.max(1, Math.round(this.canvas.clientWidth * ratio)), h: Math.max(1, Math.round(this.canvas.clientHeight * ratio)),
        muted: colour('--muted'), accent: colour('--accent'), accent2: colour('--accent-2'), text: colour('--text'),
      };
    }
    return this.looks;
  }

  // strip: { ts, probs, pa, pb, other, text } or null (not made yet); marker: the current t on
  // this strip's morph, or null when the explorer is on another
  draw(strip, marker) {
    const { canvas } = this;
    const look = this.look();
    const { ratio, w, h } = look;
    if (canvas.width !== w || canvas.height !== h) [canvas.width, canvas.height] = [w, h];
    const ctx = canvas.getContext('2d');
    ctx.clearRect(0, 0, w, h);
    if (!strip?.probs) {
      canvas.setAttribute('aria-label', strip ? strip.text : 'The reader along the morph: not made yet');
      return;
    }
    // (the grid lines at 0, 0.5 and 1 are the canvas's CSS background: there from the first paint)
    const pad = 4 * ratio;
    const x = (t) => pad + t * (w - 2 * pad);
    const y = (p) => h - pad - p * (h - 2 * pad);
    const line = (values, col, dash) => {
      ctx.strokeStyle = col;
      ctx.lineWidth = 2 * ratio;
      ctx.setLineDash(dash.map((d) => d * ratio));
      ctx.beginPath();
      values.forEach((p, i) => (i ? ctx.lineTo(x(strip.ts[i]), y(p)) : ctx.moveTo(x(strip.ts[i]), y(p))));
      ctx.stroke();
      ctx.setLineDash([]);
    };
    line(strip.other, look.muted, [3, 3]);
    line(strip.pa, look.accent, []);
    line(strip.pb, look.accent2, []);
    if (marker != null) {
      ctx.strokeStyle = look.text;
      ctx.lineWidth = 2 * ratio;
      ctx.beginPath();
      ctx.moveTo(x(marker), 0);
      ctx.lineTo(x(marker), h);
      ctx.stroke();
    }
    // (to a tenth of t: the attribute changes a few times along a morph, not every frame)
    const label = `${strip.text}${marker != null ? ` Now at t = ${marker.toFixed(1)}.` : ''}`;
    if (canvas.getAttribute('aria-label') !== label) canvas.setAttribute('aria-label', label);
  }
}
