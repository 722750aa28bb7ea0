"""A converted model folder as the site build takes it: checked, and the files the page loads listed.

The site gets only what the converter wrote: plain files inside the folder (never a link's target,
never a file hard-linked in, read by plain_files.py), a meta.json that training/meta.py accepts,
Layers models (decoder/ and encoder/) whose weights have the shapes, byte counts and SHA-256 that
meta.json records (a garbled shard would draw garbage, not fail), and PNG images that are PNG.
Needs only the standard library and training/meta.py (never TensorFlow).
"""
import hashlib

import plain_files
from training import meta as meta_lib


class BuildError(RuntimeError):
    """The site cannot be built; the message is meant for the user as is."""


DTYPE_BYTES = {"float32": 4, "int32": 4, "float16": 2, "uint16": 2, "uint8": 1}
INPUT_SHAPES = {"decoder": lambda meta: [None, meta["code_size"]],
                "encoder": lambda meta: [None, meta_lib.IMAGE_SIDE, meta_lib.IMAGE_SIDE, 1]}


PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def read_source(folder, rel):
    """The bytes of folder/rel if it is a plain file of `folder` (plain_files.read) and, for a .png,
    a PNG image; else a BuildError. The site gets only files the converter wrote: build.py copies
    them by read_source again and checks that they are still the bytes checked here."""
    if not all(meta_lib.SAFE_NAME.fullmatch(part) for part in rel.split("/")):
        raise BuildError(f"{folder}: {rel!r} is not a plain file name inside the model folder")
    try:
        data = plain_files.read(folder, rel)
    except plain_files.NotPlain as e:
        raise BuildError(str(e)) from None
    if rel.endswith(".png") and not data.startswith(PNG_SIGNATURE):
        raise BuildError(f"{folder / rel}: not a PNG image (it does not start with the PNG signature)")
    return data


def _parse_json(data, path):
    try:
        return meta_lib.parse_json(data, path)
    except meta_lib.MetaError as e:
        raise BuildError(str(e)) from None


def _expected_shape(layer, param, shape):
    """What the layer's config says of a weight's shape: None if it agrees, else a description."""
    kind, config = layer["class_name"], layer["config"]
    if kind == "Dense" and shape[-1:] != [config["units"]]:
        return f"last dimension {config['units']} (units)"
    if kind == "Conv2D":
        if shape[-1:] != [config["filters"]]:
            return f"last dimension {config['filters']} (filters)"
        if param == "kernel" and shape[:2] != list(config["kernel_size"]):
            return f"a {config['kernel_size']} kernel"
    if kind == "BatchNormalization" and len(shape) != 1:
        return "one dimension"
    return None


def _layers(path, model):
    try:
        layers = model["modelTopology"]["model_config"]["config"]["layers"]
        return {layer["config"]["name"]: layer for layer in layers}, layers[0]
    except (KeyError, TypeError, IndexError):
        raise BuildError(f"{path}: modelTopology has no model_config.config.layers") from None


def check_layers_model(folder, part, meta):
    """model.json parses, takes the input the page feeds it, names each weight (of a layer it has,
    with a shape that layer accepts), and its shards are plain files in the folder with exactly the
    bytes and the SHA-256 that meta.json records. -> {path relative to the model folder: bytes} of
    model.json and its shards."""
    path = folder / part / "model.json"
    raw = read_source(folder, f"{part}/model.json")
    model = _parse_json(raw, path)
    if not isinstance(model, dict) or not isinstance(model.get("modelTopology"), dict) or not isinstance(
            model.get("weightsManifest"), list) or not all(
            isinstance(g, dict) and isinstance(g.get("paths"), list) and isinstance(g.get("weights"), list)
            for g in model["weightsManifest"]):
        raise BuildError(f"{path}: not a TF.js Layers model (modelTopology, and weightsManifest as a list "
                         f"of {{paths, weights}})")
    layers, first = _layers(path, model)
    wanted = INPUT_SHAPES[part](meta)
    if first.get("class_name") != "InputLayer" or first.get("config", {}).get("batch_input_shape") != wanted:
        raise BuildError(f"{path}: its first layer should be an InputLayer of shape {wanted} (meta.json's "
                         f"code_size and the image side); got {first.get('class_name')} "
                         f"{first.get('config', {}).get('batch_input_shape')}")
    shards = {}
    for group in model["weightsManifest"]:
        expected = 0
        for spec in group["weights"]:
            if not isinstance(spec, dict) or not isinstance(spec.get("name"), str) or "/" not in spec["name"]:
                raise BuildError(f"{path}: a weight without a layer/name: {str(spec)[:80]}")
            dtype = spec.get("quantization", {}).get("dtype", spec.get("dtype"))
            shape = spec.get("shape")
            if dtype not in DTYPE_BYTES or not isinstance(shape, list) or not all(
                    meta_lib.is_count(n) for n in shape):
                raise BuildError(f"{path}: weight {spec['name']!r} has an unusable dtype {dtype!r} "
                                 f"or shape {shape!r}")
            layer_name, _, param = spec["name"].rpartition("/")
            if layer_name not in layers:
                raise BuildError(f"{path}: weight {spec['name']!r} belongs to no layer of the model")
            wrong = _expected_shape(layers[layer_name], param, shape)
            if wrong:
                raise BuildError(f"{path}: weight {spec['name']!r} has shape {shape}, its layer needs {wrong}")
            count = 1
            for n in shape:
                count *= n
            expected += count * DTYPE_BYTES[dtype]
        found = {f"{part}/{shard}" if isinstance(shard, str) else repr(shard): None for shard in group["paths"]}
        for rel in found:
            found[rel] = read_source(folder, rel)
        actual = sum(len(data) for data in found.values())
        if actual != expected:
            raise BuildError(f"{path}: its weights need {expected} bytes but the shards hold {actual}")
        for rel, data in found.items():  # the right length is not enough: a garbled shard draws garbage
            if rel not in meta["weights_sha256"]:
                raise BuildError(f"{folder / rel}: no SHA-256 for it in meta.json (weights_sha256)")
            if sha256(data) != meta["weights_sha256"][rel]:
                raise BuildError(f"{folder / rel}: content does not match the SHA-256 in meta.json")
        shards.update(found)
    return {f"{part}/model.json": raw, **shards}


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def neighbour_files(folder, meta):
    """The index of real training images (training/neighbours.py) if meta.json names it: the json
    and the sprite must agree with meta.json (a rerun of that command cut short would not).
    -> {name: bytes} of both."""
    entry = meta.get("neighbours")
    if entry is None:
        return {}
    raw = read_source(folder, entry["index"])
    index = _parse_json(raw, folder / entry["index"])
    sprite = read_source(folder, entry["sprite"])
    if sha256(sprite) != entry["sprite_sha256"] or not isinstance(index, dict) or any(
            index.get(k) != entry[k] for k in ("sprite_sha256", "per_class")):
        raise BuildError(f"{folder / entry['sprite']}: does not match meta.json's neighbours or {entry['index']}; run "
                         f"python -m training.neighbours {folder} --data FILE.npz again")
    return {entry["index"]: raw, entry["sprite"]: sprite}


def check_model(folder):
    """-> (meta, {path relative to `folder`: SHA-256} of the files the page loads, as checked). Only
    those are copied to the site, and only if they still hold the bytes checked."""
    if not meta_lib.MODEL_NAME.fullmatch(folder.name):
        raise BuildError(f"{folder.parent}: the model folder name {folder.name!r} must be letters, digits, "
                         f"'-' and '_' (it becomes part of URLs)")
    if folder.is_symlink():
        raise BuildError(f"{folder}: a symbolic link; the build copies only model folders that are really here")
    raw = read_source(folder, "meta.json")
    meta = _parse_json(raw, folder / "meta.json")
    try:
        meta_lib.check(meta, folder / "meta.json")
    except meta_lib.MetaError as e:
        raise BuildError(str(e)) from None
    files = {"meta.json": raw}
    for rel in ["preview.png", *meta.get("style_meaning", {}).get("atlas", []),
                *meta.get("training", {}).values()]:  # training.json / .png: the run's record (training/watched.py)
        files[rel] = read_source(folder, rel)
    record = meta.get("training", {}).get("data")
    if record and not isinstance(_parse_json(files[record], folder / record), dict):
        raise BuildError(f"{folder / record}: expected a JSON object")
    files.update(neighbour_files(folder, meta))
    # both always: the page draws with the decoder, and its reader and drawing pad load the encoder
    files.update(check_layers_model(folder, "decoder", meta))
    files.update(check_layers_model(folder, "encoder", meta))
    return meta, {rel: sha256(data) for rel, data in files.items()}
