"""How far is the encoder's style from the best style the decoder can offer?

    python -m training.style_search runs/mnist --data ../shared/data/mnist.npz [--split test]

The encoder picks one style value per image by a forward pass; the decoder may hold a better one.
For every image this searches the decoder's curve of its most likely class (the one-hot class code
at `--points` style values spanning the encoder's own styles on the split, widened by a tenth on
each side), re-scores the best few with the image's real class probabilities, and keeps the best
of those and the encoder's own value. It prints the mean per-pixel BCE of the encoder's codes and
of the searched codes: the difference is what a better encoder could gain with this decoder.
The page never uses this: it measures, it does not ship.
"""
import argparse
import json
import os
import sys
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402

from training import convert  # noqa: E402
from training import data as data_lib  # noqa: E402
from training.model import NUM_CLASSES  # noqa: E402
from training.train import bce_per_image  # noqa: E402

EPS = 1e-7  # Keras' clip for binary cross-entropy


def style_grid(styles, points):
    """points values per style dimension, spanning the given styles widened by 10% each side."""
    lo, hi = styles.min(0), styles.max(0)
    lo, hi = lo - 0.1 * (hi - lo), hi + 0.1 * (hi - lo)
    axes = [np.linspace(a, b, points, dtype=np.float32) for a, b in zip(lo, hi)]
    return np.stack([g.ravel() for g in np.meshgrid(*axes, indexing="ij")], 1)


def search(encoder, decoder, x, points=1200, keep=3):
    """-> (encoder codes, their BCE per image, searched codes, their BCE per image)."""
    codes = encoder.predict(x, batch_size=1000, verbose=0)
    enc_bce = bce_per_image(x, decoder.predict(codes, batch_size=1000, verbose=0))
    style_dims = codes.shape[1] - NUM_CLASSES
    grid = style_grid(codes[:, NUM_CLASSES:], points if style_dims == 1 else int(points ** 0.5))
    flat = x.reshape(len(x), -1).astype(np.float32)
    classes = codes[:, :NUM_CLASSES].argmax(1)
    candidates = np.zeros((len(x), keep, style_dims), np.float32)
    for c in np.unique(classes):
        rows = np.where(classes == c)[0]
        curve = np.zeros((len(grid), NUM_CLASSES + style_dims), np.float32)
        curve[:, c], curve[:, NUM_CLASSES:] = 1, grid
        r = np.clip(decoder.predict(curve, batch_size=1000, verbose=0).reshape(len(grid), -1), EPS, 1 - EPS)
        # sum over pixels of x log r + (1 - x) log(1 - r), for every image x curve point at once
        score = flat[rows] @ np.log(r).T + (1 - flat[rows]) @ np.log(1 - r).T
        candidates[rows] = grid[np.argsort(-score, 1)[:, :keep]]
    best, best_bce = codes.copy(), enc_bce.copy()
    for k in range(keep):
        trial = codes.copy()
        trial[:, NUM_CLASSES:] = candidates[:, k]
        trial_bce = bce_per_image(x, decoder.predict(trial, batch_size=1000, verbose=0))
        better = trial_bce < best_bce
        best[better], best_bce[better] = trial[better], trial_bce[better]
    return codes, enc_bce, best, best_bce


def parse_args(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("run", type=Path, help="a finished run folder (encoder.h5, decoder.h5, metrics.json)")
    ap.add_argument("--data", help="the run's .npz (default: the path recorded in its metrics.json)")
    ap.add_argument("--split", default="test", choices=["train", "val", "test"])
    ap.add_argument("--points", type=int, default=1200, help="style values searched (per class)")
    return ap.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    try:
        metrics = convert.read_run(args.run)
        ds = convert.load_run_data(args.run, metrics, args.data)
        encoder, decoder = convert.load_run_models(args.run)
    except (convert.ConvertError, data_lib.DataError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    split = getattr(ds, args.split)
    _, enc_bce, _, best_bce = search(encoder, decoder, split.x, args.points)
    print(json.dumps({"run": str(args.run), "split": args.split, "images": len(split.x),
                      "encoder_bce": round(float(enc_bce.mean()), 6),
                      "searched_bce": round(float(best_bce.mean()), 6),
                      "share_improved": round(float(np.mean(best_bce < enc_bce)), 4)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
