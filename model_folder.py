"""A converted model folder as the site build takes it: checked, and the files the page loads listed.

The site gets only what the converter wrote: plain files inside the folder (never a link's target,
never a file hard-linked in, read by plain_files.py), a meta.json that training/contract.py accepts,
Layers models (decoder/ and encoder/) whose weights have the shapes, byte counts and SHA-256 that
meta.json records (a garbled shard would draw garbage, not fail), that the page's model interpreter
runs (model_json.py), and PNG images that are PNG.
Needs only the standard library, plain_files.py, model_json.py and training/contract.py (never TensorFlow).
"""
import hashlib

import model_json
import plain_files
from training import contract
from training.cli import UserError


# what the page feeds each model and reads from it (model.js)
SHAPES = {"decoder": lambda meta: ([None, meta["code_size"]], [None, contract.IMAGE_SIDE, contract.IMAGE_SIDE, 1]),
          "encoder": lambda meta: ([None, contract.IMAGE_SIDE, contract.IMAGE_SIDE, 1], [None, meta["code_size"]])}


PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def read_source(folder, rel, limit=None):
    """The bytes of folder/rel if it is a plain file of `folder` (plain_files.read) and, for a .png,
    a PNG image; else a UserError. The site gets only files the converter wrote: build.py copies
    them by read_source again and checks that they are still the bytes checked here."""
    if not all(contract.SAFE_NAME.fullmatch(part) for part in rel.split("/")):
        raise UserError(f"{folder}: {rel!r} is not a plain file name inside the model folder")
    data = plain_files.read(folder, rel, limit)
    if rel.endswith(".png") and not data.startswith(PNG_SIGNATURE):
        raise UserError(f"{folder / rel}: not a PNG image (it does not start with the PNG signature)")
    return data


def check_layers_model(folder, part, meta):
    """model.json parses, is a model the page runs on the input it feeds giving the output it reads
    (model_json.py), and its shards are plain files in the folder with exactly the bytes and the
    SHA-256 that meta.json records. -> {path relative to the model folder: bytes} of
    model.json and its shards."""
    path = folder / part / "model.json"
    raw = read_source(folder, f"{part}/model.json")
    model = contract.parse_json(raw, path)
    try:
        groups = model_json.check(model, *SHAPES[part](meta))
    except UserError as e:
        raise UserError(f"{path}: {e}") from None
    shards = {}
    for paths, expected in groups:
        found = {f"{part}/{shard}" if isinstance(shard, str) else repr(shard): None for shard in paths}
        for rel in found:
            found[rel] = read_source(folder, rel)
        actual = sum(len(data) for data in found.values())
        if actual != expected:
            raise UserError(f"{path}: its weights need {expected} bytes but the shards hold {actual}")
        for rel, data in found.items():  # the right length is not enough: a garbled shard draws garbage
            if rel not in meta["weights_sha256"]:
                raise UserError(f"{folder / rel}: no SHA-256 for it in meta.json (weights_sha256)")
            if sha256(data) != meta["weights_sha256"][rel]:
                raise UserError(f"{folder / rel}: content does not match the SHA-256 in meta.json")
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
    index = contract.parse_json(raw, folder / entry["index"])
    sprite = read_source(folder, entry["sprite"])
    if sha256(sprite) != entry["sprite_sha256"] or not isinstance(index, dict) or any(
            index.get(k) != entry[k] for k in ("sprite_sha256", "per_class")):
        raise UserError(f"{folder / entry['sprite']}: does not match meta.json's neighbours or {entry['index']}; run "
                        f"python -m training.neighbours {folder} --data FILE.npz again")
    return {entry["index"]: raw, entry["sprite"]: sprite}


def check_model(folder):
    """-> (meta, {path relative to `folder`: SHA-256} of the files the page loads, as checked). Only
    those are copied to the site, and only if they still hold the bytes checked."""
    if not contract.MODEL_NAME.fullmatch(folder.name):
        raise UserError(f"{folder.parent}: the model folder name {folder.name!r} must be letters, digits, "
                        f"'-' and '_' (it becomes part of URLs)")
    if folder.is_symlink():
        raise UserError(f"{folder}: a symbolic link; the build copies only model folders that are really here")
    raw = read_source(folder, "meta.json", contract.META_MAX_BYTES)
    meta = contract.parse_json(raw, folder / "meta.json", contract.META_MAX_BYTES)
    contract.check(meta, folder / "meta.json")
    files = {"meta.json": raw}
    for rel in ["preview.png", *meta.get("style_meaning", {}).get("atlas", []),
                *meta.get("training", {}).values()]:  # training.json / .png: the run's record (training/watched.py)
        files[rel] = read_source(folder, rel)
    record = meta.get("training", {}).get("data")
    if record and not isinstance(contract.parse_json(files[record], folder / record), dict):
        raise UserError(f"{folder / record}: expected a JSON object")
    files.update(neighbour_files(folder, meta))
    # both always: the page draws with the decoder, and its reader and drawing pad load the encoder
    files.update(check_layers_model(folder, "decoder", meta))
    files.update(check_layers_model(folder, "encoder", meta))
    return meta, {rel: sha256(data) for rel, data in files.items()}
