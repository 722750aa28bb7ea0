// The architecture drawn (architecture.js places it): model.json's layers as blocks, each a layer that
// changes the data's shape or holds weights with the batch norm, activation or dropout after it folded
// in, its output drawn to scale; the blocks in chains, side by side where the data splits (the
// classifier and the style head). Pure functions first (Node tests), then the elements.
import { el } from '../dom.js';

export const shapeText = (shape) => (shape ? shape.join(' × ') : '?');

const FOLDED = new Set(['BatchNormalization', 'ReLU', 'LeakyReLU', 'Activation', 'Dropout', 'SpatialDropout2D',
  'GaussianNoise', 'LayerNormalization', 'Softmax']);

// model.json and its layers as architecture.js describes them ({ name, type, shape, params, frozen })
// -> [{ name, type, config, layers, shape, params, frozen, inputs: [block names] }]
export function blocksOf(model, layers) {
  const configs = model.modelTopology.model_config.config.layers;
  const inputs = Object.fromEntries(configs.map((l) => [l.config.name, (l.inbound_nodes?.[0] ?? []).map((n) => n[0])]));
  const consumers = {};
  for (const list of Object.values(inputs)) for (const name of list) consumers[name] = (consumers[name] ?? 0) + 1;
  const blockOf = {};
  const blocks = [];
  layers.forEach((layer, i) => {
    const from = inputs[layer.name];
    const into = from.length === 1 && FOLDED.has(layer.type) && consumers[from[0]] === 1 ? blockOf[from[0]] : null;
    if (into) {
      Object.assign(into, { shape: layer.shape, params: into.params + layer.params });
      into.layers.push(layer);
    } else {
      blocks.push({ name: layer.name, type: layer.type, config: configs[i].config, layers: [layer], shape: layer.shape,
        params: layer.params, frozen: layer.frozen, inputs: from.map((n) => blockOf[n].name) });
    }
    blockOf[layer.name] = into ?? blocks.at(-1);
  });
  return blocks;
}

// Blocks -> chains: runs of blocks each fed by the one before it and by nothing else, which feeds
// nothing else. -> [{ blocks, from: [chain indices] }]
export function chainsOf(blocks) {
  const feeds = {};
  for (const b of blocks) for (const name of b.inputs) feeds[name] = (feeds[name] ?? 0) + 1;
  const chainOf = {};
  const chains = [];
  for (const b of blocks) {
    const [prev] = b.inputs;
    const chain = b.inputs.length === 1 && feeds[prev] === 1 ? chains[chainOf[prev]] : null;
    if (chain && chain.blocks.at(-1).name === prev) {
      chain.blocks.push(b);
      chainOf[b.name] = chainOf[prev];
    } else {
      chains.push({ blocks: [b], from: [...new Set(b.inputs.map((n) => chainOf[n]))] });
      chainOf[b.name] = chains.length - 1;
    }
  }
  return chains;
}

// What a block does, in a few words: "conv 3×3", "max-pool 2×2", "dense, softmax"
export function opName(block) {
  const c = block.config;
  const act = c.activation && !['linear', 'relu'].includes(c.activation) ? `, ${c.activation}` : '';
  switch (block.type) {
    case 'InputLayer': return 'input';
    case 'Conv2D': return `conv ${c.kernel_size.join('×')}${act}`;
    case 'MaxPooling2D': return `max-pool ${c.pool_size.join('×')}`;
    case 'AveragePooling2D': return `mean-pool ${c.pool_size.join('×')}`;
    case 'UpSampling2D': return `up-sample ×${c.size[0]}`;
    case 'Dense': return `dense${act}`;
    case 'Concatenate': return 'join';
    default: return block.type.toLowerCase();
  }
}

// The drawn size (px) of a block's output: an image's height by its side, its width by its channels;
// a vector a bar by the square root of its length (so 784 numbers stand as tall as 28 × 28).
export function glyphSize(shape) {
  if (!shape) return { w: 4, h: 8 };
  if (shape.length === 3) return { w: Math.round(4 + 3 * Math.log2(shape[2])), h: Math.round(6 + (42 * Math.min(shape[0], 28)) / 28) };
  const n = shape.reduce((a, b) => a * b, 1);
  return { w: 4, h: Math.round(6 + 42 * Math.min(1, Math.sqrt(n) / 28)) };
}

const count = (n) => n.toLocaleString('en');
const LANES = { cls: 'classifier', style: 'style head' };

function blockItem(block) {
  const { w, h } = glyphSize(block.shape);
  const glyph = el('span', { className: 'arch-glyph' });
  glyph.setAttribute('aria-hidden', 'true');
  glyph.style.setProperty('--gw', `${w}px`);
  glyph.style.setProperty('--gh', `${h}px`);
  const item = el('li', { className: `arch-block${block.frozen ? ' frozen' : ''}` },
    el('span', { className: 'arch-stage' }, glyph), el('span', { className: 'arch-op' }, opName(block)),
    el('span', { className: 'arch-shape' }, shapeText(block.shape)));
  item.title = `${block.layers.map((l) => l.name).join(' + ')}: ${count(block.params)} parameters`;
  return item;
}

// A chain of blocks as a list, named by its layers' common prefix ("classifier") when it is a branch.
function chainList(chain, named) {
  const prefix = chain.blocks[0].name.split('_')[0];
  const list = el('ol', { className: 'arch-chain' }, ...chain.blocks.map(blockItem));
  if (!named) return list;
  const frozen = chain.blocks.every((b) => b.frozen);
  const out = chain.blocks.at(-1).shape;
  return el('div', { className: `arch-lane${frozen ? ' frozen' : ''}` },
    el('p', { className: 'arch-lane-name' }, `${LANES[prefix] ?? prefix}${frozen ? ' (frozen)' : ''} → ${out ? shapeText(out) : '?'}`), list);
}

// One part (the encoder or the decoder) drawn: chains fed by the same chain side by side; the join
// into the code and the decoder's input are left out (the code strip stands between the parts).
export function partDiagram(model, layers) {
  const chains = chainsOf(blocksOf(model, layers)).map((chain) => ({
    ...chain, blocks: chain.blocks.filter((b) => b.type !== 'Concatenate' && !(b.type === 'InputLayer' && b.shape?.length === 1)),
  })).filter((chain) => chain.blocks.length);
  const rows = [];
  for (const chain of chains) {
    const row = rows.find((r) => String(r[0].from) === String(chain.from) && chain.from.length);
    if (row) row.push(chain);
    else rows.push([chain]);
  }
  return rows.map((row) => (row.length > 1
    ? el('div', { className: 'arch-lanes' }, ...row.map((chain) => chainList(chain, true)))
    : chainList(row[0], false)));
}
