"""How good is the model's test BCE? Honest baselines on the same test set, from the data alone.

    python -m training.baselines --data ../shared/data/mnist.npz [--dataset mnist] [--write converted_model/mnist]

Each rule (entropy floor, mean image, class mean, per-class PCA, PCA over all classes) is fitted on the
training split and scored as the model is (BCE per pixel, Keras' clip). Prints JSON; --write MODEL
records it in meta.json -> "baselines" after checking the data is the model's own. NumPy only.
See docs/ARCHITECTURE.md, "Notes by module".
"""
import argparse
import json
import sys
from pathlib import Path

import numpy as np

from training.pipeline import data as data_lib
from training.pipeline import runs
from training import cli, contract
from training.contract import NUM_CLASSES, read_json
from training.pipeline.encoding import bce

PER_CLASS_COMPONENTS = (1, 2, 3)
ALL_CLASS_COMPONENTS = 11


def pca(train, k):
    """-> (mean, the top k principal directions [k, pixels])."""
    mean = train.mean(0)
    centred = train - mean
    values, vectors = np.linalg.eigh(centred.T @ centred)  # ascending
    return mean, vectors[:, ::-1][:, :k].T


def project(x, mean, directions):
    return np.clip(mean + (x - mean) @ directions.T @ directions, 0, 1)


def baselines(ds):
    train = ds.train.x.reshape(len(ds.train.x), -1).astype(np.float64)
    test = ds.test.x.reshape(len(ds.test.x), -1).astype(np.float64)
    out = {"entropy floor": bce(test, test), "mean image": bce(test, np.broadcast_to(train.mean(0), test.shape))}
    class_mean = np.zeros_like(test)
    per_class = {k: np.zeros_like(test) for k in PER_CLASS_COMPONENTS}
    for c in range(NUM_CLASSES):
        mine = test[ds.test.y == c]
        mean, directions = pca(train[ds.train.y == c], max(PER_CLASS_COMPONENTS))
        class_mean[ds.test.y == c] = mean
        for k in PER_CLASS_COMPONENTS:
            per_class[k][ds.test.y == c] = project(mine, mean, directions[:k])
    out["class mean"] = bce(test, class_mean)
    for k in PER_CLASS_COMPONENTS:
        out[f"per-class PCA, {k} component{'s' if k > 1 else ''}"] = bce(test, per_class[k])
    mean, directions = pca(train, ALL_CLASS_COMPONENTS)
    out[f"PCA, {ALL_CLASS_COMPONENTS} components"] = bce(test, project(test, mean, directions))
    return {name: round(value, 4) for name, value in out.items()}


@cli.main
def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", help="local .npz in Keras' layout (default: keras.datasets)")
    ap.add_argument("--dataset", default="mnist", choices=sorted(data_lib.CLASS_NAMES))
    ap.add_argument("--validation-size", type=int, default=data_lib.VALIDATION_SIZE,
                    help="held out of the fit as in training")
    ap.add_argument("--write", type=Path, metavar="MODEL",
                    help="also record them in this converted model's meta.json -> baselines")
    args = ap.parse_args(argv)
    ds = data_lib.load(args.dataset, args.data, data_lib.check_validation_size(args.validation_size))
    if args.write:
        contract.trained_on(args.write, ds, split=True)
    result = {"test_images": len(ds.test.x), "train_images": len(ds.train.x), "test_bce": baselines(ds)}
    if args.write:
        path = args.write / "meta.json"
        # read again (another tool may have written it meanwhile), and checked whole before written
        meta = contract.trained_on(args.write, ds, split=True)
        written = contract.check({**meta, "baselines": result}, str(path))
        runs.write_json(path, written)
    print(json.dumps({"dataset": ds.name, **result}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
