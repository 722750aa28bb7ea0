"""A converted model folder as the site build takes it: checked, and the files the page loads listed.

The site gets only what the converter wrote: plain files inside the folder (never a link's target),
a meta.json that training/meta.py accepts, and Layers models whose weights have the shapes, byte
counts and SHA-256 that meta.json records (a garbled shard would draw garbage, not fail), and that
the page's model interpreter runs (model_json.py).
Needs only the standard library, model_json.py and training/meta.py (never TensorFlow).
"""
import hashlib

import model_json
from training import meta as meta_lib


class BuildError(RuntimeError):
    """The site cannot be built; the message is meant for the user as is."""


# what the page feeds each model and reads from it (model.js)
SHAPES = {"decoder": lambda meta: ([None, meta["code_size"]], [None, meta_lib.IMAGE_SIDE, meta_lib.IMAGE_SIDE, 1]),
          "encoder": lambda meta: ([None, meta_lib.IMAGE_SIDE, meta_lib.IMAGE_SIDE, 1], [None, meta["code_size"]])}


def source_file(folder, rel):
    """folder/rel if it is a regular file reached without a symbolic link and without leaving
    `folder`; else a BuildError. The site gets only files the converter wrote, never a link's target."""
    parts = rel.split("/")
    if not all(meta_lib.SAFE_NAME.fullmatch(part) for part in parts):
        raise BuildError(f"{folder}: {rel!r} is not a plain file name inside the model folder")
    path = folder
    for part in parts:
        path = path / part
        if path.is_symlink():
            raise BuildError(f"{path}: a symbolic link; the build copies only regular files of the model folder")
    if not path.is_file():
        raise BuildError(f"{path}: missing")
    return path


def _read_json(path, max_bytes=None):
    try:
        return meta_lib.read_json(path, max_bytes)
    except meta_lib.MetaError as e:
        raise BuildError(str(e)) from None


def check_layers_model(folder, part, meta):
    """model.json parses, is a model the page runs on the input it feeds giving the output it reads
    (model_json.py), and its shards are plain files in the folder with exactly the bytes and the
    SHA-256 that meta.json records. -> the shards' paths relative to the model folder."""
    path = source_file(folder, f"{part}/model.json")
    model = _read_json(path)
    try:
        groups = model_json.check(model, *SHAPES[part](meta))
    except model_json.ModelError as e:
        raise BuildError(f"{path}: {e}") from None
    shards = []
    for paths, expected in groups:
        found = {f"{part}/{shard}" if isinstance(shard, str) else repr(shard): None for shard in paths}
        for rel in found:
            found[rel] = source_file(folder, rel)
        actual = sum(shard.stat().st_size for shard in found.values())
        if actual != expected:
            raise BuildError(f"{path}: its weights need {expected} bytes but the shards hold {actual}")
        for rel, shard in found.items():  # the right length is not enough: a garbled shard draws garbage
            if rel not in meta["weights_sha256"]:
                raise BuildError(f"{shard}: no SHA-256 for it in meta.json (weights_sha256)")
            if _sha256(shard) != meta["weights_sha256"][rel]:
                raise BuildError(f"{shard}: content does not match the SHA-256 in meta.json")
        shards += found
    return [f"{part}/model.json", *shards]


def _sha256(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def neighbour_files(folder, meta):
    """The index of real training images (training/neighbours.py) if meta.json names it: the json
    and the sprite must agree with meta.json (a rerun of that command cut short would not).
    -> their names, for the copy."""
    entry = meta.get("neighbours")
    if entry is None:
        return []
    index = _read_json(source_file(folder, entry["index"]))
    sprite = source_file(folder, entry["sprite"])
    if _sha256(sprite) != entry["sprite_sha256"] or not isinstance(index, dict) or any(
            index.get(k) != entry[k] for k in ("sprite_sha256", "per_class")):
        raise BuildError(f"{sprite}: does not match meta.json's neighbours or {entry['index']}; run "
                         f"python -m training.neighbours {folder} --data FILE.npz again")
    return [entry["index"], entry["sprite"]]


def check_model(folder):
    """-> (meta, the files of `folder` the page loads). Only those are copied to the site."""
    if not meta_lib.MODEL_NAME.fullmatch(folder.name):
        raise BuildError(f"{folder.parent}: the model folder name {folder.name!r} must be letters, digits, "
                         f"'-' and '_' (it becomes part of URLs)")
    if folder.is_symlink():
        raise BuildError(f"{folder}: a symbolic link; the build copies only model folders that are really here")
    meta = _read_json(source_file(folder, "meta.json"), meta_lib.META_MAX_BYTES)
    try:
        meta_lib.check(meta, folder / "meta.json")
    except meta_lib.MetaError as e:
        raise BuildError(str(e)) from None
    files = ["meta.json", "preview.png", *meta.get("style_meaning", {}).get("atlas", []),
             *meta.get("training", {}).values()]  # training.json / .png: the run's record (training/watched.py)
    for rel in files:
        source_file(folder, rel)
    if "training" in meta and not isinstance(_read_json(folder / meta["training"]["data"]), dict):
        raise BuildError(f"{folder / meta['training']['data']}: expected a JSON object")
    files += neighbour_files(folder, meta)
    files += check_layers_model(folder, "decoder", meta)
    if (folder / "encoder").exists():
        files += check_layers_model(folder, "encoder", meta)
    return meta, files
