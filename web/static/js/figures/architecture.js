// The model's architecture (the proposal's figures 1-3), read from the converted model's own
// model.json files: drawn (arch_diagram.js), the code of 10 + k numbers between the encoder and the
// decoder showing the explorer's current code; every layer's type, output shape and parameter count
// in tables behind a disclosure, the frozen classifier (cls_*, trainable false since stage 1) marked.
import { NUM_CLASSES } from '../contract.js';
import { partDiagram, shapeText } from './arch_diagram.js';
import { el } from '../dom.js';

export { shapeText };

const SAME_SHAPE = new Set(['BatchNormalization', 'ReLU', 'LeakyReLU', 'Activation', 'Dropout', 'SpatialDropout2D',
  'GaussianNoise', 'RandomTranslation', 'Softmax', 'LayerNormalization']);

// A layer's output shape (batch left out) from its config and its inputs' shapes; null if unknown.
export function outputShape(layer, inputs) {
  const c = layer.config ?? {};
  const [first] = inputs;
  const spatial = (size, window, stride, padding) => (padding === 'same'
    ? Math.ceil(size / stride) : Math.floor((size - window) / stride) + 1);
  switch (layer.class_name) {
    case 'InputLayer': return (c.batch_input_shape ?? c.batch_shape ?? []).slice(1);
    case 'Dense': return first && [...first.slice(0, -1), c.units];
    case 'Flatten': return first && [first.reduce((a, b) => a * b, 1)];
    case 'Reshape': return [...c.target_shape];
    case 'Concatenate': return inputs.every(Boolean) && inputs[0].length === 1
      ? [inputs.reduce((sum, s) => sum + s[0], 0)] : null;
    case 'Conv2D': case 'MaxPooling2D': case 'AveragePooling2D': {
      if (!first) return null;
      const win = c.kernel_size ?? c.pool_size;
      const stride = c.strides ?? win;
      const [h, w] = [0, 1].map((d) => spatial(first[d], win[d], stride[d], c.padding ?? 'valid'));
      return [h, w, c.filters ?? first[2]];
    }
    case 'UpSampling2D': return first && [first[0] * c.size[0], first[1] * c.size[1], first[2]];
    default: return SAME_SHAPE.has(layer.class_name) && first ? [...first] : null;
  }
}


// model.json -> { layers: [{name, type, shape, params, frozen}], params, frozen } in the file's
// (topological) order; parameters counted from the weights manifest, so they are what is shipped.
export function describeModel(model) {
  const params = {};
  for (const group of model.weightsManifest ?? []) {
    for (const w of group.weights) {
      const layer = w.name.slice(0, w.name.lastIndexOf('/'));
      params[layer] = (params[layer] ?? 0) + w.shape.reduce((a, b) => a * b, 1);
    }
  }
  const shapes = {};
  const layers = model.modelTopology.model_config.config.layers.map((layer) => {
    const name = layer.config.name;
    const inputs = (layer.inbound_nodes?.[0] ?? []).map((node) => shapes[node[0]] ?? null);
    shapes[name] = outputShape(layer, inputs);
    // frozen: the classifier's layers after stage 1 (the picker's medians are fixed too, but set, not frozen)
    const frozen = layer.config.trainable === false && name.startsWith('cls_');
    return { name, type: layer.class_name, shape: shapes[name], params: params[name] ?? 0, frozen };
  });
  const sum = (list) => list.reduce((a, l) => a + l.params, 0);
  return { layers, params: sum(layers), frozen: sum(layers.filter((l) => l.frozen)) };
}

const count = (n) => n.toLocaleString('en');

// When a layer's weights learned: the classifier in stage 1, the style head in stage 2, the decoder in
// stages 2 and 3; in stage 4 the style picker (training/pipeline/style_picker.py) replaced the head's last
// layers: its bins layer is new, the layers before it copies that go on learning, its last one set.
function trainedIn(layer, decoder) {
  if (decoder) return 'stages 2–3';
  if (layer.frozen) return 'stage 1, frozen';
  if (layer.name === 'style_pick') return 'set in stage 4';
  if (layer.name === 'style_pick_bins') return 'stage 4';
  return layer.name.startsWith('style_pick') ? 'stages 2 and 4' : 'stage 2';
}

function partTable(title, part, note, decoder = false) {
  const rows = part.layers.map((l) => el('tr', { className: l.frozen ? 'frozen' : '' },
    el('th', { scope: 'row' }, l.name), el('td', {}, l.type), el('td', {}, shapeText(l.shape)),
    el('td', { className: 'num' }, l.params ? count(l.params) : '–'),
    el('td', {}, l.params ? trainedIn(l, decoder) : '')));
  const caption = el('caption', {}, el('strong', {}, title), ` · ${count(part.params)} parameters`,
    part.frozen ? `, ${count(part.frozen)} of them frozen after stage 1` : '', note ? ` · ${note}` : '');
  return el('table', { className: 'arch-table' }, caption,
    el('thead', {}, el('tr', {}, ...['layer', 'type', 'output', 'parameters', 'trained in'].map((h) => el('th', { scope: 'col' }, h)))),
    el('tbody', {}, ...rows));
}

// The code between the two: 10 class probabilities and k style values, with the current values.
function codeStrip(meta) {
  const names = [...meta.class_names, ...Array.from({ length: meta.style_dims }, (_, d) => (meta.style_dims > 1 ? `style ${d + 1}` : 'style'))];
  const cells = names.map((name, i) => el('li', { className: i < NUM_CLASSES ? 'arch-cell' : 'arch-cell style' },
    el('span', { className: 'arch-name' }, name), el('span', { className: 'arch-value' }, '')));
  const list = el('ol', { className: 'arch-code' }, ...cells);
  const box = el('figure', { className: 'arch-code-box' }, list,
    el('figcaption', {}, `The code: ${NUM_CLASSES} class probabilities + ${meta.style_dims} style value${meta.style_dims > 1 ? 's' : ''}, ` +
      'now the explorer\'s'));
  const show = (code) => {
    cells.forEach((cell, i) => {
      const v = code[i];
      cell.lastChild.textContent = i < NUM_CLASSES ? v.toFixed(2) : v.toFixed(3);
      cell.classList.toggle('on', i < NUM_CLASSES && v >= 0.005);
    });
    list.setAttribute('aria-label', `The current code: ${names.map((n, i) => `${n} ${i < NUM_CLASSES ? code[i].toFixed(2) : code[i].toFixed(3)}`)
      .filter((_, i) => i >= NUM_CLASSES || code[i] >= 0.005).join(', ')}`);
  };
  return { box, show };
}

// What the drawing proves, from model.json: how few numbers the image passes through.
export function architectureLead(encoder, decoder, styleDims) {
  const [input, code] = [encoder.layers[0].shape, encoder.layers.at(-1).shape];
  const styles = styleDims === 1 ? '1 style value' : `${styleDims} style values`;
  const side = input?.at(-1) === 1 ? input.slice(0, -1) : input; // (one channel: "28 × 28")
  return `An encoder of ${count(encoder.params)} parameters squeezes each ${shapeText(side)} image into ${code?.[0] ?? '?'} ` +
    `numbers: ${NUM_CLASSES} class probabilities${encoder.frozen ? ', from a classifier frozen after stage 1,' : ''} and ${styles}; ` +
    `a decoder of ${count(decoder.params)} parameters draws the image back from them alone.`;
}

// Fill `box` with the architecture of `meta`'s model (its model.json files fetched now).
// -> show(code): shows the explorer's current code in the middle.
export async function showArchitecture(box, meta) {
  const base = `models/${meta.name}/`;
  const [encoder, decoder] = await Promise.all(['encoder', 'decoder'].map(async (part) => {
    const response = await fetch(`${base}${part}/model.json`);
    if (!response.ok) throw new Error(`${base}${part}/model.json: ${response.status}`);
    const model = await response.json();
    return { model, ...describeModel(model) };
  }));
  const strip = codeStrip(meta);
  const frozen = encoder.frozen ? ` (${count(encoder.frozen)} of them frozen)` : '';
  const part = (name, figures, of) => el('div', { className: 'arch-part' },
    el('p', { className: 'arch-part-name' }, el('strong', {}, name), ` · ${figures}`), ...partDiagram(of.model, of.layers));
  const tables = el('div', { className: 'arch-tables' },
    partTable('Encoder', encoder, 'the classifier (cls_*) and the style head (style*), joined into the code'),
    partTable('Decoder', decoder, `${(meta.decoder_multiply_adds / 1e6).toFixed(1)} M multiply-adds per image`, true));
  tables.setAttribute('role', 'region');
  tables.setAttribute('aria-label', 'Every layer, as tables');
  tables.tabIndex = 0; // (it scrolls sideways on a phone)
  const layers = encoder.layers.length + decoder.layers.length;
  box.replaceChildren(
    el('p', { className: 'lead' }, architectureLead(encoder, decoder, meta.style_dims)),
    el('figure', { className: 'arch-diagram' },
      part('Encoder', `${count(encoder.params)} parameters${frozen}`, encoder), strip.box,
      part('Decoder', `${count(decoder.params)} parameters, ${(meta.decoder_multiply_adds / 1e6).toFixed(1)} M multiply-adds per image`, decoder),
      el('figcaption', {}, 'Read from the converted model\'s own files. Each box is a layer with the batch norm, activation ' +
        'or dropout after it, its output drawn to scale (an image by its side and channels, a vector by its length); ' +
        'tinted: the classifier, trained first and then frozen.')),
    el('details', { className: 'arch-details' }, el('summary', {}, `Every layer (${layers}): its output, parameters and training stage`), tables));
  return strip.show;
}
