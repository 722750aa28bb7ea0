"""Train the auto-encoder in two stages and write a run folder.

    python -m training.train --data ../shared/data/mnist.npz --out runs/mnist

Stage 1 trains the classifier (image -> 10 probabilities), then freezes it. Stage 2 trains the
style head and the decoder to reproduce the image from [probabilities, style]. Stage 3 (the
default preset's refine rounds) trains the decoder on the codes the style search finds. Every
figure encodes an image as the search does (training/style_search.py). The run folder gets
encoder.h5, decoder.h5, history_*.csv, samples/*.png and, last of all, metrics.json.
An interrupted run resumes from its last finished epoch or round when started again with the same --out.
"""
import argparse
import json
import os
import platform
import sys
import time
from dataclasses import asdict
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # keep TensorFlow's C++ start-up chatter out of the log

import numpy as np  # noqa: E402

from training import data as data_lib  # noqa: E402
from training import model as model_lib  # noqa: E402
from training import refine as refine_lib  # noqa: E402
from training import samples  # noqa: E402
from training import style_search  # noqa: E402

SAMPLE_ROWS = 3  # the per-epoch figure: the 10 digits at low, middle and high style


class TrainingError(RuntimeError):
    """Training cannot go on; the message is meant for the user as is."""


def parse_args(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", help="local .npz in Keras' layout (default: download with keras.datasets)")
    ap.add_argument("--dataset", default="mnist", choices=sorted(data_lib.CLASS_NAMES))
    ap.add_argument("--preset", default="default", choices=sorted(model_lib.PRESETS))
    ap.add_argument("--style-dims", type=int, default=1)
    ap.add_argument("--epochs-classifier", type=int, help="override the preset's stage-1 epochs")
    ap.add_argument("--epochs-autoencoder", type=int, help="override the preset's stage-2 epochs")
    ap.add_argument("--refine-rounds", type=int, help="override the preset's stage-3 rounds")
    ap.add_argument("--batch-size", type=int)
    ap.add_argument("--learning-rate", type=float)
    ap.add_argument("--validation-size", type=int, default=data_lib.VALIDATION_SIZE)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", required=True, help="run folder (created; an unfinished one is resumed)")
    ap.add_argument("--quiet", action="store_true", help="no progress bars")
    return ap.parse_args(argv)


def _datasets(tf, keras, split, batch, seed, shuffle, shift=0):
    ds = tf.data.Dataset.from_tensor_slices((split.x, split.y))
    if shuffle:
        ds = ds.shuffle(len(split.x), seed=seed, reshuffle_each_iteration=True)
    ds = ds.batch(batch)
    if shift:
        jitter = keras.layers.RandomTranslation(shift / 28, shift / 28, fill_mode="constant", seed=seed)
        ds = ds.map(lambda x, y: (jitter(x, training=True), y), num_parallel_calls=tf.data.AUTOTUNE)
    return ds.prefetch(tf.data.AUTOTUNE)


def _optimizer(keras, p, epochs, n):
    lr = p.learning_rate
    if p.cosine:
        steps = max(1, epochs * -(-n // p.batch_size))
        lr = keras.optimizers.schedules.CosineDecay(p.learning_rate, steps, alpha=0.01)
    return keras.optimizers.Adam(lr)


def _check_finite(history, stage):
    for name, values in history.history.items():
        if values and not np.isfinite(values[-1]):
            raise TrainingError(f"{stage}: {name} became {values[-1]} at epoch {len(values)}; "
                                f"training stopped (try a lower --learning-rate)")


def _callbacks(keras, out, stage):
    csv = out / f"history_{stage}.csv"
    backup = out / f"backup_{stage}"
    return [keras.callbacks.BackupAndRestore(str(backup)),
            keras.callbacks.CSVLogger(str(csv), append=backup.exists()),
            keras.callbacks.TerminateOnNaN()]


def train_classifier(models, ds, p, out, verbose=1):
    """Stage 1, then freeze. Skipped (weights loaded) when an earlier run of this folder finished it."""
    import tensorflow as tf
    import tf_keras as keras
    done = out / "stage1.weights.h5"
    if done.exists():
        models.classifier.load_weights(str(done))
        print(f"stage 1: loaded {done} (finished by an earlier run)")
    else:
        epochs = p.epochs_classifier
        models.classifier.compile(_optimizer(keras, p, epochs, len(ds.train.x)),
                                  "sparse_categorical_crossentropy", metrics=["accuracy"])
        history = models.classifier.fit(
            _datasets(tf, keras, ds.train, p.batch_size, 1, True, p.augment_shift),
            validation_data=_datasets(tf, keras, ds.val, 512, 0, False),
            epochs=epochs, callbacks=_callbacks(keras, out, "classifier"), verbose=verbose)
        _check_finite(history, "stage 1 (classifier)")
        models.classifier.save_weights(str(done))
    model_lib.freeze_classifier(models)


class SampleGrid:
    """After each stage-2 epoch (callback) and stage-3 round (write_codes): the 10 digits at the
    current low / middle / high style."""

    def __init__(self, keras, models, split, folder):
        self.models, self.x, self.y, self.folder = models, split.x, split.y, folder
        folder.mkdir(parents=True, exist_ok=True)
        outer = self

        class Callback(keras.callbacks.Callback):
            def on_epoch_end(self, epoch, logs=None):
                outer.write(epoch + 1)

        self.callback = Callback()

    def write(self, epoch):
        self.write_codes(self.models.encoder.predict(self.x, batch_size=1000, verbose=0), f"epoch_{epoch:02d}.png")

    def write_codes(self, codes, name):
        """The figure for the styles of `codes`, one per digit of the split (stage 3 passes its own)."""
        stats = samples.style_stats(codes[:len(self.y), model_lib.NUM_CLASSES:], self.y)
        samples.save_grid(self.models.decoder, samples.class_tables(stats), SAMPLE_ROWS, self.folder / name)


def train_autoencoder(models, ds, p, out, sample_grid, verbose=1):
    """Stage 2: image -> same image, binary cross-entropy; only style head and decoder learn.
    Skipped (weights loaded) when an earlier run of this folder finished it."""
    import tensorflow as tf
    import tf_keras as keras
    ae, epochs = models.autoencoder, p.epochs_autoencoder
    done = out / "stage2.weights.h5"
    if done.exists():
        ae.load_weights(str(done))
        print(f"stage 2: loaded {done} (finished by an earlier run)")
        return
    ae.compile(_optimizer(keras, p, epochs, len(ds.train.x)), "binary_crossentropy")
    to_self = lambda x, y: (x, x)  # noqa: E731
    history = ae.fit(
        _datasets(tf, keras, ds.train, p.batch_size, 2, True).map(to_self),
        validation_data=_datasets(tf, keras, ds.val, 512, 0, False).map(to_self),
        epochs=epochs, callbacks=_callbacks(keras, out, "autoencoder") + [sample_grid.callback], verbose=verbose)
    _check_finite(history, "stage 2 (auto-encoder)")
    ae.save_weights(str(done))


def figures(encoder, decoder, split, grid):
    """Accuracy of the class output; mean per-pixel binary cross-entropy of the reconstruction from
    the searched codes (bce) and from the style head's own (bce_style_head). grid None: runs made
    before the search, whose codes are the style head's."""
    head, head_bce, _, bce = style_search.encode(encoder, decoder, split.x, grid)
    return {"accuracy": round(float(np.mean(head[:, :model_lib.NUM_CLASSES].argmax(1) == split.y)), 6),
            "bce": round(float(bce.mean()), 6), "bce_style_head": round(float(head_bce.mean()), 6)}


def evaluate(models, ds, grid):
    """figures() on validation and test, as val_accuracy, val_bce, ..., test_bce_style_head."""
    return {f"{part}_{name}": value for part, split in (("val", ds.val), ("test", ds.test))
            for name, value in figures(models.encoder, models.decoder, split, grid).items()}


def versions():
    import tensorflow as tf
    import tf_keras
    return {"python": platform.python_version(), "tensorflow": tf.__version__,
            "tf_keras": tf_keras.__version__, "numpy": np.__version__}


def run(args):
    out = Path(args.out)
    if (out / "metrics.json").exists():
        raise TrainingError(f"{out}: already holds a finished run (metrics.json); choose another --out")
    ds = data_lib.load(args.dataset, args.data, args.validation_size)
    p = model_lib.preset(args.preset, epochs_classifier=args.epochs_classifier,
                         epochs_autoencoder=args.epochs_autoencoder, refine_rounds=args.refine_rounds,
                         batch_size=args.batch_size, learning_rate=args.learning_rate)
    if args.style_dims < 1:
        raise TrainingError(f"--style-dims must be at least 1, got {args.style_dims}")
    if p.refine_rounds < 0:
        raise TrainingError(f"--refine-rounds must be 0 or more, got {p.refine_rounds}")
    out.mkdir(parents=True, exist_ok=True)

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

    sample_split = data_lib.Split(ds.train.x[:2000], ds.train.y[:2000])
    sample_grid = SampleGrid(keras, models, sample_split, out / "samples")

    t0 = time.time()
    train_classifier(models, ds, p, out, verbose)
    t1 = time.time()
    train_autoencoder(models, ds, p, out, sample_grid, verbose)
    t2 = time.time()
    grid, codes = refine_lib.refine(models, ds, p, out, sample_grid.write_codes, verbose)
    t3 = time.time()

    figures = evaluate(models, ds, grid)
    style = samples.style_stats(codes[:, model_lib.NUM_CLASSES:], ds.train.y)
    models.encoder.save(str(out / "encoder.h5"))
    models.decoder.save(str(out / "decoder.h5"))
    samples.save_grid(models.decoder, samples.class_tables(style), 11, out / "grid.png")
    metrics = {
        "dataset": ds.name, "class_names": ds.class_names, "data_source": ds.source,
        "data_sha256": ds.sha256, "sizes": {k: len(getattr(ds, k).x) for k in ("train", "val", "test")},
        "preset": args.preset, "config": asdict(p), "style_dims": args.style_dims, "seed": args.seed,
        **figures,
        "parameters": parameters, "frozen_layers": models.frozen,
        "decoder_multiply_adds": model_lib.multiply_adds(models.decoder),
        "encoder_multiply_adds": model_lib.multiply_adds(models.encoder),
        "style_search": grid,
        "epochs": {"classifier": p.epochs_classifier, "autoencoder": p.epochs_autoencoder,
                   "refine": p.refine_rounds},
        "seconds": {"classifier": round(t1 - t0, 1), "autoencoder": round(t2 - t1, 1),
                    "refine": round(t3 - t2, 1), "total": round(time.time() - t0, 1)},
        "versions": versions(), **style,
    }
    tmp = out / "metrics.json.tmp"
    tmp.write_text(json.dumps(metrics, indent=2) + "\n")
    tmp.replace(out / "metrics.json")  # last: a run folder with metrics.json is complete
    return metrics


def main(argv=None):
    args = parse_args(argv)
    try:
        metrics = run(args)
    except (data_lib.DataError, TrainingError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"\ninterrupted: run the same command again to resume {args.out} "
              f"from its last finished epoch", file=sys.stderr)
        return 130
    print(f"test accuracy {metrics['test_accuracy']:.4f}  test BCE {metrics['test_bce']:.4f}  "
          f"({metrics['seconds']['total']:.0f} s) -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
