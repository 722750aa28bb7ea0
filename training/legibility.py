"""Does every position of every slider draw a legible digit? An independent reader decides.

    python -m training.legibility converted_model/mnist --reader readers/mnist [--data D.npz] [--write]

The reader (training/reader.py) reads, decoded with the shipped weights, the style grid (or the pad's
lattice) and the morph ends; with --data, each grid cell's distance to the nearest real training digit
of its class (a ghost is far from every one). --write records it in meta.json -> "legibility"; exits 1
when a share is below its goal. See docs/ARCHITECTURE.md, "Notes by module".
"""
import argparse
import json
import sys
from pathlib import Path

import numpy as np  # noqa: E402

from training.pipeline import data as data_lib  # noqa: E402
from training.pipeline import encoding  # noqa: E402
from training import cli, contract  # noqa: E402
from training.cli import UserError
from training import reader as reader_lib  # noqa: E402
from training.pipeline import runs, samples  # noqa: E402
from training.contract import NUM_CLASSES  # noqa: E402

GRID_POSITIONS = 41
LATTICE = 9
MORPH_T = (0.0, 0.05, 0.1, 0.15, 0.2, 0.25)  # and 1 - t: the end that must read as the target
DEFAULT_POSITION = 0.5  # the page's style slider starts in the middle (each class's median)
GOALS = {"grid": 0.99, "morph": 0.98}


def positions(style_dims):
    """Slider positions in [0, 1] per style dimension: a line, or a lattice over the pad."""
    line = np.linspace(0.0, 1.0, GRID_POSITIONS if style_dims == 1 else LATTICE)
    if style_dims == 1:
        return line[:, None]
    return np.stack(np.meshgrid(line, line, indexing="ij"), -1).reshape(-1, 2)


def grid_cases(tables, style_dims):
    """-> (codes, expected class, description) for every class at every position."""
    codes, expected, where = [], [], []
    for u in positions(style_dims):
        styles = samples.style_at(tables, u)
        for c in range(NUM_CLASSES):
            codes.append(np.concatenate([np.eye(NUM_CLASSES)[c], styles[c]]))
            expected.append(c)
            where.append(f"class {c} at position {'/'.join(f'{v:.3f}' for v in u)}")
    return np.array(codes, np.float32), np.array(expected), where


def morph_code(styles, a, b, t):
    """The code t of the way from class a to class b: the class weights (1 - t, t) and the two classes'
    styles (styles: [10, k], samples.style_at at one slider position) mixed with the same weights, as
    the page's codes.js mixes them."""
    classes = np.zeros(NUM_CLASSES)
    classes[a], classes[b] = 1 - t, t
    return np.concatenate([classes, (1 - t) * styles[a] + t * styles[b]])


def morph_cases(tables, style_dims):
    """Every ordered pair a -> b near both ends; the style mixes the two classes' styles at the
    default position with the class weights, as the page's codes.js does."""
    at_default = samples.style_at(tables, np.full(style_dims, DEFAULT_POSITION))
    codes, expected, where = [], [], []
    for a in range(NUM_CLASSES):
        for b in range(NUM_CLASSES):
            if a == b:
                continue
            for t, reads in [(t, a) for t in MORPH_T] + [(1 - t, b) for t in MORPH_T]:
                codes.append(morph_code(at_default, a, b, t))
                expected.append(reads)
                where.append(f"{a} -> {b} at t = {t:.2f}")
    return np.array(codes, np.float32), np.array(expected), where


def measure(decoder, reader, meta, real=None):
    """-> {"grid": share, "morph": share, "grid_cells", "morph_cells", "failures": {...}} and, given the
    training split `real` (x, y), "nearest_real" (see nearest_real)."""
    tables = samples.class_tables(meta)
    result = {"failures": {}}
    for name, cases in (("grid", grid_cases), ("morph", morph_cases)):
        codes, expected, where = cases(tables, meta["style_dims"])
        images = decoder.predict(codes, batch_size=500, verbose=0)
        read = reader.predict(images, batch_size=500, verbose=0).argmax(1)
        wrong = np.flatnonzero(read != expected)
        result[name] = round(1 - len(wrong) / len(codes), 4)
        result[f"{name}_cells"] = len(codes)
        result["failures"][name] = [f"{where[i]} reads as {read[i]}" for i in wrong]
        if name == "grid" and real is not None:
            at = positions(meta["style_dims"])  # grid_cases' order: every class at each position
            edge = np.repeat(np.any((at == 0) | (at == 1), 1), NUM_CLASSES)
            result["nearest_real"] = nearest_real(images, expected, edge, where, *real)
    return result


def nearest_real(images, expected, edge, where, x, y, worst=5):
    """The least per-pixel binary cross-entropy between each image and a real digit of its class (x, y:
    the training split): the mean at the slider's ends (edge: the cells there), elsewhere, and the
    `worst` cells."""
    log_p, log_q = encoding.clipped_logs(images.astype(np.float64))
    x = x.reshape(len(x), -1).astype(np.float64)
    least = np.zeros(len(images))
    for c in np.unique(expected):
        cells = np.flatnonzero(expected == c)
        least[cells] = (-encoding.log_likelihoods(x[y == c], (log_p[cells], log_q[cells])) / x.shape[1]).min(0)
    return {"ends": round(float(least[edge].mean()), 4), "elsewhere": round(float(least[~edge].mean()), 4),
            "farthest": [f"{where[i]}: {least[i]:.3f}" for i in np.argsort(-least)[:worst]]}


def load(model, reader_folder, data=None, validation_size=data_lib.VALIDATION_SIZE):
    """-> a converted model's meta.json, the reader (reader_folder None: the committed one of the model's
    dataset), what reader.json says of it, the model's own data (training/pipeline/data.py's Dataset; None
    without `data`) and its decoder with the shipped weights. Every refusal (a reader of another
    dataset, data the model was not trained on, a damaged file) is a UserError `MODEL: why`."""
    try:
        data_lib.check_validation_size(validation_size)
        meta = json.loads((model / "meta.json").read_text())
        reader_folder = reader_folder or reader_lib.FOLDERS[meta["dataset"]]
        reader, about = reader_lib.load(reader_folder)
        if about["dataset"] != meta["dataset"]:
            raise UserError(f"{reader_folder} reads {about['dataset']}, {model} draws {meta['dataset']}")
        ds = None
        if data:
            ds = data_lib.load(meta["dataset"], str(data), validation_size)
            contract.trained_on(model, ds, split=True)  # the training and validation splits are the model's
        import tensorflowjs
        decoder = tensorflowjs.converters.load_keras_model(str(model / "decoder" / "model.json"))
    except (OSError, ValueError, KeyError, UserError) as e:  # OSError...: a file missing or damaged
        raise UserError(f"{model}: {e}") from None
    return meta, reader, about, ds, decoder


@cli.main
def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("model", type=Path, help="a converted model folder (meta.json, decoder/)")
    ap.add_argument("--reader", type=Path, default=Path("readers/mnist"), help="made by python -m training.reader")
    ap.add_argument("--data", type=Path, help="the model's .npz: also measure how far each grid cell is from a real digit")
    ap.add_argument("--validation-size", type=int, default=data_lib.VALIDATION_SIZE,
                    help="with --data: as in training (the last N training images validate and are left out)")
    ap.add_argument("--write", action="store_true", help="record the result in the model's meta.json")
    args = ap.parse_args(argv)
    meta, reader, about, ds, decoder = load(args.model, args.reader, args.data, args.validation_size)
    result = measure(decoder, reader, meta, ds and (ds.train.x, ds.train.y))
    result["reader"] = {k: about[k] for k in ("test_accuracy", "seed", "parameters")}
    if args.write:
        runs.write_json(args.model / "meta.json", {**meta, "legibility": result})
    print(json.dumps(result, indent=1))
    return 0 if all(result[k] >= goal for k, goal in GOALS.items()) else 1


if __name__ == "__main__":
    sys.exit(main())
