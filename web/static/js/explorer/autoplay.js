// Alive on arrival: on a URL whose hash sets no state, unless motion is reduced or the query says
// ?autoplay=0, the explorer walks the digits 0 -> 9 once, in PLAY_MS, and stays there. The first
// input (a key, a pointer, the wheel) or any navigation stops it sooner. It sets the state as Play
// does and never the URL: main.js leaves the hash alone while it runs.
import { NUM_CLASSES } from './codes.js';

const PLAY_MS = 4500;
const INPUTS = ['keydown', 'pointerdown', 'wheel', 'touchstart'];
const ease = (p) => (1 - Math.cos(Math.PI * p)) / 2;

export class Autoplay {
  // set(patch): sets the explorer as Play does (not as a user's move)
  constructor(set) {
    this.set = set;
    this.running = false;
    this.stop = this.stop.bind(this);
  }

  // query: the URL's search params; shared: what its hash set (share.js parseHash)
  static wanted(query, shared) {
    const setsState = Object.keys(shared.state ?? {}).length > 0 || shared.play !== undefined;
    return query.get('autoplay') !== '0' && !setsState && !matchMedia('(prefers-reduced-motion: reduce)').matches;
  }

  start() {
    this.running = true;
    for (const type of INPUTS) addEventListener(type, this.stop, { capture: true, passive: true });
    let t0 = null;
    const tick = (now) => {
      if (!this.running) return;
      t0 ??= now;
      const p = Math.min(1, (now - t0) / PLAY_MS);
      this.set({ mode: 'walk', digit: ease(p) * (NUM_CLASSES - 1) });
      if (p < 1) requestAnimationFrame(tick);
      else this.stop();
    };
    requestAnimationFrame(tick);
  }

  stop() {
    if (!this.running) return;
    this.running = false;
    for (const type of INPUTS) removeEventListener(type, this.stop, { capture: true });
  }
}
