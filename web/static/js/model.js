// Loading the converted models and running them.

// Run `model` on the tensor `input()` makes, inside tf.tidy, and read the result, disposing it after:
// no tensor outlives a call.
async function predictData(tf, model, input) {
  const out = tf.tidy(() => model.predict(input()));
  try {
    return await out.data();
  } finally {
    out.dispose();
  }
}

export class Decoder {
  constructor(tf, model, meta) {
    this.tf = tf;
    this.model = model;
    this.meta = meta;
    this.codeSize = meta.code_size;
  }

  static async load(tf, baseUrl, meta) {
    const model = await tf.loadLayersModel(`${baseUrl}decoder/model.json`);
    const decoder = new Decoder(tf, model, meta);
    await decoder.warmUp();
    return decoder;
  }

  // The first predict compiles shaders and allocates: do it before the user moves a slider.
  async warmUp() {
    await this.decode([new Float32Array(this.codeSize)]);
  }

  // codes: array of Float32Array(code_size) -> Float32Array(n * 784), pixels in [0, 1].
  async decode(codes) {
    const { tf } = this;
    const flat = new Float32Array(codes.length * this.codeSize);
    codes.forEach((c, i) => {
      if (c.length !== this.codeSize) throw new Error(`code ${i} has ${c.length} numbers, expected ${this.codeSize}`);
      flat.set(c, i * this.codeSize);
    });
    return predictData(tf, this.model, () => tf.tensor2d(flat, [codes.length, this.codeSize]));
  }

  dispose() {
    this.model.dispose();
  }
}

// The encoder: 28x28 images -> codes [probabilities, style]. Loaded only when a drawing needs it.
export class Encoder {
  constructor(tf, model) {
    this.tf = tf;
    this.model = model;
  }

  static async load(tf, baseUrl) {
    return new Encoder(tf, await tf.loadLayersModel(`${baseUrl}encoder/model.json`));
  }

  // pixels: Float32Array(784) in [0, 1] -> Float32Array(10 + k)
  async encode(pixels) {
    const { tf } = this;
    return predictData(tf, this.model, () => tf.tensor4d(pixels, [1, 28, 28, 1]));
  }

  dispose() {
    this.model.dispose();
  }
}
