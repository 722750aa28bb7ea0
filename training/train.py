"""Train the auto-encoder and write a run folder (training/pipeline/stages.py: the four stages).

    python -m training.train --data ../shared/data/mnist.npz --out runs/mnist

The run folder (training/pipeline/runs.py) gets encoder.h5, decoder.h5, history_*.csv, samples/*.png
and, last of all, metrics.json. An interrupted run resumes from its last finished epoch or round when
the same command is run again; other arguments or settings are refused, so run.json says how it was made.
"""
import argparse
import json
import math
import platform
import signal
import sys
import time
from dataclasses import asdict
from pathlib import Path

from training import cli
from training.cli import UserError
from training.pipeline import config, runs, stages  # noqa: E402  (none loads TensorFlow)
from training.pipeline import data as data_lib  # noqa: E402
from training.contract import GRID_ROWS, NUM_CLASSES, STYLE_DIMS  # noqa: E402


def parse_args(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", help="local .npz in Keras' layout (default: download with keras.datasets)")
    ap.add_argument("--dataset", default="mnist", choices=sorted(data_lib.CLASS_NAMES))
    ap.add_argument("--preset", default="default", choices=list(config.PRESETS))
    ap.add_argument("--style-dims", type=int, default=1, choices=STYLE_DIMS)
    ap.add_argument("--epochs-classifier", type=int, help="override the preset's stage-1 epochs")
    ap.add_argument("--epochs-autoencoder", type=int, help="override the preset's stage-2 epochs")
    ap.add_argument("--refine-rounds", type=int, help="override the preset's stage-3 rounds")
    ap.add_argument("--realism-rounds", type=int, help="override the preset's stage-5 rounds")
    ap.add_argument("--batch-size", type=int)
    ap.add_argument("--learning-rate", type=float)
    ap.add_argument("--validation-size", type=int, default=data_lib.VALIDATION_SIZE)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", required=True, help="run folder (created; an unfinished one is resumed)")
    ap.add_argument("--quiet", action="store_true", help="no progress bars")
    return ap.parse_args(argv)


def check_args(args):
    """Every number must make sense before anything is written or TensorFlow is loaded."""
    at_least = {"--epochs-classifier": (args.epochs_classifier, 1), "--epochs-autoencoder": (args.epochs_autoencoder, 1),
                "--refine-rounds": (args.refine_rounds, 0),
                "--realism-rounds": (args.realism_rounds, 0), "--batch-size": (args.batch_size, 1),
                "--seed": (args.seed, 0)}
    for flag, (value, low) in at_least.items():
        if value is not None and value < low:
            raise UserError(f"{flag} must be at least {low}, got {value}")
    if args.seed > stages.MAX_SEED:
        raise UserError(f"--seed must be at most {stages.MAX_SEED}, got {args.seed}")
    data_lib.check_validation_size(args.validation_size)  # the check every command shares
    if args.learning_rate is not None and not (math.isfinite(args.learning_rate) and args.learning_rate > 0):
        raise UserError(f"--learning-rate must be a positive number, got {args.learning_rate}")


def versions():
    import tensorflow as tf
    import tf_keras
    import numpy as np
    return {"python": platform.python_version(), "tensorflow": tf.__version__,
            "tf_keras": tf_keras.__version__, "numpy": np.__version__}


def run(args):
    check_args(args)
    out = Path(args.out)
    ds = data_lib.load(args.dataset, args.data, args.validation_size)
    from training.pipeline import model as model_lib  # TensorFlow loads here, after the cheap checks
    from training.pipeline import adversary
    p = config.preset(args.preset, epochs_classifier=args.epochs_classifier,
                      epochs_autoencoder=args.epochs_autoencoder, refine_rounds=args.refine_rounds,
                      realism_rounds=args.realism_rounds,
                      batch_size=args.batch_size, learning_rate=args.learning_rate)
    data_lib.check_for_training(ds, p.batch_size)
    record = {"dataset": ds.name, "data_sha256": ds.sha256 or ds.source, "validation_size": args.validation_size,
              "preset": args.preset, "config": json.loads(json.dumps(asdict(p))), "style_dims": args.style_dims,
              "seed": args.seed}
    runs.start_or_resume(out, record)

    import tensorflow as tf
    import tf_keras as keras
    keras.utils.set_random_seed(args.seed)
    tf.config.experimental.enable_op_determinism()
    models = model_lib.build(p, args.style_dims)
    verbose = 0 if args.quiet else 1
    if verbose:
        models.encoder.summary()
        models.decoder.summary()
    parameters = model_lib.parameter_counts(models.encoder, models.decoder)
    print("parameters:", json.dumps(parameters))
    sample_grid = stages.SampleGrid(models, data_lib.Split(ds.train.x[:2000], ds.train.y[:2000]), out / "samples")

    # each stage's seconds, of every process that worked on it (a resumed run's too: training/pipeline/checkpoints.py)
    seconds = {"classifier": stages.train_classifier(models, ds, p, out, args.seed, verbose),
               "autoencoder": stages.train_autoencoder(models, ds, p, out, args.seed, sample_grid, verbose)}
    curves, codes, seconds["refine"] = stages.refine(models, ds, p, out, args.seed, sample_grid, verbose)
    realism_seconds = 0.0
    if p.realism_rounds:  # stage 5 before stage 4: the picker learns the styles of the final decoder
        curves, codes, realism_seconds = adversary.train(models, ds, p, out, args.seed, codes, curves, sample_grid,
                                                         verbose)
    style_head, seconds["picker"] = (stages.pick_styles(models, ds, p, out, args.seed, codes, curves, verbose)
                                     if p.style_bins else (None, 0.0))
    seconds["realism"] = realism_seconds
    return finish(out, ds, p, models, curves, codes, style_head, seconds,
                  {"classifier": p.epochs_classifier, "autoencoder": p.epochs_autoencoder, "refine": p.refine_rounds,
                   "picker": p.picker_epochs if style_head else 0, "realism": p.realism_rounds},
                  {"preset": args.preset, "style_dims": args.style_dims, "seed": args.seed})


def finish(out, ds, p, models, curves, codes, style_head, seconds, epochs, source):
    """The figures and files of a finished run; metrics.json last. -> metrics. seconds, epochs: per stage, in
    STAGES' order; source: the run's preset name, style_dims and seed."""
    from training.pipeline import encoding, model as model_lib, samples
    t_end = time.time()
    figures = {f"{part}_{name}": value for part, split in (("val", ds.val), ("test", ds.test))
               for name, value in encoding.figures(models.encoder, curves, split).items()}
    style = samples.style_stats(codes[:, NUM_CLASSES:], ds.train.y)
    runs.write_model(out / "encoder.h5", models.encoder)
    runs.write_model(out / "decoder.h5", models.decoder)
    samples.save_grid(models.decoder, samples.class_tables(style), GRID_ROWS, out / "grid.png")
    metrics = {
        "dataset": ds.name, "class_names": ds.class_names, "data_source": ds.source,
        "data_sha256": ds.sha256, "sizes": {k: len(getattr(ds, k).x) for k in ("train", "val", "test")},
        **source, "config": asdict(p), **figures,
        "parameters": model_lib.parameter_counts(models.encoder, models.decoder), "frozen_layers": models.frozen,
        "decoder_multiply_adds": model_lib.multiply_adds(models.decoder),
        "encoder_multiply_adds": model_lib.multiply_adds(models.encoder),
        "style_search": curves.grid, **({"style_head": style_head} if style_head else {}),
        "epochs": epochs, "seconds": {**seconds, "total": _total(seconds, time.time() - t_end)},
        "versions": versions(), **style,
    }
    runs.check_interrupted()  # a Ctrl-C dropped while finishing: the run stays unfinished, resumable
    runs.write_json(out / "metrics.json", metrics)  # last: a run folder with metrics.json is complete
    return metrics


def _total(seconds, after):
    """The stages' seconds and the figures and files after them (None if a stage's time is not known)."""
    known = [v for v in seconds.values() if v is not None]
    return round(sum(known) + after, 1) if len(known) == len(seconds) else None


@cli.main
def main(argv=None):
    args = parse_args(argv)
    runs.keep_interrupts()

    def left():
        if (Path(args.out) / "metrics.json").exists():  # the Ctrl-C came after the run's last file
            return f"{args.out} was finished all the same"
        return f"run the same command again to resume {args.out} from its last finished epoch"

    with cli.leaving(left), cli.writing(args.out, "the run"):
        metrics = run(args)
        runs.check_interrupted()
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # from the success line on, a Ctrl-C has nothing to stop
    total = metrics["seconds"]["total"]
    print(f"test accuracy {metrics['test_accuracy']:.4f}  test BCE {metrics['test_bce']:.4f}  "
          f"({'?' if total is None else f'{total:.0f}'} s) -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
