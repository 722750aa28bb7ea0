"""A converted model.json as the page's model interpreter (web/static/js/runtime/net.js) runs it.

check() refuses, in one line, what net.js could not run or would run wrongly: a layer class, an
activation or a weight dtype outside the contract (training/contract.py), an option net.js does not
implement, a graph it cannot follow, a weight missing, extra or of another shape than its layer and
that layer's input give. Shapes are followed from the input the page feeds to the output it reads.
Any JSON at all gives a UserError or passes, never another exception.
Standard library only: the site build imports it.
"""
import math
import reprlib

from training.cli import UserError
from training.contract import (ACTIVATIONS, LAYER_CLASSES, QUANTIZED_DTYPE_BYTES, WEIGHT_DTYPE_BYTES, is_count,
                           is_number)


def _fail(message):
    raise UserError(message)


def _positive(v):
    return is_count(v) and v > 0


_REPR = reprlib.Repr()
_REPR.maxlevel, _REPR.maxstring, _REPR.maxother = 3, 40, 40


def _show(value):
    """A short text of any parsed JSON value, however large or deep, for a message."""
    return _REPR.repr(value)


def _same(a, b):
    """a equals b and has its types (JSON's true is not 1, nor "1" 1)."""
    if isinstance(b, list):
        return isinstance(a, list) and len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return type(a) is type(b) and a == b


def _only(*values):
    """An option net.js implements for these values only; absent (or null) means the first."""
    text = " or ".join("null" if v is None else _show(v) for v in values)
    return f"absent or {text}", lambda v: v is None or any(_same(v, x) for x in values)


def _optional(rule):
    text, test = rule
    return f"absent or {text}", lambda v: v is None or test(v)


# what net.js reads of each layer's config: field -> (what it should be, test of config.get(field))
POSITIVE = ("a positive whole number", _positive)
PAIR = ("a pair of positive whole numbers", lambda v: isinstance(v, list) and len(v) == 2 and all(map(_positive, v)))
BOOL = ("true or false", lambda v: isinstance(v, bool))
PADDING = ('"same" or "valid"', lambda v: isinstance(v, str) and v in ("same", "valid"))
ACTIVATION = _optional((" or ".join(ACTIVATIONS), lambda v: isinstance(v, str) and v in ACTIVATIONS))
AXIS = ("a whole number", lambda v: isinstance(v, int) and not isinstance(v, bool))
CHANNELS_LAST = {"data_format": _only("channels_last")}
CONFIG = {
    "InputLayer": {},  # its batch_input_shape is checked against what the page feeds
    "Conv2D": {"filters": POSITIVE, "kernel_size": PAIR, "strides": PAIR, "padding": PADDING,
               "activation": ACTIVATION, "use_bias": _optional(BOOL), "dilation_rate": _only([1, 1]),
               "groups": _only(1), **CHANNELS_LAST},
    "Dense": {"units": POSITIVE, "activation": ACTIVATION, "use_bias": _optional(BOOL)},
    "BatchNormalization": {"axis": ("a whole number or a list of one", lambda v: AXIS[1](v[0] if isinstance(
        v, list) and len(v) == 1 else v)), "epsilon": ("a number >= 0", lambda v: is_number(v) and v >= 0),
        "scale": _optional(BOOL), "center": _optional(BOOL)},
    "ReLU": {"max_value": _only(None), "negative_slope": _only(0, 0.0), "threshold": _only(0, 0.0)},
    "Activation": {"activation": ACTIVATION},
    "Reshape": {"target_shape": ("a list of positive whole numbers", lambda v: isinstance(v, list) and v and all(
        map(_positive, v)))},
    "Flatten": CHANNELS_LAST,
    "Dropout": {},
    "UpSampling2D": {"size": PAIR, "interpolation": _only("nearest"), **CHANNELS_LAST},
    "MaxPooling2D": {"pool_size": PAIR, "strides": _optional(PAIR), "padding": PADDING, **CHANNELS_LAST},
    "Concatenate": {"axis": _optional(AXIS)},
}


def _window(n, size, stride, padding):
    """The output length of a convolution or pooling window along one axis, as TF computes it."""
    return -(-n // stride) if padding == "same" else (n - size) // stride + 1


def _layer(kind, c, ins, where):
    """-> (the layer's output shape, {weight: shape}) given its inputs' shapes (batch first, None)."""
    if kind != "Concatenate" and len(ins) != 1:
        _fail(f"{where}: takes one input, inbound_nodes gives {len(ins)}")
    x = ins[0]
    if kind in ("Conv2D", "MaxPooling2D", "UpSampling2D") and len(x) != 4:
        _fail(f"{where}: needs an image input [None, height, width, channels], gets {_show(x)}")
    if kind == "Dense":
        if len(x) != 2:
            _fail(f"{where}: net.js runs Dense on a flat input [None, n], gets {_show(x)}")
        bias = {"bias": [c["units"]]} if c.get("use_bias") else {}
        return [None, c["units"]], {"kernel": [x[1], c["units"]], **bias}
    if kind in ("Conv2D", "MaxPooling2D"):
        size = c["kernel_size"] if kind == "Conv2D" else c["pool_size"]
        strides = c.get("strides") or size
        out = [_window(n, k, s, c["padding"]) for n, k, s in zip(x[1:3], size, strides)]
        if min(out) < 1:
            _fail(f"{where}: its input {_show(x)} is smaller than its window {size}")
        if kind == "MaxPooling2D":
            return [None, *out, x[3]], {}
        weights = {"kernel": [*size, x[3], c["filters"]], **({"bias": [c["filters"]]} if c.get("use_bias") else {})}
        return [None, *out, c["filters"]], weights
    if kind == "UpSampling2D":
        return [None, x[1] * c["size"][0], x[2] * c["size"][1], x[3]], {}
    if kind == "BatchNormalization":
        axis = c["axis"][0] if isinstance(c["axis"], list) else c["axis"]
        if axis not in (-1, len(x) - 1):
            _fail(f"{where}: normalises axis {axis} of {_show(x)}; net.js normalises the last")
        params = ["moving_mean", "moving_variance"] + ["gamma"] * (c.get("scale") is not False) + [
            "beta"] * (c.get("center") is not False)
        return x, {p: [x[-1]] for p in params}
    if kind == "Reshape":
        if math.prod(x[1:]) != math.prod(c["target_shape"]):
            _fail(f"{where}: cannot reshape {_show(x)} to {_show(c['target_shape'])}")
        return [None, *c["target_shape"]], {}
    if kind == "Flatten":
        return [None, math.prod(x[1:])], {}
    if kind == "Concatenate":
        axis, rank = -1 if c.get("axis") is None else c["axis"], len(x)
        if any(len(i) != rank for i in ins) or not -rank <= axis < rank or axis % rank == 0:
            _fail(f"{where}: cannot join {_show(ins)} along axis {axis}")
        axis %= rank
        if any(i[:axis] + i[axis + 1:] != x[:axis] + x[axis + 1:] for i in ins):
            _fail(f"{where}: cannot join {_show(ins)} along axis {axis}")
        return [*x[:axis], sum(i[axis] for i in ins), *x[axis + 1:]], {}
    return x, {}  # ReLU, Activation, Dropout


def _inputs(layer, where, shapes):
    """The names of the layers whose outputs `layer` takes (net.js reads inbound_nodes[0][i][0])."""
    nodes = layer.get("inbound_nodes")
    if not (isinstance(nodes, list) and len(nodes) == 1 and isinstance(nodes[0], list) and nodes[0] and all(
            isinstance(n, list) and len(n) >= 3 and isinstance(n[0], str) and n[1:3] == [0, 0] for n in nodes[0])):
        _fail(f"{where}: inbound_nodes should be one call, [[[layer, 0, 0, {{}}], ...]]")
    names = [n[0] for n in nodes[0]]
    for name in names:
        if name not in shapes:
            _fail(f"{where}: its input {_show(name)} is no earlier layer (net.js runs the layers in order)")
    return names


def _end(config, key):
    """The one layer that model_config's input_layers or output_layers names."""
    ends = config.get(key)
    if not (isinstance(ends, list) and len(ends) == 1 and isinstance(ends[0], list) and ends[0]
            and isinstance(ends[0][0], str)):
        _fail(f"model_config.config.{key} should name one layer (net.js runs one input and one output)")
    return ends[0][0]


def _graph(config, input_shape, output_shape):
    """-> {"layer/weight": shape} of every weight the layers need."""
    layers = config["layers"]
    shapes, needed = {}, {}
    for i, layer in enumerate(layers):
        c = layer.get("config") if isinstance(layer, dict) else None
        if not isinstance(c, dict) or not isinstance(c.get("name"), str) or not c["name"]:
            _fail(f"layer {i}: not an object with a config that has a name")
        kind, name = layer.get("class_name"), c["name"]
        where = f"layer {_show(name)} ({kind[:40] if isinstance(kind, str) else _show(kind)})"
        if name in shapes:
            _fail(f"{where}: a second layer of that name")
        if (kind == "InputLayer") != (i == 0) or i == 0 and c.get("batch_input_shape") != input_shape:
            _fail(f"its first layer (and only that one) should be an InputLayer of shape {input_shape} (meta.json's "
                  f"code_size and the image side); got {where} of shape {_show(c.get('batch_input_shape'))}")
        if kind not in LAYER_CLASSES:
            _fail(f"{where}: net.js cannot run this layer class (it runs {', '.join(LAYER_CLASSES)})")
        for field, (text, test) in CONFIG[kind].items():
            if not test(c.get(field)):
                _fail(f"{where}: config.{field} should be {text}, got {_show(c.get(field))}")
        if i == 0:
            if layer.get("inbound_nodes") not in (None, []):
                _fail(f"{where}: an input layer takes no input")
            shapes[name] = input_shape
            continue
        shapes[name], weights = _layer(kind, c, [shapes[n] for n in _inputs(layer, where, shapes)], where)
        needed.update({f"{name}/{param}": shape for param, shape in weights.items()})
    if _end(config, "input_layers") != layers[0]["config"]["name"]:
        _fail("model_config.config.input_layers should name the first layer, the InputLayer")
    out = _end(config, "output_layers")
    if shapes.get(out) != output_shape:
        _fail(f"the output layer {_show(out)} gives shape {_show(shapes.get(out))}, the page reads {output_shape}")
    return needed


def _bytes_per_value(spec, name):
    """A weight's stored bytes per value: float32 as is, or quantised as tf.io.decodeWeights reads it."""
    dtype, quantized, quantization = spec.get("dtype"), "quantization" in spec, spec.get("quantization")
    if quantized and not isinstance(quantization, dict):
        _fail(f"weight {name}: quantization should be an object, got {_show(quantization)}")
    stored = quantization.get("dtype") if quantized else dtype
    table = QUANTIZED_DTYPE_BYTES if quantized else WEIGHT_DTYPE_BYTES
    for value, allowed in ((dtype, WEIGHT_DTYPE_BYTES), (stored, table)):
        if not (isinstance(value, str) and value in allowed):
            _fail(f"weight {name} has an unusable dtype {_show(value)} (net.js runs {', '.join(WEIGHT_DTYPE_BYTES)} "
                  f"weights, stored as is or as {', '.join(QUANTIZED_DTYPE_BYTES)})")
    if stored in ("uint8", "uint16") and not all(is_number(quantization.get(k)) for k in ("min", "scale")):
        _fail(f"weight {name}: {stored} quantization needs min and scale, finite numbers")
    return table[stored]


def check(model, input_shape, output_shape):
    """Raise UserError unless `model` (a parsed model.json) is a TF.js Layers model net.js runs on
    `input_shape` giving `output_shape`. -> [(a weight group's paths, the bytes its weights take)]."""
    manifest = model.get("weightsManifest") if isinstance(model, dict) else None
    if not isinstance(model, dict) or not isinstance(model.get("modelTopology"), dict) or not isinstance(
            manifest, list) or not all(isinstance(g, dict) and isinstance(g.get("paths"), list)
                                       and isinstance(g.get("weights"), list) for g in manifest):
        _fail("not a TF.js Layers model (modelTopology, and weightsManifest as a list of {paths, weights})")
    paths = [path for group in manifest for path in group["paths"]]
    if not all(isinstance(path, str) for path in paths) or len(set(paths)) != len(paths):
        _fail(f"weightsManifest's paths should name each shard file once: {_show(paths)}")
    config = model["modelTopology"].get("model_config")
    config = config.get("config") if isinstance(config, dict) else None
    if not isinstance(config, dict) or not isinstance(config.get("layers"), list) or not config["layers"]:
        _fail("modelTopology has no model_config.config.layers")
    needed = _graph(config, input_shape, output_shape)
    groups, seen = [], set()
    for group in manifest:
        size = 0
        for spec in group["weights"]:
            name = spec.get("name") if isinstance(spec, dict) else None
            if not isinstance(name, str) or "/" not in name:
                _fail(f"a weight without a layer/name: {_show(spec)}")
            shown = _show(name)
            if name in seen:
                _fail(f"weight {shown} is listed twice")
            seen.add(name)
            per_value = _bytes_per_value(spec, shown)
            shape = spec.get("shape")
            if not isinstance(shape, list) or not all(is_count(n) for n in shape):
                _fail(f"weight {shown} has an unusable shape {_show(shape)}")
            if name not in needed:
                _fail(f"weight {shown} belongs to no layer of the model (none of that name, or none with such "
                      f"a weight)")
            if shape != needed[name]:
                _fail(f"weight {shown} has shape {_show(shape)}, its layer needs {_show(needed[name])}")
            size += math.prod(shape) * per_value
        groups.append((group["paths"], size))
    missing = [name for name in needed if name not in seen]
    if missing:
        _fail(f"weight {_show(missing[0])} is missing from weightsManifest" + (
            f" (and {len(missing) - 1} more)" if len(missing) > 1 else ""))
    return groups
