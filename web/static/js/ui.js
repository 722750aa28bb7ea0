// The controls: digit walk, from -> to morph, style slider or 2-D pad, and play.
// The state lives here; `onChange` is called whenever it changes, from any control.
import { clamp, percentileOf, playPatch, stateClasses, styleScales, styleValues } from './codes.js';

const $ = (id) => document.getElementById(id);

export class Controls {
  constructor(onChange) {
    this.onChange = onChange;
    // style is kept in [0, 1] per dimension: how far through the current digit's own range.
    this.state = { mode: 'walk', digit: 0, from: 1, to: 7, t: 0, style: [0.5] };
    this.meta = null;
    this.playing = false;
    this.reducedMotion = matchMedia('(prefers-reduced-motion: reduce)');
    this.bind();
  }

  bind() {
    $('digit-slider').addEventListener('input', (e) => this.set({ mode: 'walk', digit: Number(e.target.value) }));
    $('morph-slider').addEventListener('input', (e) => this.set({ mode: 'pair', t: Number(e.target.value) }));
    $('from').addEventListener('change', (e) => this.set({ mode: 'pair', from: Number(e.target.value) }));
    $('to').addEventListener('change', (e) => this.set({ mode: 'pair', to: Number(e.target.value) }));
    $('style-slider').addEventListener('input', (e) => this.set({ style: [Number(e.target.value)] }));
    $('play').addEventListener('click', () => this.togglePlay());
    this.bindPad($('style-2d'));
  }

  // A 2-D style pad: drag with mouse, pen or touch; arrow keys move by 2% (10% with Shift).
  bindPad(pad) {
    const fromEvent = (e) => {
      const r = pad.getBoundingClientRect();
      this.set({ style: [clamp((e.clientX - r.left) / r.width, 0, 1), clamp(1 - (e.clientY - r.top) / r.height, 0, 1)] });
    };
    pad.addEventListener('pointerdown', (e) => {
      pad.setPointerCapture(e.pointerId);
      fromEvent(e);
    });
    pad.addEventListener('pointermove', (e) => {
      if (pad.hasPointerCapture(e.pointerId)) fromEvent(e);
    });
    pad.addEventListener('keydown', (e) => {
      const step = e.shiftKey ? 0.1 : 0.02;
      const move = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowDown: [0, -step], ArrowUp: [0, step] }[e.key];
      if (!move) return;
      e.preventDefault();
      const [x, y] = this.state.style;
      this.set({ style: [clamp(x + move[0], 0, 1), clamp(y + move[1], 0, 1)] });
    });
  }

  // Adapt the controls to a model: class names, one style slider or the 2-D pad.
  setModel(meta) {
    this.meta = meta;
    for (const id of ['from', 'to']) {
      const select = $(id);
      select.replaceChildren(...meta.class_names.map((name, i) => new Option(name, String(i))));
    }
    document.querySelector('#walk-box legend').textContent = meta.dataset === 'mnist' ? 'Digit' : 'Class';
    const ticks = document.querySelector('#walk-box .ticks');
    ticks.replaceChildren(...meta.class_names.map((name) => Object.assign(document.createElement('span'), { textContent: name.split(/[ /]/)[0] })));
    const twoD = meta.style_dims === 2;
    $('style-1d').hidden = twoD;
    $('style-2d').hidden = !twoD;
    const style = Array.from({ length: meta.style_dims }, (_, d) => this.state.style[d] ?? 0.5);
    this.set({ style });
  }

  set(patch) {
    Object.assign(this.state, patch);
    this.render();
    this.onChange(this.state);
  }

  // Reflect the state in every control (a control the user is dragging already shows it).
  render() {
    const s = this.state;
    $('digit-slider').value = String(s.digit);
    $('digit-out').value = s.digit.toFixed(2);
    $('morph-slider').value = String(s.t);
    $('from').value = String(s.from);
    $('to').value = String(s.to);
    $('walk-box').classList.toggle('active', s.mode === 'walk');
    $('pair-box').classList.toggle('active', s.mode === 'pair');
    if (!this.meta) return;
    const scales = styleScales(this.meta);
    const classes = stateClasses(s);
    const real = styleValues(s.style, scales, classes);
    const slider = $('style-slider');
    slider.value = String(s.style[0]);
    slider.setAttribute('aria-valuetext', `style ${real[0].toFixed(2)}`);
    const percentile = percentileOf(scales[classes.indexOf(Math.max(...classes))][0], s.style[0]);
    $('style-out').value = `${real[0].toFixed(2)} (percentile ${Math.round(percentile)} of this digit's styles)`;
    const pad = $('style-2d');
    if (s.style.length === 2) {
      const dot = pad.querySelector('.dot');
      dot.style.setProperty('--x', s.style[0].toFixed(4));
      dot.style.setProperty('--y', (1 - s.style[1]).toFixed(4));
      pad.setAttribute('aria-valuetext', `style 1 ${real[0].toFixed(2)}, style 2 ${real[1].toFixed(2)}`);
    }
  }

  // Play: digits walk 0 -> 9 -> 0 (or the pair morphs back and forth), style sweeps low -> high.
  // With reduced motion the animation moves in visible steps, twice a second, instead of gliding.
  togglePlay(on = !this.playing) {
    if (on === this.playing) return;
    this.playing = on;
    $('play').setAttribute('aria-pressed', String(on)); // a toggle button: its name stays "Play"
    if (!on) return;
    let last = performance.now();
    let phase = 0;
    const tick = (now) => {
      if (!this.playing) return;
      const reduced = this.reducedMotion.matches;
      const dt = Math.min(0.1, (now - last) / 1000);
      if (reduced && now - last < 500) return requestAnimationFrame(tick);
      last = now;
      const speed = Number($('play-speed').value);
      phase += (reduced ? 0.5 : dt) * speed * 0.1; // one full cycle in 10 s at 1x
      this.advance(phase, $('play-what').value);
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  }

  advance(phase, what) {
    this.set(playPatch(this.state, phase, what));
  }
}
