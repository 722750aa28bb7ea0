"""Turn a finished run into what the browser loads.

    python -m training.convert runs/mnist converted_model/mnist

Writes decoder/, encoder/ (TF.js Layers models), meta.json, preview.png, atlasN.png, parity/, the
watched figures and the neighbours index into a temporary folder, checks meta.json as the build does
and swaps the folder in; Ctrl-C or SIGTERM before the swap leaves `out` as it was. Quantisation that
costs more than MAX_BCE_INCREASE or MAX_ACCURACY_DROP is an error. See docs/ARCHITECTURE.md.
"""
import argparse
import hashlib
import json
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np  # noqa: E402

from training.export import analysis, style_levels  # noqa: E402
from training.pipeline import encoding, runs, samples  # noqa: E402
from training import watched  # noqa: E402
from training import cli, neighbours  # noqa: E402
from training.cli import UserError
from training.folders import check_replaceable, written_whole  # noqa: E402
from training.contract import ATLAS_QUANTILES, GRID_GAP, GRID_ROWS, IMAGE_SIDE, NUM_CLASSES  # noqa: E402
from training.contract import check as check_meta, metrics_problem  # noqa: E402

QUANTIZE_FLAGS = {"none": [], "float16": ["--quantize_float16=*"], "uint16": ["--quantize_uint16=*"],
                  "uint8": ["--quantize_uint8=*"], "mixed": None}  # mixed: flags made per model
# "mixed": uint8 for kernels of at least this many weights (nearly all the bytes), uint16 for the small
# tensors every pixel depends on (biases, BatchNorm statistics, the output kernel); its cost is
# measured at every conversion (meta.json -> shipped_metrics) and bounded below.
UINT8_MIN_WEIGHTS = 4096
# What quantisation may cost, measured on the test set with the shipped weights; more is an error.
MAX_BCE_INCREASE = 1e-3
MAX_ACCURACY_DROP = 1e-3
# what a converted model folder holds: an existing `out` is replaced only if it holds nothing else
OUTPUT_ENTRIES = ("meta.json", "preview.png", "atlas*.png", "decoder", "encoder", "parity", "neighbours.*",
                  watched.SPRITE, watched.DATA)
PARITY_DIGITS = 32


def reached(point):
    """Nothing: tests replace it to act at a point of a conversion ("writing": the temporary folder
    exists; "swapped": the output is in place)."""


def write_meta(folder, meta, where):
    """meta.json into `folder`, if it keeps the contract the build checks (training/contract.py) and is
    JSON the browser can parse (no NaN or infinity): otherwise UserError, and nothing is written."""
    check_meta(meta, where)
    try:
        text = json.dumps(meta, indent=2, allow_nan=False) + "\n"
    except ValueError:
        raise UserError(f"{where}: holds a number that is not finite (NaN or infinity), "
                        f"which JSON cannot hold") from None
    (Path(folder) / "meta.json").write_text(text)


def page_metrics(metrics):
    """The run's figures that meta.json carries for the page."""
    return {k: metrics[k] for k in ("test_accuracy", "test_bce", "val_accuracy", "val_bce",
                                    "test_bce_style_head", "val_bce_style_head") if k in metrics}


def parity_codes(style_range, tables, rng):
    """Codes the parity tests decode: every one-hot digit at five styles across its percentiles,
    each neighbouring pair half-and-half (the slider's morph), and random mixtures."""
    style_range = np.asarray(style_range, np.float32)
    codes = list(samples.grid_codes(tables, 5))
    middle = style_range.mean(axis=1)
    eye = np.eye(NUM_CLASSES, dtype=np.float32)
    for d in range(NUM_CLASSES):
        codes.append(np.concatenate([0.5 * eye[d] + 0.5 * eye[(d + 1) % NUM_CLASSES], middle]))
    for _ in range(6):
        mix = rng.dirichlet(np.ones(NUM_CLASSES)).astype(np.float32)
        style = style_range[:, 0] + rng.random(len(style_range)) * (style_range[:, 1] - style_range[:, 0])
        codes.append(np.concatenate([mix, style.astype(np.float32)]))
    return np.stack(codes).astype(np.float32)


def quantize_flags(model, quantize):
    """The converter's flags; for "mixed", the names of the weights that get 8 and 16 bits."""
    if quantize != "mixed":
        return QUANTIZE_FLAGS[quantize]
    names = {8: [], 16: []}
    for w in model.weights:
        names[8 if "kernel" in w.name and w.shape.num_elements() >= UINT8_MIN_WEIGHTS else 16].append(
            w.name.split(":")[0])
    return [f"--quantize_uint{bits}={','.join(found)}" for bits, found in names.items() if found]


def check_quantization_cost(trained, shipped):
    """trained, shipped: {"test_accuracy", "test_bce"} of the Keras model and of the shipped weights."""
    bce_up = shipped["test_bce"] - trained["test_bce"]
    accuracy_down = trained["test_accuracy"] - shipped["test_accuracy"]
    if bce_up > MAX_BCE_INCREASE or accuracy_down > MAX_ACCURACY_DROP:
        raise UserError(f"the quantised weights cost too much: test BCE {trained['test_bce']:.4f} -> "
                        f"{shipped['test_bce']:.4f}, accuracy {trained['test_accuracy']:.4f} -> "
                        f"{shipped['test_accuracy']:.4f} (limits +{MAX_BCE_INCREASE}, -{MAX_ACCURACY_DROP}); "
                        f"try --quantize uint16")


def _tfjs_convert(parts, quantize):
    """The official converter on each (model, h5, out) of parts, all at once: each is a Python of its own
    that spends ~5 s importing tensorflowjs, and two of them take the time of one on two cores."""
    started = []
    try:
        for model, h5, out in parts:
            cmd = [sys.executable, "-m", "tensorflowjs.converters.converter", "--input_format=keras",
                   "--output_format=tfjs_layers_model", *quantize_flags(model, quantize), str(h5), str(out)]
            log = tempfile.TemporaryFile("w+")  # not a pipe: an unread pipe that fills up would stall its converter
            started.append((h5, out, log, subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, text=True)))
        for h5, out, log, proc in started:
            if proc.wait() != 0 or not (out / "model.json").exists():
                log.seek(0)
                tail = log.read().strip().splitlines()[-1:] or ["no output"]
                raise UserError(f"{h5}: tensorflowjs converter failed: {tail[0]}")
    finally:  # Ctrl-C or a failure: no converter is left writing
        for *_, log, proc in started:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            log.close()


def _folder_bytes(folder):
    return sum(f.stat().st_size for f in folder.iterdir() if f.is_file())


def _write_f32(path, array):
    np.ascontiguousarray(array, dtype="<f4").tofile(path)


def _weights_sha256(folder):
    """{"decoder/group1-shard1of1.bin": hex digest, ...}: the page and the build check each shard."""
    hashes = {}
    for part in ("decoder", "encoder"):
        for group in json.loads((folder / part / "model.json").read_text())["weightsManifest"]:
            for shard in group["paths"]:
                hashes[f"{part}/{shard}"] = hashlib.sha256((folder / part / shard).read_bytes()).hexdigest()
    return hashes


def convert(run, out, quantize="mixed", data_path=None):
    run, out = Path(run), Path(out)
    check_replaceable(out, OUTPUT_ENTRIES, "meta.json", "training.convert")  # before hours of work are at stake
    metrics = runs.read_run(run)
    if problem := metrics_problem(page_metrics(metrics)):  # the build would refuse it: say so before the work
        raise UserError(f"{run / 'metrics.json'}: {problem}")
    ds = runs.load_run_data(run, metrics, data_path)
    encoder, decoder = runs.load_run_models(run, metrics["style_dims"])
    import tensorflowjs

    from training.pipeline import model as model_lib

    # nothing half-written: the old folder stays until the end; a folder convert did not make is refused
    with written_whole(out, OUTPUT_ENTRIES, "meta.json", "training.convert") as tmp:
        reached("writing")
        (tmp / "parity").mkdir(parents=True)
        _tfjs_convert([(model, run / f"{part}.h5", tmp / part) for part, model in
                       (("decoder", decoder), ("encoder", encoder))], quantize)
        # Keras with the weights as shipped (dequantised): the reference for the parity tests, so
        # they test TF.js alone, and the model whose test figures the page really shows.
        shipped_decoder = tensorflowjs.converters.load_keras_model(str(tmp / "decoder" / "model.json"))
        shipped_encoder = tensorflowjs.converters.load_keras_model(str(tmp / "encoder" / "model.json"))
        shipped = {f"test_{name}": value for name, value in
                   encoding.figures(shipped_encoder, encoding.Curves(shipped_decoder, metrics["style_search"]),
                                    ds.test).items()}
        check_quantization_cost(metrics, shipped)

        style_range, tables = metrics["style_range"], samples.class_tables(metrics)
        samples.save_grid(shipped_decoder, tables, GRID_ROWS, tmp / "preview.png")
        codes = parity_codes(style_range, tables, np.random.default_rng(0))
        digits = ds.test.x[:PARITY_DIGITS]
        arrays = {"codes": codes, "decoded": shipped_decoder.predict(codes, verbose=0),
                  "digits": digits, "encoded": shipped_encoder.predict(digits, verbose=0)}
        for name, array in arrays.items():
            _write_f32(tmp / "parity" / f"{name}.f32", array)
        # the styles the page's codes have: searched (training/pipeline/encoding.py)
        searched = encoding.encode(encoder, encoding.Curves(decoder, metrics["style_search"]), ds.test.x)[2]
        style = searched[:, NUM_CLASSES:]
        meaning = analysis.describe(ds.test.x, style, ds.test.y)
        meaning["atlas"] = []
        for d in range(metrics["style_dims"]):  # real test digits at style quantiles, per dimension
            name = f"atlas{d + 1}.png"
            atlas = analysis.atlas(ds.test.x, style, ds.test.y, d)
            samples.write_png(tmp / name, samples.tile(atlas, NUM_CLASSES, len(ATLAS_QUANTILES)))
            meaning["atlas"].append(name)
        training = watched.write(run, tmp)  # the run's samples and loss curves, for the page
        (tmp / "parity" / "shapes.json").write_text(json.dumps(
            {name: list(a.shape) for name, a in arrays.items()}, indent=1) + "\n")

        meta = {
            "name": out.name,
            "dataset": metrics["dataset"],
            "class_names": metrics["class_names"],
            "style_dims": metrics["style_dims"],
            "code_size": NUM_CLASSES + metrics["style_dims"],
            "style_range": style_range,
            "style_mean": metrics["style_mean"],
            "style_percentiles": metrics["style_percentiles"],
            "style_percentiles_per_class": metrics["style_percentiles_per_class"],
            "metrics": page_metrics(metrics),
            "shipped_metrics": shipped,
            **({"style_head": metrics["style_head"]} if "style_head" in metrics else {}),
            "parameters": model_lib.parameter_counts(encoder, decoder),
            "decoder_multiply_adds": metrics["decoder_multiply_adds"],
            "encoder_multiply_adds": metrics["encoder_multiply_adds"],
            "weight_bytes": {p: _folder_bytes(tmp / p) - (tmp / p / "model.json").stat().st_size
                             for p in ("decoder", "encoder")},
            "weights_sha256": _weights_sha256(tmp),
            "style_meaning": meaning,
            "level_traits": style_levels.table(shipped_decoder, metrics),  # what "your style on every digit" picks by
            "quantization": quantize,
            "preview": {"file": "preview.png", "rows": GRID_ROWS, "cols": NUM_CLASSES, "cell": IMAGE_SIDE, "gap": GRID_GAP},
            "versions": {**metrics["versions"], "tensorflowjs": tensorflowjs.__version__},
            "source": {"preset": metrics["preset"], "seed": metrics["seed"], "epochs": metrics["epochs"],
                       "data_sha256": metrics["data_sha256"], "validation_size": metrics["sizes"]["val"],
                       "seconds": metrics["seconds"],
                       **({"tuned_from": metrics["tuned_from"]} if "tuned_from" in metrics else {})},
            "neighbours": neighbours.write_index(tmp, ds),  # real training images for the page's check
        }
        if training:
            meta["training"] = training
        write_meta(tmp, meta, out / "meta.json")
        # the output is complete and is swapped in next: an interrupt from here on would only report
        # "not changed" over a finished model
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, signal.SIG_IGN)
    reached("swapped")
    return meta


@cli.main
def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("run", help="a finished run folder (holds metrics.json)")
    ap.add_argument("out", help="e.g. converted_model/mnist")
    ap.add_argument("--quantize", choices=sorted(QUANTIZE_FLAGS), default="mixed",
                    help="weight storage (default mixed: uint8 large kernels, uint16 the rest)")
    ap.add_argument("--data", help="the run's .npz, if it moved since training (for the parity digits)")
    args = ap.parse_args(argv)
    signal.signal(signal.SIGTERM, cli.raise_terminated)
    with cli.leaving(f"{args.out} was not changed"), cli.writing(args.out, "the model"):
        meta = convert(args.run, args.out, args.quantize, args.data)
    trained, shipped = meta["metrics"], meta["shipped_metrics"]
    print(f"{args.out}: decoder {meta['weight_bytes']['decoder']:,} bytes of weights "
          f"({meta['quantization']}); test accuracy {trained['test_accuracy']:.4f} trained, "
          f"{shipped['test_accuracy']:.4f} shipped; test BCE {trained['test_bce']:.4f} trained, "
          f"{shipped['test_bce']:.4f} shipped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
