// A drawing pad: mouse, pen and touch draw round strokes; strokes can be undone or cleared.
// The canvas's alpha channel is the ink (read by preprocess.js); CSS colours show it.

export class Sketch {
  constructor(canvas, onChange) {
    this.canvas = canvas;
    this.ctx = canvas.getContext('2d', { willReadFrequently: true });
    this.onChange = onChange;
    this.strokes = [];
    this.current = null;
    canvas.addEventListener('pointerdown', (e) => {
      canvas.setPointerCapture(e.pointerId);
      this.current = [this.point(e)];
      this.strokes.push(this.current);
      this.redraw();
    });
    canvas.addEventListener('pointermove', (e) => {
      if (!this.current || !canvas.hasPointerCapture(e.pointerId)) return;
      for (const ev of e.getCoalescedEvents?.() ?? [e]) this.current.push(this.point(ev));
      this.redraw();
    });
    const end = () => {
      if (!this.current) return;
      this.current = null;
      this.onChange();
    };
    canvas.addEventListener('pointerup', end);
    canvas.addEventListener('pointercancel', end);
  }

  point(e) {
    const r = this.canvas.getBoundingClientRect();
    return [((e.clientX - r.left) / r.width) * this.canvas.width, ((e.clientY - r.top) / r.height) * this.canvas.height];
  }

  redraw() {
    const { ctx, canvas } = this;
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    if (this.image) ctx.putImageData(this.image, 0, 0);
    ctx.lineWidth = canvas.width / 14; // about MNIST's stroke once scaled to 20 px
    ctx.lineCap = ctx.lineJoin = 'round';
    ctx.strokeStyle = '#000';
    for (const stroke of this.strokes) {
      ctx.beginPath();
      ctx.moveTo(...stroke[0]);
      for (const p of stroke.slice(1)) ctx.lineTo(...p);
      if (stroke.length === 1) ctx.lineTo(stroke[0][0] + 0.1, stroke[0][1]);
      ctx.stroke();
    }
  }

  undo() {
    if (this.strokes.length) this.strokes.pop();
    else this.image = null;
    this.redraw();
    this.onChange();
  }

  clear() {
    this.strokes = [];
    this.image = null;
    this.redraw();
    this.onChange();
  }

  // Paste a grey image (pixels in [0, 1], `side` x `side`) as the drawing, scaled to the pad.
  paste(pixels, side) {
    const { width, height } = this.canvas;
    const img = this.ctx.createImageData(width, height);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const v = pixels[Math.floor((y * side) / height) * side + Math.floor((x * side) / width)];
        img.data[4 * (y * width + x) + 3] = Math.round(v * 255);
      }
    }
    this.strokes = [];
    this.image = img;
    this.redraw();
    this.onChange();
  }

  get empty() {
    return !this.strokes.length && !this.image;
  }
}
