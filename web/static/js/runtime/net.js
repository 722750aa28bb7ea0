// Running a converted Keras model with tfjs-core ops alone, so the page ships no tf-layers and only the
// kernels these ops need (web/runtime/build.mjs). It reads the official converter's model.json: the
// functional graph and the weights (tf.io.decodeWeights). A BatchNormalization after a Conv2D or Dense
// is folded into that layer, a ReLU after it becomes its fused activation. Any layer or option outside
// the contract's (contract.js, from training/contract.py) is refused by name, never approximated; the site
// build refuses such a model.json too (model_json.py). tests/node/parity.mjs checks it against tf-layers.
import { ACTIVATIONS, LAYER_CLASSES, QUANTIZED_DTYPE_BYTES, WEIGHT_DTYPE_BYTES } from '../contract.js';

function refuse(layer, what) {
  throw new Error(`layer ${layer.config.name} (${layer.class_name}): ${what} is not supported by net.js`);
}

function activationOf(layer) {
  const a = layer.config.activation ?? 'linear';
  if (!ACTIVATIONS.includes(a)) refuse(layer, `activation ${a}`);
  return a;
}

function channelsLast(layer) {
  const format = layer.config.data_format ?? 'channels_last';
  if (format !== 'channels_last') refuse(layer, `data_format ${format}`);
}

// weights: { 'layer/kernel': { values: Float32Array, shape } } -> the layer's, by short name
const own = (weights, name) => (key) => weights[`${name}/${key}`];

// One step per layer: { name, inputs: [names], kind, ... }.
function plan(topology, weights) {
  const config = topology.model_config?.config ?? topology.config;
  if (!config?.layers) throw new Error('model.json has no functional model_config');
  const steps = new Map();
  const consumers = new Map();
  for (const layer of config.layers) {
    const c = layer.config;
    const inputs = (layer.inbound_nodes?.[0] ?? []).map((node) => node[0]);
    for (const i of inputs) {
      if (!steps.has(i)) refuse(layer, `an input (${i}) that no earlier layer gives`);
      consumers.set(i, (consumers.get(i) ?? 0) + 1);
    }
    const w = own(weights, c.name);
    const step = { name: c.name, inputs, kind: layer.class_name };
    if (!LAYER_CLASSES.includes(layer.class_name)) refuse(layer, 'this layer type');
    switch (layer.class_name) {
      case 'InputLayer':
        break;
      case 'Conv2D':
        channelsLast(layer);
        if ((c.dilation_rate ?? [1, 1]).some((d) => d !== 1)) refuse(layer, 'dilation');
        if ((c.groups ?? 1) !== 1) refuse(layer, 'groups');
        Object.assign(step, { kernel: w('kernel'), bias: c.use_bias ? w('bias') : null, strides: c.strides, padding: c.padding, activation: activationOf(layer) });
        break;
      case 'Dense':
        Object.assign(step, { kernel: w('kernel'), bias: c.use_bias ? w('bias') : null, activation: activationOf(layer) });
        break;
      case 'BatchNormalization': {
        const axis = Array.isArray(c.axis) ? c.axis : [c.axis];
        if (axis.length !== 1) refuse(layer, `axis ${JSON.stringify(c.axis)}`);
        const mean = w('moving_mean').values;
        const variance = w('moving_variance').values;
        const gamma = c.scale === false ? null : w('gamma').values;
        const beta = c.center === false ? null : w('beta').values;
        const scale = mean.map((_, i) => (gamma ? gamma[i] : 1) / Math.sqrt(variance[i] + c.epsilon));
        const shift = mean.map((m, i) => (beta ? beta[i] : 0) - m * scale[i]);
        Object.assign(step, { scale, shift });
        break;
      }
      case 'ReLU':
        if (c.max_value != null || (c.negative_slope ?? 0) !== 0 || (c.threshold ?? 0) !== 0) refuse(layer, 'a clipped or leaky ReLU');
        break;
      case 'Activation':
        step.activation = activationOf(layer);
        break;
      case 'Reshape':
        step.shape = c.target_shape;
        break;
      case 'Flatten':
        channelsLast(layer);
        break;
      case 'Dropout':
        break;
      case 'UpSampling2D':
        channelsLast(layer);
        if ((c.interpolation ?? 'nearest') !== 'nearest') refuse(layer, `interpolation ${c.interpolation}`);
        step.size = c.size;
        break;
      case 'MaxPooling2D':
        channelsLast(layer);
        Object.assign(step, { pool: c.pool_size, strides: c.strides ?? c.pool_size, padding: c.padding });
        break;
      case 'Concatenate':
        step.axis = c.axis ?? -1;
        break;
      default: // a class contract.js lists without code here
        throw new Error(`net.js has no code for ${layer.class_name}, which contract.js lists`);
    }
    if (step.kind !== 'InputLayer' && step.inputs.length === 0) refuse(layer, 'a layer without inputs');
    steps.set(step.name, step);
  }
  const outputs = config.output_layers.map((l) => l[0]);
  for (const o of outputs) consumers.set(o, (consumers.get(o) ?? 0) + 1); // an output is never folded away
  return { steps: fuse(steps, consumers), inputs: config.input_layers.map((l) => l[0]), outputs };
}

// Fold BatchNormalization into the Conv2D/Dense before it, and a ReLU into its activation, where the
// earlier layer is linear and feeds nothing else. The merged step takes the later layer's name.
function fuse(steps, consumers) {
  const out = new Map();
  for (const step of steps.values()) {
    const prev = step.inputs.length === 1 ? out.get(step.inputs[0]) : null;
    const sole = prev && consumers.get(prev.name) === 1 && (prev.kind === 'Conv2D' || prev.kind === 'Dense') && prev.activation === 'linear';
    if (sole && step.kind === 'BatchNormalization') {
      const { values, shape } = prev.kernel;
      const outs = shape[shape.length - 1];
      if (step.scale.length !== outs) throw new Error(`layer ${step.name}: ${step.scale.length} channels after ${prev.name}'s ${outs}`);
      const kernel = values.map((v, i) => v * step.scale[i % outs]);
      const bias = step.shift.map((s, j) => (prev.bias ? prev.bias.values[j] : 0) * step.scale[j] + s);
      out.delete(prev.name);
      out.set(step.name, { ...prev, name: step.name, kernel: { values: kernel, shape }, bias: { values: bias, shape: [outs] } });
    } else if (sole && (step.kind === 'ReLU' || (step.kind === 'Activation' && step.activation === 'relu'))) {
      out.delete(prev.name);
      out.set(step.name, { ...prev, name: step.name, activation: 'relu' });
    } else {
      out.set(step.name, step);
    }
  }
  return out;
}

// The tensors a step keeps (made once, on the current backend) and the op it runs.
function compile(tf, step) {
  const t = (w) => (w ? tf.tensor(w.values, w.shape) : undefined);
  // a softmax is not one of the fused activations: applied after the fused op
  const fused = (act) => (act === 'softmax' ? 'linear' : act);
  const after = (act, y) => (act === 'softmax' ? tf.softmax(y) : y);
  switch (step.kind) {
    case 'Conv2D': {
      const filter = t(step.kernel);
      const bias = t(step.bias);
      return { held: [filter, bias], run: ([x]) => after(step.activation, tf.fused.conv2d({ x, filter, bias, strides: step.strides, pad: step.padding, activation: fused(step.activation) })) };
    }
    case 'Dense': {
      const b = t(step.kernel);
      const bias = t(step.bias);
      return { held: [b, bias], run: ([a]) => after(step.activation, tf.fused.matMul({ a, b, bias, activation: fused(step.activation) })) };
    }
    case 'BatchNormalization': {
      const scale = tf.tensor(step.scale);
      const shift = tf.tensor(step.shift);
      return { held: [scale, shift], run: ([x]) => tf.add(tf.mul(x, scale), shift) };
    }
    case 'ReLU': return { run: ([x]) => tf.relu(x) };
    case 'Activation': return { run: ([x]) => (step.activation === 'relu' ? tf.relu(x) : step.activation === 'sigmoid' ? tf.sigmoid(x) : step.activation === 'softmax' ? tf.softmax(x) : x) };
    case 'Reshape': return { run: ([x]) => tf.reshape(x, [-1, ...step.shape]) };
    case 'Flatten': return { run: ([x]) => tf.reshape(x, [x.shape[0], -1]) };
    case 'Dropout': return { run: ([x]) => x };
    case 'UpSampling2D': return { run: ([x]) => tf.image.resizeNearestNeighbor(x, [x.shape[1] * step.size[0], x.shape[2] * step.size[1]]) };
    case 'MaxPooling2D': return { run: ([x]) => tf.maxPool(x, step.pool, step.strides, step.padding) };
    case 'Concatenate': return { run: (xs) => tf.concat(xs, step.axis) };
    default: return { run: ([x]) => x };
  }
}

// weightsOf(tf, specs, shards): the de-quantised weights as plain arrays (before any backend work).
export function weightsOf(tf, specs, shards) {
  for (const spec of specs) {
    const quantized = 'quantization' in spec;
    const stored = quantized ? spec.quantization?.dtype : spec.dtype;
    if (!Object.hasOwn(WEIGHT_DTYPE_BYTES, spec.dtype) || !Object.hasOwn(quantized ? QUANTIZED_DTYPE_BYTES : WEIGHT_DTYPE_BYTES, stored)) {
      throw new Error(`weight ${spec.name}: dtype ${spec.dtype}${quantized ? ` quantised as ${stored}` : ''} is not supported by net.js`);
    }
  }
  const tensors = tf.io.decodeWeights(shards.length === 1 ? shards[0] : shards, specs);
  const out = {};
  for (const [name, tensor] of Object.entries(tensors)) {
    out[name] = { values: Float32Array.from(tensor.dataSync()), shape: tensor.shape };
    tensor.dispose();
  }
  return out;
}

// -> { predict(x) -> Tensor (call inside tf.tidy), dispose() }
export function buildNet(tf, topology, weights) {
  const { steps, inputs, outputs } = plan(topology, weights);
  if (inputs.length !== 1 || outputs.length !== 1) throw new Error(`net.js runs models with one input and one output, not ${inputs.length} and ${outputs.length}`);
  const compiled = [...steps.values()].filter((s) => s.kind !== 'InputLayer').map((s) => ({ step: s, ...compile(tf, s) }));
  const held = compiled.flatMap((c) => c.held ?? []).filter(Boolean);
  return {
    predict(x) {
      const values = new Map([[inputs[0], x]]);
      for (const { step, run } of compiled) values.set(step.name, run(step.inputs.map((i) => values.get(i))));
      return values.get(outputs[0]);
    },
    dispose() { tf.dispose(held); },
  };
}
