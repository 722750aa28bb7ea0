"""What encoding by search gains over the style head alone, on a split of a finished run.

    python -m training.encoding runs/mnist [--data ../shared/data/mnist.npz] [--split test]

The search itself is training/pipeline/encoding.py.
"""
import argparse
import json
import sys
from pathlib import Path

import numpy as np  # noqa: E402

from training import cli
from training.pipeline.encoding import Curves, encode  # noqa: E402


def parse_args(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("run", type=Path, help="a finished run folder (encoder.h5, decoder.h5, metrics.json)")
    ap.add_argument("--data", help="the run's .npz (default: the path recorded in its metrics.json)")
    ap.add_argument("--split", default="test", choices=["train", "val", "test"])
    ap.add_argument("--points", type=int, help="grid points per class (default: the run's own grid)")
    return ap.parse_args(argv)


@cli.main
def main(argv=None):
    from training.pipeline import runs
    args = parse_args(argv)
    metrics = runs.read_run(args.run)
    ds = runs.load_run_data(args.run, metrics, args.data)
    encoder, decoder = runs.load_run_models(args.run, metrics["style_dims"])
    split = getattr(ds, args.split)
    grid = {**metrics["style_search"], **({"points": args.points} if args.points else {})}
    _, head_bce, _, best_bce = encode(encoder, Curves(decoder, grid), split.x)
    print(json.dumps({"run": str(args.run), "split": args.split, "images": len(split.x),
                      "grid_points": grid["points"],
                      "style_head_bce": round(float(head_bce.mean()), 6),
                      "searched_bce": round(float(best_bce.mean()), 6),
                      "share_improved": round(float(np.mean(best_bce < head_bce)), 4)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
