"""An independent reader: a classifier that only ever judges what the decoder draws.

    python -m training.reader --data ../shared/data/mnist.npz --out readers/mnist

It must not be the model's own classifier, nor take part in training or in choosing a model: its own
architecture (5x5 then 3x3 convolutions in pairs, no BatchNorm, dropout), seed and command; it learns
from the training split only. training/legibility.py has it read everything the page can show.
"""
import argparse
import json
import sys
import time
from pathlib import Path

from training import cli
from training.cli import UserError
from training.pipeline import data as data_lib  # noqa: E402
from training.folders import written_whole  # noqa: E402
from training.contract import IMAGE_SIDE, NUM_CLASSES  # noqa: E402

SEED = 20261126  # not the model's: nothing shared with the training it judges
EPOCHS = 6
SHIFT = 2  # pixels of random shift, as a drawn digit is never quite centred
OUTPUT_ENTRIES = ("reader.h5", "reader.json")
FOLDERS = {"mnist": Path("readers/mnist"), "fashion_mnist": Path("readers/fashion")}  # the committed readers


def build(keras):
    layers = keras.layers
    image = keras.Input((IMAGE_SIDE, IMAGE_SIDE, 1), name="image")
    x = image
    for channels, size in ((32, 5), (64, 3)):
        x = layers.Conv2D(channels, size, padding="same", activation="relu")(x)
        x = layers.Conv2D(channels, size, padding="same", activation="relu")(x)
        x = layers.MaxPooling2D()(x)
        x = layers.Dropout(0.25)(x)
    x = layers.Conv2D(64, 3, strides=2, padding="same", activation="relu")(x)  # 4x4: a small dense layer
    x = layers.Flatten()(x)
    x = layers.Dense(128, activation="relu")(x)
    x = layers.Dropout(0.4)(x)
    return keras.Model(image, layers.Dense(NUM_CLASSES, activation="softmax")(x), name="reader")


def train(ds, epochs=EPOCHS, verbose=1):
    """-> (the trained reader, its test accuracy)."""
    from training.pipeline import quiet_tensorflow  # noqa: F401
    import numpy as np
    import tensorflow as tf
    import tf_keras as keras
    keras.utils.set_random_seed(SEED)
    tf.config.experimental.enable_op_determinism()
    reader = build(keras)
    steps = epochs * -(-len(ds.train.x) // 128)
    reader.compile(keras.optimizers.Adam(keras.optimizers.schedules.CosineDecay(2e-3, steps, alpha=0.01)),
                   "sparse_categorical_crossentropy", metrics=["accuracy"])
    jitter = keras.layers.RandomTranslation(SHIFT / IMAGE_SIDE, SHIFT / IMAGE_SIDE, fill_mode="constant", seed=SEED)
    train_ds = (tf.data.Dataset.from_tensor_slices((ds.train.x, ds.train.y))
                .shuffle(len(ds.train.x), seed=SEED).batch(128)
                .map(lambda x, y: (jitter(x, training=True), y)).prefetch(2))
    reader.fit(train_ds, epochs=epochs, verbose=verbose)
    accuracy = float(np.mean(reader.predict(ds.test.x, batch_size=1000, verbose=0).argmax(1) == ds.test.y))
    return reader, accuracy


def load(folder):
    """The reader in `folder` (reader.h5) and what reader.json says of it."""
    from training.pipeline import quiet_tensorflow  # noqa: F401
    import tf_keras as keras
    folder = Path(folder)
    try:
        about = json.loads((folder / "reader.json").read_text())
        return keras.models.load_model(folder / "reader.h5", compile=False), about
    except Exception as e:  # a missing or damaged file: h5py, Keras and json raise many kinds
        raise UserError(f"{folder}: not a reader made by python -m training.reader "
                        f"({type(e).__name__}: {str(e)[:200]})") from None


@cli.main
def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", help="local .npz in Keras' layout (default: keras.datasets)")
    ap.add_argument("--dataset", default="mnist", choices=sorted(data_lib.CLASS_NAMES))
    ap.add_argument("--epochs", type=int, default=EPOCHS)
    ap.add_argument("--validation-size", type=int, default=data_lib.VALIDATION_SIZE,
                    help="held out as in training, so the reader never sees more than the model did")
    ap.add_argument("--out", required=True, help="e.g. readers/mnist (reader.h5, reader.json)")
    ap.add_argument("--quiet", action="store_true")
    args = ap.parse_args(argv)
    with cli.leaving(f"{args.out} was not changed"):
        if args.epochs < 1:
            raise UserError(f"--epochs must be at least 1, got {args.epochs}")
        ds = data_lib.load(args.dataset, args.data, data_lib.check_validation_size(args.validation_size))
        t0 = time.time()
        reader, accuracy = train(ds, args.epochs, 0 if args.quiet else 1)
        about = {"dataset": ds.name, "data_sha256": ds.sha256, "train_size": len(ds.train.x), "seed": SEED,
                 "epochs": args.epochs, "test_accuracy": round(accuracy, 6), "parameters": reader.count_params(),
                 "seconds": round(time.time() - t0, 1)}
        with written_whole(args.out, OUTPUT_ENTRIES, "reader.json", "training.reader") as tmp:
            reader.save(str(tmp / "reader.h5"), include_optimizer=False)
            (tmp / "reader.json").write_text(json.dumps(about, indent=2) + "\n")
    print(f"reader: test accuracy {accuracy:.4f} ({about['parameters']:,} parameters, "
          f"{about['seconds']:.0f} s) -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
