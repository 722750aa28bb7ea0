"""A small index of real TRAINING images, for the page's "nearest real digits" check.

    python -m training.neighbours converted_model/mnist --data ../shared/data/mnist.npz

Writes neighbours.png (a sprite of the raw images, row c holding class c's) and neighbours.json (the
layout, each image's index into x_train, a reference distance) into a converted model folder and names
them in meta.json; convert.py calls write_index at every conversion. Within BUDGET_BYTES, written whole.
See docs/ARCHITECTURE.md, "Notes by module".
"""
import argparse
import hashlib
import io
import json
import os
import sys
from pathlib import Path

import numpy as np

from training import cli
from training.cli import UserError
from training.pipeline import data as data_lib
from training.contract import IMAGE_SIDE, NUM_CLASSES, read_json, trained_on

SPRITE, INDEX = "neighbours.png", "neighbours.json"
PER_CLASS = 100  # images per class, if they fit the budget
MIN_PER_CLASS = 10
BUDGET_BYTES = 250_000  # sprite + json, what the page fetches when the check is opened
SEED = 0
REFERENCE_PER_CLASS = 100  # training images of each class outside the index, for the reference distance


def choose(labels, per_class, seed=SEED):
    """-> [10, per_class] indices into `labels`, each row one class's, ascending. The same
    (labels, seed) give the same draw, and a smaller per_class gives a prefix of it (before sorting)."""
    rng = np.random.default_rng(seed)
    rows = []
    for c in range(NUM_CLASSES):
        mine = np.flatnonzero(labels == c)
        if len(mine) < per_class:
            raise UserError(f"class {c} has {len(mine)} training images; {per_class} are needed "
                            f"(pass a smaller --per-class)")
        rows.append(np.sort(rng.permutation(mine)[:per_class]))
    return np.stack(rows)


def sprite_png(images):
    """[10, per_class, 28, 28] uint8 -> PNG bytes of one grayscale image, a row per class."""
    from PIL import Image
    rows, cols = images.shape[:2]
    sheet = images.transpose(0, 2, 1, 3).reshape(rows * IMAGE_SIDE, cols * IMAGE_SIDE)
    buffer = io.BytesIO()
    Image.fromarray(np.ascontiguousarray(sheet)).save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def nearest_distances(queries, index):
    """Euclidean distance of each query [m, 784] to its nearest row of index [n, 784] (floats)."""
    q, x = queries.astype(np.float64), index.astype(np.float64)
    d2 = (q * q).sum(1)[:, None] + (x * x).sum(1)[None, :] - 2.0 * q @ x.T
    return np.sqrt(np.maximum(d2.min(axis=1), 0.0))


def build(train, per_class=PER_CLASS, budget=BUDGET_BYTES, seed=SEED, about=None):
    """-> (sprite bytes, index dict) for a training split (data.Split: x float [n, 28, 28, 1] in
    [0, 1], y [n]). About: extra fields for the json (dataset, data sha256, split sizes)."""
    if not MIN_PER_CLASS <= per_class:
        raise UserError(f"--per-class must be at least {MIN_PER_CLASS}, got {per_class}")
    raw = np.rint(np.asarray(train.x)[..., 0] * 255).astype(np.uint8)  # the .npz's own bytes
    labels = np.asarray(train.y)
    while True:
        chosen = choose(labels, per_class, seed)
        png = sprite_png(raw[chosen])
        index = {
            "sprite": SPRITE, "side": IMAGE_SIDE, "classes": NUM_CLASSES, "per_class": per_class,
            "layout": "row c of the sprite holds class c's images, left to right; pixels are the raw "
                      "8-bit training images (ink 255 on 0)",
            "split": "train", "seed": seed, **(about or {}),
            "source_indices": chosen.tolist(),
            "reference": reference(raw, labels, chosen, seed),
            "sprite_bytes": len(png),
            "sprite_sha256": hashlib.sha256(png).hexdigest(),
        }
        total = len(png) + len(dumps(index))
        if total <= budget:
            return png, index
        if per_class <= MIN_PER_CLASS:
            raise UserError(f"{per_class} images per class take {total:,} bytes, over the budget of {budget:,}")
        # fewer, in tens (a prefix of the same draw): what the budget would hold at this size per image
        per_class = max(MIN_PER_CLASS, min(int(per_class * budget / total) // 10 * 10, per_class - 10))


def reference(raw, labels, chosen, seed):
    """How far real training images OUTSIDE the index lie from their nearest index image (any
    class), REFERENCE_PER_CLASS of each class: the yardstick for the page's distances (a copy of an
    index image would be at 0). Overall percentiles and each class's median."""
    rng = np.random.default_rng(seed + 1)
    inside = np.zeros(len(labels), bool)
    inside[chosen.ravel()] = True
    flat = lambda a: a.reshape(len(a), -1).astype(np.float64) / 255.0  # noqa: E731
    index = flat(raw[chosen.ravel()])
    found = []
    for c in range(NUM_CLASSES):
        outside = np.flatnonzero((labels == c) & ~inside)
        if not len(outside):
            raise UserError(f"class {c} has no training images outside the index to measure distances "
                            f"against; pass a smaller --per-class")
        sample = np.sort(rng.choice(outside, min(REFERENCE_PER_CLASS, len(outside)), replace=False))
        found.append(nearest_distances(flat(raw[sample]), index))
    every = np.concatenate(found)
    return {"what": "training images outside the index: distance to their nearest index image",
            "count": int(len(every)), **{f"p{q}": round(float(np.percentile(every, q)), 3) for q in (10, 50, 90)},
            "p50_per_class": [round(float(np.median(d)), 3) for d in found]}


def dumps(value):
    return json.dumps(value, separators=(",", ":")) + "\n"


def meta_entry(png, index):
    """What meta.json says of the index: the files (the build copies only files meta.json names)."""
    return {"index": INDEX, "sprite": SPRITE, "count": index["per_class"] * NUM_CLASSES,
            "per_class": index["per_class"], "train_size": index.get("train_size"), "bytes": len(png) + len(dumps(index)),
            "sprite_sha256": index["sprite_sha256"], "reference_p50": index["reference"]["p50"],
            "reference_p50_per_class": index["reference"]["p50_per_class"]}


def write_index(folder, ds, **options):
    """Write the index of dataset `ds` (its training split) into `folder` (a conversion's temporary
    folder: convert.py writes meta.json itself). -> meta.json's "neighbours" entry."""
    png, index = build(ds.train, about=about(ds), **options)
    Path(folder, SPRITE).write_bytes(png)
    Path(folder, INDEX).write_text(dumps(index))
    return meta_entry(png, index)


def about(ds):
    return {"dataset": ds.name, "data_sha256": ds.sha256, "train_size": int(len(ds.train.y)),
            "validation_size": int(len(ds.val.y))}


def add_to_model(folder, data_path, validation_size=data_lib.VALIDATION_SIZE, **options):
    """The standalone command: the index of the data `folder`'s model was trained on, written into
    that converted folder, and named in its meta.json. Nothing is renamed until all is built."""
    folder = Path(folder)
    data_lib.check_validation_size(validation_size)
    try:
        meta = read_json(folder / "meta.json")
    except UserError as e:
        raise UserError(f"{e} (expected a model folder written by training.convert)") from None
    if not isinstance(meta, dict) or not isinstance(meta.get("dataset"), str):
        raise UserError(f"{folder / 'meta.json'}: no dataset or source.data_sha256; not a converted model")
    ds = data_lib.load(meta["dataset"], str(data_path), validation_size)
    trained_on(folder, ds, split=True)
    png, index = build(ds.train, about=about(ds), **options)
    entry = meta_entry(png, index)
    writes = {SPRITE: png, INDEX: dumps(index).encode(),
              "meta.json": (json.dumps({**meta, "neighbours": entry}, indent=2) + "\n").encode()}
    ready = []
    try:
        for name, content in writes.items():  # all three under temporary names first
            tmp = folder / f".partial.{name}"
            ready.append((tmp, folder / name))
            tmp.write_bytes(content)
        for tmp, final in ready:  # then renamed, meta.json last: it names the others
            os.replace(tmp, final)
    finally:
        for tmp, _ in ready:
            tmp.unlink(missing_ok=True)
    return entry


@cli.main
def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("model", type=Path, help="a converted model folder, e.g. converted_model/mnist")
    ap.add_argument("--data", required=True, help="the .npz the model was trained on (Keras' layout)")
    ap.add_argument("--validation-size", type=int, default=data_lib.VALIDATION_SIZE,
                    help="as in training (the last N training images validate and are left out)")
    ap.add_argument("--per-class", type=int, default=PER_CLASS)
    ap.add_argument("--budget", type=int, default=BUDGET_BYTES, help="bytes, sprite and json together")
    args = ap.parse_args(argv)
    with cli.writing(args.model, "the index"):
        entry = add_to_model(args.model, args.data, args.validation_size, per_class=args.per_class,
                             budget=args.budget)
    print(f"{args.model}: {entry['count']} training images ({entry['per_class']} per class), "
          f"{entry['bytes']:,} bytes (budget {args.budget:,}); reference distance {entry['reference_p50']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
