// The controls: digit walk, from -> to morph, style slider or 2-D pad, and play. They write the
// explorer and Play's settings into the page's state (state.js) and show them.
import { NUM_CLASSES, clamp, phasesOf, playPatch, stateClasses, styleScales, styleValues } from './codes.js';
import { page, setExplorer, subscribe } from './state.js';
import { datasetWords, mixText, styleText } from './words.js';
import { $ } from '../dom.js';


export class Controls {
  // moved(): told when the user sets the explorer or Play (before the change is made)
  constructor({ moved = () => {} } = {}) {
    this.moved = moved;
    this.playRun = 0;
    this.phases = null; // the animation's phases while it plays (codes.js playPatch)
    this.stopped = null; // and where it stopped
    this.reducedMotion = matchMedia('(prefers-reduced-motion: reduce)');
    this.bind();
    subscribe(() => this.render()); // before the rest of the page: the controls show a change before it acts on it
  }

  get state() { return page.explorer; }
  get playing() { return page.play.playing; }

  bind() {
    $('digit-slider').addEventListener('input', (e) => this.take({ mode: 'walk', digit: Number(e.target.value) }));
    // arrows move by 0.01 (every blend); Page Up/Down land on the next whole digit
    $('digit-slider').addEventListener('keydown', (e) => {
      const d = this.state.digit;
      const to = { PageUp: Math.floor(d + 1e-6) + 1, PageDown: Math.ceil(d - 1e-6) - 1 }[e.key];
      if (to === undefined) return;
      e.preventDefault();
      this.take({ mode: 'walk', digit: clamp(to, 0, NUM_CLASSES - 1) });
    });
    $('morph-slider').addEventListener('input', (e) => this.take({ mode: 'pair', t: Number(e.target.value) }));
    $('from').addEventListener('change', (e) => this.take({ mode: 'pair', from: Number(e.target.value) }));
    $('to').addEventListener('change', (e) => this.take({ mode: 'pair', to: Number(e.target.value) }));
    $('style-slider').addEventListener('input', (e) => this.take({ style: [Number(e.target.value)] }));
    $('play').addEventListener('click', () => {
      this.moved();
      this.togglePlay();
    });
    for (const [key, id] of [['what', 'play-what'], ['speed', 'play-speed']]) {
      page.play[key] = $(id).value;
      for (const type of ['input', 'change']) {
        $(id).addEventListener(type, (e) => {
          this.moved();
          page.play[key] = e.target.value;
        });
      }
    }
    this.bindPad($('style-2d'));
  }

  // A 2-D style pad: drag with mouse, pen or touch. By keyboard, as a slider would: arrows move by
  // 2% (10% with Shift), Home/End go to the left/right edge, Page Up/Down to the top/bottom.
  bindPad(pad) {
    const fromEvent = (e) => {
      const r = pad.getBoundingClientRect();
      this.take({ style: [clamp((e.clientX - r.left) / r.width, 0, 1), clamp(1 - (e.clientY - r.top) / r.height, 0, 1)] });
    };
    pad.addEventListener('pointerdown', (e) => {
      pad.setPointerCapture(e.pointerId);
      fromEvent(e);
    });
    pad.addEventListener('pointermove', (e) => {
      if (pad.hasPointerCapture(e.pointerId)) fromEvent(e);
    });
    pad.addEventListener('keydown', (e) => {
      const [x, y] = this.state.style;
      const step = e.shiftKey ? 0.1 : 0.02;
      const to = {
        ArrowLeft: [x - step, y], ArrowRight: [x + step, y], ArrowDown: [x, y - step], ArrowUp: [x, y + step],
        Home: [0, y], End: [1, y], PageUp: [x, 1], PageDown: [x, 0],
      }[e.key];
      if (!to) return;
      e.preventDefault();
      this.take({ style: to.map((v) => clamp(v, 0, 1)) });
    });
  }

  // Adapt the controls to a model: class names, one style slider or the 2-D pad.
  // (At start-up this runs before the model's load begins, when page.model is still null.)
  setModel(meta) {
    for (const id of ['from', 'to']) {
      const select = $(id);
      select.replaceChildren(...meta.class_names.map((name, i) => new Option(name, String(i))));
    }
    const names = meta.class_names;
    const { Kind } = datasetWords(meta);
    document.querySelector('#walk-box legend').textContent = Kind;
    $('digit-slider').setAttribute('aria-label', `${Kind}, ${names[0]} to ${names[names.length - 1]}`);
    const ticks = document.querySelector('#walk-box .ticks');
    ticks.classList.toggle('long-names', names.some((n) => n.length > 2));
    ticks.replaceChildren(...names.map((name) => Object.assign(document.createElement('span'), { textContent: name })));
    const twoD = meta.style_dims === 2;
    $('style-1d').hidden = twoD;
    $('style-2d-box').hidden = !twoD;
    $('style-2d-out').hidden = !twoD;
    const style = Array.from({ length: meta.style_dims }, (_, d) => this.state.style[d] ?? 0.5);
    this.set({ style });
    if (meta !== page.model) this.render(meta);
  }

  // The user moves a control: Play stops, else the next frame of the animation would undo the move.
  take(patch) {
    this.moved();
    this.togglePlay(false);
    this.set(patch);
  }

  set(patch) {
    setExplorer(patch);
  }

  // Play's settings, as a shared link sets them
  setPlay({ what, speed }) {
    if (what) page.play.what = $('play-what').value = what;
    if (speed) page.play.speed = $('play-speed').value = speed;
  }

  // Reflect the state in every control (a control the user is dragging already shows it).
  render(meta = page.model) {
    const s = this.state;
    $('digit-slider').value = String(s.digit);
    $('morph-slider').value = String(s.t);
    $('from').value = String(s.from);
    $('to').value = String(s.to);
    $('walk-box').classList.toggle('active', s.mode === 'walk');
    $('pair-box').classList.toggle('active', s.mode === 'pair');
    if (!meta) return;
    // what a screen reader says for each control: the classes in the mix, where the style sits
    const names = meta.class_names;
    const walk = mixText(stateClasses({ mode: 'walk', digit: s.digit }), names);
    $('digit-slider').setAttribute('aria-valuetext', walk);
    $('digit-out').value = walk;
    $('morph-slider').setAttribute('aria-valuetext', mixText(stateClasses({ ...s, mode: 'pair' }), names));
    const real = styleValues(s.style, styleScales(meta), stateClasses(s));
    const said = real.map((_, d) => styleText(meta, s, d));
    const slider = $('style-slider');
    slider.value = String(s.style[0]);
    slider.setAttribute('aria-valuetext', said[0]);
    $('style-out').value = `${real[0].toFixed(2)} · ${said[0].replace(/^style: /, '')}`;
    const pad = $('style-2d');
    if (s.style.length === 2) {
      const dot = pad.querySelector('.dot');
      dot.style.setProperty('--x', s.style[0].toFixed(4));
      dot.style.setProperty('--y', (1 - s.style[1]).toFixed(4));
      // a slider has one value: the horizontal position; the text says both
      pad.setAttribute('aria-valuenow', String(Math.round(s.style[0] * 100)));
      pad.setAttribute('aria-valuetext', said.join('; '));
      // the readout under the pad: each value in the model's units and where it sits
      const lines = $('style-2d-out').children;
      said.forEach((text, d) => { lines[d].textContent = text.replace(/^(style \d): /, `$1: ${real[d].toFixed(2)} · `); });
    }
  }

  // Play: digits walk 0 -> 9 -> 0 (or the pair morphs back and forth), style sweeps low -> high,
  // going on from where the explorer is. With reduced motion the animation moves in visible steps
  // instead of gliding, each landing on a whole digit.
  togglePlay(on = !this.playing) {
    if (on === page.play.playing) return;
    page.play.playing = on;
    // the button names what it does next (not a toggle whose name must stay "Play" while it pauses)
    $('play').textContent = on ? 'Pause' : 'Play';
    $('play').classList.toggle('playing', on);
    const run = ++this.playRun; // a quick pause and play must not leave two animation loops
    if (!on) {
      this.stopped = this.phases;
      return;
    }
    this.phases = this.resumePhases();
    let last = performance.now();
    const tick = (now) => {
      if (!page.play.playing || run !== this.playRun) return;
      if (this.phases.style.length !== this.state.style.length) this.phases = this.resumePhases(); // another model
      const speed = Number(page.play.speed);
      const what = page.play.what;
      const steps = 2 * (NUM_CLASSES - 1); // whole digits in a cycle (there and back)
      let dp; // phase of the digits to go on by; the style goes three times as fast
      if (this.reducedMotion.matches) {
        if (now - last < STEP_MS / speed) return requestAnimationFrame(tick);
        dp = what === 'style' ? 1 / steps : (Math.floor(this.phases.digit * steps + 1e-6) + 1) / steps - this.phases.digit;
      } else {
        dp = Math.min(0.1, (now - last) / 1000) * speed * 0.1; // one full cycle in 10 s at 1x
      }
      last = now;
      const { digit, style } = this.phases; // only the animated values move on
      this.phases = {
        digit: what === 'style' ? digit : digit + dp,
        style: what === 'digit' ? style : style.map((p) => p + 3 * dp),
      };
      this.set(playPatch(this.state, this.phases, what));
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  }

  // Where Play goes on from: for each animated value, the phase Play stopped at if the value is
  // still there (so it keeps its direction), else the phase that shows the value as it is now.
  resumePhases() {
    const fresh = phasesOf(this.state);
    const old = this.stopped;
    if (!old) return fresh;
    const at = playPatch(this.state, old, 'both');
    const near = (a, b) => Math.abs(a - b) < 1e-9;
    const pair = this.state.mode === 'pair';
    return {
      digit: near(pair ? at.t : at.digit, pair ? this.state.t : this.state.digit) ? old.digit : fresh.digit,
      style: fresh.style.map((p, d) => (near(at.style[d], this.state.style[d]) ? old.style[d] : p)),
    };
  }
}

// With reduced motion: one whole digit per step, at the pace the glide has at 1x (1.8 digits a second).
const STEP_MS = 1000 / 1.8;
