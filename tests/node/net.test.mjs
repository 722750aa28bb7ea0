// web/static/js/runtime/net.js against the contract (contract.js, written from training/contract.py): it runs every
// layer class, activation and weight dtype the contract lists and refuses, by name, any other, as the
// site build does (model_json.py). No backend: a stand-in tf records the ops a prediction runs.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ACTIVATIONS, LAYER_CLASSES, QUANTIZED_DTYPE_BYTES, WEIGHT_DTYPE_BYTES } from '../../web/static/js/contract.js';
import { buildNet, weightsOf } from '../../web/static/js/runtime/net.js';

// each op returns [its name, its inputs]: a prediction's result is the graph of ops it ran
const op = (name) => (...args) => [name, ...args];
const tf = {
  tensor: () => 'w', dispose() {}, softmax: op('softmax'), relu: op('relu'), sigmoid: op('sigmoid'),
  add: op('add'), mul: op('mul'), reshape: op('reshape'), maxPool: op('maxPool'), concat: op('concat'),
  image: { resizeNearestNeighbor: op('resize') },
  fused: { conv2d: ({ x }) => ['conv2d', x], matMul: ({ a }) => ['matMul', a] },
  io: { decodeWeights: () => ({}) },
};

const one = (shape) => ({ values: new Float32Array(shape.reduce((a, b) => a * b, 1)).fill(1), shape });
// a layer of each class the contract lists, as the converter writes it, and its weights
const EXAMPLES = {
  InputLayer: null,
  Conv2D: [{ filters: 1, kernel_size: [1, 1], strides: [1, 1], padding: 'same', use_bias: true }, { kernel: [1, 1, 1, 1], bias: [1] }],
  Dense: [{ units: 1, use_bias: true, activation: 'relu' }, { kernel: [1, 1], bias: [1] }],
  BatchNormalization: [{ axis: [1], epsilon: 0.001 }, { gamma: [1], beta: [1], moving_mean: [1], moving_variance: [1] }],
  ReLU: [{ max_value: null, negative_slope: 0, threshold: 0 }],
  Activation: [{ activation: 'sigmoid' }],
  Reshape: [{ target_shape: [1] }],
  Flatten: [{ data_format: 'channels_last' }],
  Dropout: [{ rate: 0.5 }],
  UpSampling2D: [{ size: [2, 2], interpolation: 'nearest' }],
  MaxPooling2D: [{ pool_size: [2, 2], padding: 'valid' }],
  Concatenate: [{ axis: -1 }],
};

// input -> one layer of `kind` (named x); -> { topology, weights } as buildNet takes them
function model(kind, config = {}, shapes = {}, more = []) {
  const layers = [
    { class_name: 'InputLayer', config: { name: 'in', batch_input_shape: [null, 1] }, inbound_nodes: [] },
    { class_name: kind, config: { name: 'x', ...config }, inbound_nodes: [[['in', 0, 0, {}]]] },
    ...more,
  ];
  const weights = Object.fromEntries(Object.entries(shapes).map(([k, s]) => [`x/${k}`, one(s)]));
  const out = more.length ? more[more.length - 1].config.name : 'x';
  return { topology: { model_config: { config: { layers, input_layers: [['in', 0, 0]], output_layers: [[out, 0, 0]] } } }, weights };
}

test('every layer class the contract lists runs, and has an example here', () => {
  assert.deepEqual(Object.keys(EXAMPLES).sort(), [...LAYER_CLASSES].sort());
  for (const kind of LAYER_CLASSES.filter((k) => k !== 'InputLayer')) {
    const { topology, weights } = model(kind, ...EXAMPLES[kind]);
    assert.notEqual(buildNet(tf, topology, weights).predict({ shape: [1, 1, 1, 1] }), undefined, kind);
  }
});

test('a layer class, activation or option outside the contract is refused by name', () => {
  for (const kind of ['Lambda', 'Conv2DTranspose', 'constructor', 'toString']) {
    assert.throws(() => buildNet(tf, model(kind).topology, {}), new RegExp(`layer x \\(${kind}\\): this layer type is not supported by net.js`));
  }
  for (const activation of ACTIVATIONS) buildNet(tf, model('Activation', { activation }).topology, {});
  assert.throws(() => buildNet(tf, model('Activation', { activation: 'gelu' }).topology, {}), /activation gelu is not supported/);
  for (const kind of ['Flatten', 'MaxPooling2D', 'UpSampling2D', 'Conv2D']) {
    const [config, shapes] = EXAMPLES[kind];
    assert.throws(() => buildNet(tf, model(kind, { ...config, data_format: 'channels_first' }, shapes).topology, {}), /data_format channels_first/);
  }
});

test('an input that no earlier layer gives is refused when the model loads, not when it runs', () => {
  const { topology } = model('ReLU');
  topology.model_config.config.layers[1].inbound_nodes = [[['later', 0, 0, {}]]];
  assert.throws(() => buildNet(tf, topology, {}), /layer x \(ReLU\): an input \(later\) that no earlier layer gives/);
});

test('an output layer is never folded into the layer after it', () => {
  // x (Dense, linear) is the output and also feeds a BatchNormalization: folding would drop x
  const bn = { class_name: 'BatchNormalization', config: { name: 'bn', axis: -1, epsilon: 0.001 }, inbound_nodes: [[['x', 0, 0, {}]]] };
  const { topology, weights } = model('Dense', { units: 1, use_bias: false }, { kernel: [1, 1] }, [bn]);
  Object.assign(weights, Object.fromEntries(['gamma', 'beta', 'moving_mean', 'moving_variance'].map((k) => [`bn/${k}`, one([1])])));
  topology.model_config.config.output_layers = [['x', 0, 0]];
  assert.deepEqual(buildNet(tf, topology, weights).predict('input'), ['matMul', 'input']);
});

test('weightsOf decodes only the dtypes the contract lists', () => {
  const spec = (more) => [{ name: 'x/kernel', shape: [1], ...more }];
  for (const dtype of Object.keys(WEIGHT_DTYPE_BYTES)) weightsOf(tf, spec({ dtype }), []);
  for (const q of Object.keys(QUANTIZED_DTYPE_BYTES)) weightsOf(tf, spec({ dtype: 'float32', quantization: { dtype: q, min: 0, scale: 1 } }), []);
  for (const bad of [{ dtype: 'complex64' }, { dtype: 'int32' }, { dtype: 'constructor' }, { dtype: 'complex64', quantization: { dtype: 'uint8' } },
    { dtype: 'float32', quantization: { dtype: 'int8' } }, { dtype: 'float32', quantization: null }]) {
    assert.throws(() => weightsOf(tf, spec(bad), []), /weight x\/kernel: dtype .* is not supported by net.js/, JSON.stringify(bad));
  }
});
