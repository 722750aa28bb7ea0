// The controls: digit walk, from -> to morph, style slider or 2-D pad, and play. They write the
// explorer and Play's settings into the page's state (state.js) and show them: the walk and the morph
// show the same image (codes.js oneState), the one that did not set it greyed ("yields").
import { NUM_CLASSES, clamp, phasesOf, playPatch, stateClasses } from './codes.js';
import { page, setExplorer, subscribe } from './state.js';
import { datasetWords, mixText, styleEnds, styleText, styleWords } from './words.js';
import { $ } from '../dom.js';

const ARROWS = { ArrowRight: 1, ArrowUp: 1, ArrowLeft: -1, ArrowDown: -1 };
// An arrow moves a tenth of a digit (the morph: a tenth of the way), the style a twentieth of its range;
// Shift+arrow the slider's own fine step, which dragging uses too.
const ARROW_STEPS = { 'digit-slider': 0.1, 'morph-slider': 0.1, 'style-slider': 0.05 };
const PAD_STEPS = { coarse: 0.05, fine: 0.02 };

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
    // Page Up/Down land on the next whole digit
    $('digit-slider').addEventListener('keydown', (e) => {
      const d = this.state.digit;
      const to = { PageUp: Math.floor(d + 1e-6) + 1, PageDown: Math.ceil(d - 1e-6) - 1 }[e.key];
      if (to === undefined) return;
      e.preventDefault();
      this.take({ mode: 'walk', digit: clamp(to, 0, NUM_CLASSES - 1) });
    });
    $('morph-slider').addEventListener('input', (e) => this.take({ mode: 'pair', t: Number(e.target.value) }));
    // the pickers are the morph's ends: picking one shows it
    $('from').addEventListener('change', (e) => this.take({ mode: 'pair', from: Number(e.target.value), t: 0 }));
    $('to').addEventListener('change', (e) => this.take({ mode: 'pair', to: Number(e.target.value), t: 1 }));
    $('style-slider').addEventListener('input', (e) => this.take({ style: [Number(e.target.value)] }));
    for (const [id, step] of Object.entries(ARROW_STEPS)) this.stepByArrows($(id), step);
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

  // The arrows move a slider by `step` (Shift: by its own fine step), as an input event would.
  stepByArrows(slider, step) {
    slider.addEventListener('keydown', (e) => {
      const dir = ARROWS[e.key];
      if (!dir || e.altKey || e.ctrlKey || e.metaKey) return;
      e.preventDefault();
      const before = slider.value;
      slider.value = String(Number(before) + dir * (e.shiftKey ? Number(slider.step) : step)); // (the browser clamps and rounds it)
      if (slider.value === before) return;
      slider.dispatchEvent(new Event('input', { bubbles: true })); // (as the browser's own step would)
    });
  }

  // A 2-D style pad: drag with mouse, pen or touch. By keyboard, as a slider would: arrows move by
  // 5% (2% with Shift), Home/End go to the left/right edge, Page Up/Down to the top/bottom.
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
      const step = e.shiftKey ? PAD_STEPS.fine : PAD_STEPS.coarse;
      const to = {
        ArrowLeft: [x - step, y], ArrowRight: [x + step, y], ArrowDown: [x, y - step], ArrowUp: [x, y + step],
        Home: [0, y], End: [1, y], PageUp: [x, 1], PageDown: [x, 0],
      }[e.key];
      if (!to) return;
      e.preventDefault();
      this.take({ style: to.map((v) => clamp(Math.round(v * 1e6) / 1e6, 0, 1)) });
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
    $('digit-slider').setAttribute('aria-label', `${datasetWords(meta).Kind}, ${names[0]} to ${names[names.length - 1]}`);
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
    for (const [id, mine] of [['walk-box', s.mode === 'walk'], ['pair-box', s.mode === 'pair']]) {
      $(id).classList.toggle('active', mine);
      $(id).classList.toggle('yields', !mine);
    }
    if (!meta) return;
    // what a screen reader says for each control: the classes in the mix, where the style sits
    const names = meta.class_names;
    const mix = mixText(stateClasses(s), names);
    $('digit-slider').setAttribute('aria-valuetext', mix);
    $('digit-out').value = mix;
    $('morph-slider').setAttribute('aria-valuetext', mix);
    const said = s.style.map((_, d) => styleText(meta, s, d));
    const words = s.style.map((_, d) => styleWords(meta, s, d));
    const slider = $('style-slider');
    slider.value = String(s.style[0]);
    slider.setAttribute('aria-valuetext', said[0]);
    $('style-out').value = words[0];
    const pad = $('style-2d');
    if (s.style.length === 2) {
      const dot = pad.querySelector('.dot');
      dot.style.setProperty('--x', s.style[0].toFixed(4));
      dot.style.setProperty('--y', (1 - s.style[1]).toFixed(4));
      // a slider has one value: the horizontal position; the text says both
      pad.setAttribute('aria-valuenow', String(Math.round(s.style[0] * 100)));
      pad.setAttribute('aria-valuetext', said.join('; '));
      // the readout under the pad, and each axis's ends named by what that value changes most
      const lines = $('style-2d-out').children;
      words.forEach((text, d) => { lines[d].textContent = text; });
      for (const [d, axis] of [[0, '.axis.x'], [1, '.axis.y']]) {
        const ends = styleEnds(meta, s, d);
        document.querySelectorAll(`#style-2d-box ${axis} > span`).forEach((span, i) => {
          if (span.textContent !== ends[i]) span.textContent = ends[i];
        });
      }
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
