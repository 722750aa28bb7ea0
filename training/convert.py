"""Turn a finished run into what the browser loads.

    python -m training.convert runs/mnist converted_model/mnist

Writes decoder/ and encoder/ (TF.js Layers models made by the official tensorflowjs converter),
meta.json (with style_meaning: how each style value correlates with measured traits of the test
digits), preview.png (the digits x styles grid as Keras draws it, for the page to show before or
without a working backend), atlasN.png (real test digits at quantiles of style N) and parity/ (inputs and Keras' outputs, for the parity tests; the site
build does not copy it). Everything is written to a temporary folder first and swapped in at the end.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402

from training import analysis  # noqa: E402
from training import data as data_lib  # noqa: E402
from training import samples  # noqa: E402
from training import model as model_lib  # noqa: E402
from training.model import NUM_CLASSES  # noqa: E402

QUANTIZE_FLAGS = {"none": [], "float16": ["--quantize_float16=*"], "uint16": ["--quantize_uint16=*"],
                  "uint8": ["--quantize_uint8=*"]}
RUN_FILES = ("metrics.json", "encoder.h5", "decoder.h5")
PREVIEW_ROWS = 11
PARITY_DIGITS = 32


class ConvertError(RuntimeError):
    """The run cannot be converted; the message is meant for the user as is."""


def parity_codes(style_range, per_class, rng):
    """Codes the parity tests decode: every one-hot digit at five styles across its range,
    each neighbouring pair half-and-half (the slider's morph), and random mixtures."""
    style_range = np.asarray(style_range, np.float32)
    codes = list(samples.grid_codes(per_class, 5))
    middle = style_range.mean(axis=1)
    eye = np.eye(NUM_CLASSES, dtype=np.float32)
    for d in range(NUM_CLASSES):
        codes.append(np.concatenate([0.5 * eye[d] + 0.5 * eye[(d + 1) % NUM_CLASSES], middle]))
    for _ in range(6):
        mix = rng.dirichlet(np.ones(NUM_CLASSES)).astype(np.float32)
        style = style_range[:, 0] + rng.random(len(style_range)) * (style_range[:, 1] - style_range[:, 0])
        codes.append(np.concatenate([mix, style.astype(np.float32)]))
    return np.stack(codes).astype(np.float32)


def _tfjs_convert(h5, out, quantize):
    cmd = [sys.executable, "-m", "tensorflowjs.converters.converter", "--input_format=keras",
           "--output_format=tfjs_layers_model", *QUANTIZE_FLAGS[quantize], str(h5), str(out)]
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0 or not (out / "model.json").exists():
        tail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no output"]
        raise ConvertError(f"{h5}: tensorflowjs converter failed: {tail[0]}")


def _folder_bytes(folder):
    return sum(f.stat().st_size for f in folder.iterdir() if f.is_file())


def _write_f32(path, array):
    np.ascontiguousarray(array, dtype="<f4").tofile(path)


def _per_class_ranges(metrics):
    """[10][k][low, high]: 1st and 99th percentile of each class's style values."""
    if "style_range_per_class" in metrics:
        return metrics["style_range_per_class"]
    per = metrics["style_percentiles_per_class"]  # runs made before the field existed
    return [[[per[str(c)]["1"][d], per[str(c)]["99"][d]] for d in range(metrics["style_dims"])]
            for c in range(NUM_CLASSES)]


def read_run(run):
    run = Path(run)
    missing = [f for f in RUN_FILES if not (run / f).is_file()]
    if missing:
        raise ConvertError(f"{run}: not a finished run (missing {', '.join(missing)}); "
                           f"train it to the end with python -m training.train --out {run}")
    try:
        return json.loads((run / "metrics.json").read_text())
    except json.JSONDecodeError as e:
        raise ConvertError(f"{run / 'metrics.json'}: not valid JSON ({e})") from None


def convert(run, out, quantize="uint16", data_path=None):
    import tensorflowjs
    import tf_keras as keras
    run, out = Path(run), Path(out)
    metrics = read_run(run)
    data_path = data_path or metrics["data_source"]
    if not data_path.endswith(".npz"):
        data_path = None  # the run used keras.datasets; so do we
    ds = data_lib.load(metrics["dataset"], data_path, metrics["sizes"]["val"])
    if ds.sha256 and metrics["data_sha256"] and ds.sha256 != metrics["data_sha256"]:
        raise ConvertError(f"{data_path}: not the data {run} was trained on (sha256 differs); pass --data")

    tmp = out.with_name(out.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    try:
        (tmp / "parity").mkdir(parents=True)
        for part in ("decoder", "encoder"):
            _tfjs_convert(run / f"{part}.h5", tmp / part, quantize)
        decoder = keras.models.load_model(run / "decoder.h5", compile=False)
        encoder = keras.models.load_model(run / "encoder.h5", compile=False)

        style_range, per_class = metrics["style_range"], _per_class_ranges(metrics)
        samples.save_grid(decoder, per_class, PREVIEW_ROWS, tmp / "preview.png")
        codes = parity_codes(style_range, per_class, np.random.default_rng(0))
        digits = ds.test.x[:PARITY_DIGITS]
        arrays = {"codes": codes, "decoded": decoder.predict(codes, verbose=0),
                  "digits": digits, "encoded": encoder.predict(digits, verbose=0)}
        for name, array in arrays.items():
            _write_f32(tmp / "parity" / f"{name}.f32", array)
        style = encoder.predict(ds.test.x, batch_size=1000, verbose=0)[:, NUM_CLASSES:]
        meaning = analysis.describe(ds.test.x, style, ds.test.y)
        meaning["atlas"] = []
        for d in range(metrics["style_dims"]):  # real test digits at style quantiles, per dimension
            name = f"atlas{d + 1}.png"
            atlas = analysis.atlas(ds.test.x, style, ds.test.y, d)
            samples.write_png(tmp / name, samples.tile(atlas, NUM_CLASSES, len(analysis.ATLAS_QUANTILES)))
            meaning["atlas"].append(name)
        (tmp / "parity" / "shapes.json").write_text(json.dumps(
            {name: list(a.shape) for name, a in arrays.items()}, indent=1) + "\n")

        meta = {
            "name": out.name,
            "dataset": metrics["dataset"],
            "class_names": metrics["class_names"],
            "style_dims": metrics["style_dims"],
            "code_size": NUM_CLASSES + metrics["style_dims"],
            "style_range": style_range,
            "style_range_per_class": per_class,
            "style_mean": metrics["style_mean"],
            "style_percentiles": metrics["style_percentiles"],
            "style_percentiles_per_class": metrics["style_percentiles_per_class"],
            "metrics": {k: metrics[k] for k in ("test_accuracy", "test_bce", "val_accuracy", "val_bce")},
            "parameters": model_lib.parameter_counts(encoder, decoder),
            "decoder_multiply_adds": metrics["decoder_multiply_adds"],
            "encoder_multiply_adds": metrics["encoder_multiply_adds"],
            "weight_bytes": {p: _folder_bytes(tmp / p) - (tmp / p / "model.json").stat().st_size
                             for p in ("decoder", "encoder")},
            "style_meaning": meaning,
            "quantization": quantize,
            "preview": {"file": "preview.png", "rows": PREVIEW_ROWS, "cols": NUM_CLASSES, "cell": 28, "gap": 2},
            "versions": {**metrics["versions"], "tensorflowjs": tensorflowjs.__version__},
            "source": {"preset": metrics["preset"], "seed": metrics["seed"], "epochs": metrics["epochs"],
                       "data_sha256": metrics["data_sha256"], "seconds": metrics["seconds"]},
        }
        (tmp / "meta.json").write_text(json.dumps(meta, indent=2) + "\n")
    except BaseException:  # nothing half-written: the old folder stays as it was
        shutil.rmtree(tmp, ignore_errors=True)
        raise

    old = out.with_name(out.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if out.exists():
        out.rename(old)
    tmp.rename(out)
    shutil.rmtree(old, ignore_errors=True)
    return meta


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("run", help="a finished run folder (holds metrics.json)")
    ap.add_argument("out", help="e.g. converted_model/mnist")
    ap.add_argument("--quantize", choices=sorted(QUANTIZE_FLAGS), default="uint16",
                    help="weight storage (default uint16: half the bytes of float32, pixels within 1e-3)")
    ap.add_argument("--data", help="the run's .npz, if it moved since training (for the parity digits)")
    args = ap.parse_args(argv)
    try:
        meta = convert(args.run, args.out, args.quantize, args.data)
    except (ConvertError, data_lib.DataError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    print(f"{args.out}: decoder {meta['weight_bytes']['decoder']:,} bytes of weights "
          f"({meta['quantization']}), test accuracy {meta['metrics']['test_accuracy']:.4f}, "
          f"test BCE {meta['metrics']['test_bce']:.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
