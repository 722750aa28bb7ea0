"""Do the page's digits look like real handwriting? An independent reader's features decide.

    python -m training.realism converted_model/NAME --data DATA.npz [--split validation|test] [--write] [--sheet DIR]

Decodes what the page can show (the grid, the in-betweens, the pad) with the shipped weights and
measures it with the reader's features: fd against real digits (beside its floor), grey and ghosts,
snap and detour along the morphs. Exits 1 short of GOALS; --write records it in meta.json -> "realism";
--sheet DIR draws contact sheets (measure/realism_sheet.py). See docs/ARCHITECTURE.md, "Notes by module".
"""
import argparse
import json
import sys
from pathlib import Path

import numpy as np

from training.pipeline import data as data_lib
from training import cli, legibility
from training.pipeline import runs, samples
from training.contract import NUM_CLASSES

GRID_STYLES = 21
IN_BETWEEN_T = (0.25, 0.5, 0.75)
STYLE_POSITIONS = (0.05, 0.5, 0.95)
PAD_PERCENTILES = (1, 25, 50, 75, 99)
MORPH_STEPS = 21
REFERENCE_SIZE = 5000
SEED = 36
PAIRS = tuple((a, b) for a in range(NUM_CLASSES) for b in range(NUM_CLASSES) if a != b)
GREY, INK_FLOOR, INK, GHOST_PERCENTILE = (0.2, 0.8), 0.05, 0.5, 5
GOALS = {"grey": 0.45, "ghosts": 0.02, "snap_max": 2.5, "snap_median": 2.0}  # issue 36 (MNIST)
GREY_SETS = ("grid", "in_betweens")  # the sets the grey goal holds for; ghosts: every set


def pad_units(tables):
    """Slider positions of the pad's lattice: PAD_PERCENTILES per axis, as positions on the classes'
    percentile scale (samples.style_at: the first knot is 0, the last 1)."""
    q = sorted(float(k) for k in tables[0])
    line = [(p - q[0]) / (q[-1] - q[0]) for p in PAD_PERCENTILES]
    return np.stack(np.meshgrid(line, line, indexing="ij"), -1).reshape(-1, 2)


def pure_codes(tables, units):
    """Every class at each slider position of `units` ([n, style dims]), position by position."""
    return np.concatenate([np.concatenate([np.eye(NUM_CLASSES), samples.style_at(tables, u)], 1) for u in units]
                          ).astype(np.float32)


def set_codes(tables, style_dims, pairs=PAIRS):
    """-> {set name: codes} for the grid, the in-betweens and (two style values) the pad."""
    sets = {"grid": samples.grid_codes(tables, GRID_STYLES),
            "in_betweens": morph_codes(tables, style_dims, IN_BETWEEN_T, pairs)}
    if style_dims == 2:
        sets["pad"] = pure_codes(tables, pad_units(tables))
    return sets


def morph_codes(tables, style_dims, ts, pairs=PAIRS):
    """Codes for every style position, every pair a -> b, every t, in that order."""
    return np.array([legibility.morph_code(styles, a, b, t) for u in STYLE_POSITIONS
                     for styles in [samples.style_at(tables, np.full(style_dims, u))]
                     for a, b in pairs for t in ts], np.float32)


def frechet(f, g):
    """The Frechet distance between Gaussians fitted to feature sets f and g ([n, d] each)."""
    f, g = np.asarray(f, np.float64), np.asarray(g, np.float64)
    s, t = np.cov(f, rowvar=False), np.cov(g, rowvar=False)
    w, v = np.linalg.eigh(s)
    root = (v * np.sqrt(np.clip(w, 0, None))) @ v.T  # Tr sqrt(S T) = Tr sqrt(S^1/2 T S^1/2), symmetric
    cross = np.sqrt(np.clip(np.linalg.eigvalsh(root @ t @ root), 0, None)).sum()
    return float(((f.mean(0) - g.mean(0)) ** 2).sum() + np.trace(s) + np.trace(t) - 2 * cross)


def grey_share(images):
    """Per image: the share of its ink (pixels > INK_FLOOR) that is mid-grey (within GREY)."""
    x = images.reshape(len(images), -1)
    ink = (x > INK_FLOOR).sum(1)
    return ((x >= GREY[0]) & (x <= GREY[1])).sum(1) / np.maximum(ink, 1)


def ink(images):
    return (images.reshape(len(images), -1) > INK).sum(1)


def features_and_reading(reader):
    """-> f(images) = (the reader's last hidden Dense features, its class probabilities)."""
    import tf_keras as keras
    hidden = [layer for layer in reader.layers if isinstance(layer, keras.layers.Dense)][-2]
    both = keras.Model(reader.input, [hidden.output, reader.output])
    return lambda images: both.predict(images, batch_size=500, verbose=0)


def ghosts(images, weights, faint):
    """The share of images whose ink is below `faint` (per class) of the thinnest class they mix."""
    return round(float(np.mean(ink(images) < np.where(weights > 0, faint, np.inf).min(1))), 4)


def measure(decoder, reader, meta, real, pairs=PAIRS, reference_size=REFERENCE_SIZE, seed=SEED):
    """decoder, reader: Keras-like models (predict); real: the split's (images [n, 28, 28, 1], labels)."""
    read = features_and_reading(reader)
    tables, dims = samples.class_tables(meta), meta["style_dims"]
    x, y = real
    order = np.random.default_rng(seed).permutation(len(x))
    size = min(reference_size, len(x) // 2)
    reference, others = order[:size], order[size:2 * size]
    ref_features, onehot = read(x[reference])[0], np.eye(NUM_CLASSES)
    faint = np.array([np.percentile(ink(x[reference[y[reference] == c]]), GHOST_PERCENTILE) for c in range(NUM_CLASSES)])
    result = {"reference": {"size": size, "floor": round(frechet(read(x[others])[0], ref_features), 2),
                            "grey_median": round(float(np.median(grey_share(x[reference]))), 4),
                            "ghosts": ghosts(x[others], onehot[y[others]], faint)}}
    for name, codes in set_codes(tables, dims, pairs).items():
        images = decoder.predict(codes, batch_size=500, verbose=0)
        floor = x[others[:len(codes)]]
        result[name] = {"size": len(codes), "fd": round(frechet(read(images)[0], ref_features), 2),
                        "floor": round(frechet(read(floor)[0], ref_features), 2), "floor_size": len(floor),
                        "grey_median": round(float(np.median(grey_share(images))), 4),
                        "ghosts": ghosts(images, codes[:, :NUM_CLASSES], faint)}
    return {**result, **along_morphs(decoder, read, tables, dims, pairs)}


def along_morphs(decoder, read, tables, dims, pairs):
    """-> {"snap": ..., "detour": ...} over every morph (every style position, every pair): the largest,
    the median and the mean, and the worst morphs."""
    frames = decoder.predict(morph_codes(tables, dims, np.linspace(0, 1, MORPH_STEPS), pairs), batch_size=500, verbose=0)
    probs = read(frames)[1].reshape(-1, MORPH_STEPS, NUM_CLASSES)
    steps = np.linalg.norm(np.diff(frames.reshape(-1, MORPH_STEPS, frames[0].size), axis=1), axis=2)
    snap = np.divide(steps.max(1), steps.mean(1), out=np.ones(len(steps)), where=steps.mean(1) > 0)  # still: 1
    names = [f"{a} -> {b} at style {u}" for u in STYLE_POSITIONS for a, b in pairs]
    a, b = np.array([pair for _ in STYLE_POSITIONS for pair in pairs]).T
    morph = np.arange(len(a))
    detour = 1 - (probs[morph, :, a] + probs[morph, :, b]).mean(1)
    return {key: {"morphs": len(values), "max": round(float(values.max()), 4),
                  "median": round(float(np.median(values)), 4), "mean": round(float(values.mean()), 4),
                  "worst": [f"{names[i]}: {values[i]:.3f}" for i in np.argsort(-values)[:5]]}
            for key, values in (("snap", snap), ("detour", detour))}


def shortfalls(result, dataset="mnist"):
    """-> what falls short of GOALS, one line each (Fashion-MNIST's grey goal: its real digits' median + 0.1)."""
    grey = GOALS["grey"] if dataset == "mnist" else round(result["reference"]["grey_median"] + 0.1, 4)
    out = [f"{name}: grey share median {result[name]['grey_median']} > {grey}"
           for name in GREY_SETS if result[name]["grey_median"] > grey]
    out += [f"{name}: faint ghosts {result[name]['ghosts']} >= {GOALS['ghosts']}"
            for name in ("grid", "in_betweens", "pad") if name in result and result[name]["ghosts"] >= GOALS["ghosts"]]
    out += [f"snap: {kind} {result['snap'][kind]} > {GOALS['snap_' + kind]}"
            for kind in ("max", "median") if result["snap"][kind] > GOALS["snap_" + kind]]
    return out


def sheet_codes(meta):
    """The codes of realism_sheet's contact sheets: {name: (codes, rows)}."""
    tables, dims = samples.class_tables(meta), meta["style_dims"]
    sheets = {"grid": (samples.grid_codes(tables, GRID_STYLES), GRID_STYLES)}
    if dims == 2:
        sheets["pad-corners"] = (pure_codes(tables, [(0, 0), (0, 1), (1, 0), (1, 1)]), 4)
    middle = samples.style_at(tables, np.full(dims, legibility.DEFAULT_POSITION))
    pairs = [(a, b) for a in range(NUM_CLASSES) for b in range(NUM_CLASSES)]
    sheets["morphs"] = (np.array([legibility.morph_code(middle, a, b, 0.5) for a, b in pairs], np.float32), NUM_CLASSES)
    return sheets


@cli.main
def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("model", type=Path, help="a converted model folder (meta.json, decoder/)")
    ap.add_argument("--data", type=Path, required=True, help="the model's own .npz (meta.json's source.data_sha256)")
    ap.add_argument("--split", choices=("validation", "test"), default="test",
                    help="real digits to compare with: validation to compare settings, test once per shipped model")
    ap.add_argument("--reader", type=Path, help="made by python -m training.reader (default: readers/ of the dataset)")
    ap.add_argument("--validation-size", type=int, default=data_lib.VALIDATION_SIZE, help="as in training")
    ap.add_argument("--write", action="store_true", help="record the figures in meta.json under realism.SPLIT")
    ap.add_argument("--sheet", type=Path, help="also write contact sheets (grid, pad corners, morphs at t = 0.5) here")
    args = ap.parse_args(argv)
    meta, reader, about, ds, decoder = legibility.load(args.model, args.reader, args.data, args.validation_size)
    split = ds.val if args.split == "validation" else ds.test
    result = {"split": args.split, **measure(decoder, reader, meta, (split.x, split.y))}
    result["reader"] = {k: about[k] for k in ("test_accuracy", "seed", "parameters")}
    if args.write:
        realism = meta.get("realism") if isinstance(meta.get("realism"), dict) else {}
        runs.write_json(args.model / "meta.json", {**meta, "realism": {**realism, args.split: result}})
    if args.sheet:
        from training.measure import realism_sheet
        realism_sheet.write(decoder, sheet_codes(meta), args.sheet / args.model.name)
    print(json.dumps(result, indent=1))
    short = shortfalls(result, meta["dataset"])
    print("\n".join(f"short of the goal: {line}" for line in short), file=sys.stderr)
    return 1 if short else 0


if __name__ == "__main__":
    sys.exit(main())
