// Loading a converted decoder and decoding codes into 28x28 images.

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

  // The first predict compiles shaders / allocates; do it once per batch size the page uses.
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
    const images = tf.tidy(() => this.model.predict(tf.tensor2d(flat, [codes.length, this.codeSize])));
    try {
      return await images.data();
    } finally {
      images.dispose();
    }
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
    const out = tf.tidy(() => this.model.predict(tf.tensor4d(pixels, [1, 28, 28, 1])));
    try {
      return await out.data();
    } finally {
      out.dispose();
    }
  }

  dispose() {
    this.model.dispose();
  }
}
