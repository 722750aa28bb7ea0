"""Load MNIST-layout data (a local .npz or keras.datasets), validate it, split it, scale it.

Every problem with the input becomes a UserError whose message names the file and the problem,
so the CLI can print one line and exit non-zero instead of a traceback from deep inside NumPy.
"""
import hashlib
import os
from dataclasses import dataclass

import numpy as np

from training.cli import UserError

CLASS_NAMES = {
    "mnist": [str(d) for d in range(10)],
    "fashion_mnist": ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                      "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"],
}
KEYS = ("x_train", "y_train", "x_test", "y_test")
VALIDATION_SIZE = 5000


def check_validation_size(n):
    """--validation-size as every command takes it (the last n training images validate, as in
    training, which needs at least one): checked before any data is read. -> n, or UserError."""
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise UserError(f"--validation-size must be at least 1, got {n}")
    return n


@dataclass
class Split:
    x: np.ndarray  # float32 [n, 28, 28, 1] in [0, 1]
    y: np.ndarray  # int32 [n] in 0..9


@dataclass
class Dataset:
    name: str
    source: str  # the .npz path, or "keras.datasets.<name>"
    sha256: str | None
    train: Split
    val: Split
    test: Split

    @property
    def class_names(self):
        return CLASS_NAMES[self.name]


def sha256_of(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _read_npz(path):
    if not os.path.isfile(path):
        raise UserError(f"{path}: no such data file")
    try:
        with np.load(path, allow_pickle=False) as npz:
            missing = [k for k in KEYS if k not in npz.files]
            if missing:
                raise UserError(f"{path}: missing key(s) {', '.join(missing)}; "
                                f"expected {', '.join(KEYS)} (Keras' layout), found {', '.join(npz.files) or 'none'}")
            return {k: npz[k] for k in KEYS}
    except UserError:
        raise
    except Exception as e:  # zip or pickle errors: the file is not an .npz we can read
        raise UserError(f"{path}: not a readable .npz file ({type(e).__name__}: {e})") from None


def _read_keras(name):
    from training.pipeline import quiet_tensorflow  # noqa: F401  (only here: reading an .npz needs no TensorFlow)
    import tf_keras as keras
    loader = {"mnist": keras.datasets.mnist, "fashion_mnist": keras.datasets.fashion_mnist}[name]
    try:
        (x_train, y_train), (x_test, y_test) = loader.load_data()
    except Exception as e:  # Keras wraps a failed download in a bare Exception
        raise UserError(f"keras.datasets.{name}: could not be downloaded ({str(e).splitlines()[0][:200]}); "
                        f"pass a local copy with --data FILE.npz") from None
    return dict(x_train=x_train, y_train=y_train, x_test=x_test, y_test=y_test)


def validate(arrays, source, validation_size=VALIDATION_SIZE):
    """Check shapes, dtypes and label ranges; raise UserError naming the first problem."""
    for part in ("train", "test"):
        x, y = arrays[f"x_{part}"], arrays[f"y_{part}"]
        if x.ndim != 3 or x.shape[1:] != (28, 28):
            raise UserError(f"{source}: x_{part} has shape {x.shape}, expected (n, 28, 28)")
        if x.shape[0] == 0:
            raise UserError(f"{source}: x_{part} is empty")
        if x.dtype != np.uint8:
            raise UserError(f"{source}: x_{part} has dtype {x.dtype}, expected uint8 pixels 0..255")
        if y.shape != (x.shape[0],):
            raise UserError(f"{source}: y_{part} has shape {y.shape}, expected ({x.shape[0]},) to match x_{part}")
        if not np.issubdtype(y.dtype, np.integer):
            raise UserError(f"{source}: y_{part} has dtype {y.dtype}, expected integer labels")
        if y.min() < 0 or y.max() > 9:
            raise UserError(f"{source}: y_{part} has labels outside 0..9 (min {y.min()}, max {y.max()})")
    if arrays["x_train"].shape[0] <= validation_size:
        raise UserError(f"{source}: x_train has {arrays['x_train'].shape[0]} images; "
                        f"more than {validation_size} are needed for the validation split")


def _scale(x, y):
    return Split(x=(x.astype(np.float32) / 255.0)[..., None], y=y.astype(np.int32))


def load(name="mnist", path=None, validation_size=VALIDATION_SIZE):
    """The dataset split 55k/5k/10k for full MNIST: the last `validation_size` training images
    validate (the official split is ordered, so this is deterministic and needs no seed)."""
    if name not in CLASS_NAMES:
        raise UserError(f"unknown dataset {name!r}; choose one of {', '.join(CLASS_NAMES)}")
    arrays = _read_npz(path) if path else _read_keras(name)
    source = path or f"keras.datasets.{name}"
    validate(arrays, source, validation_size)
    n = arrays["x_train"].shape[0] - validation_size
    return Dataset(
        name=name, source=source, sha256=sha256_of(path) if path else None,
        train=_scale(arrays["x_train"][:n], arrays["y_train"][:n]),
        val=_scale(arrays["x_train"][n:], arrays["y_train"][n:]),
        test=_scale(arrays["x_test"], arrays["y_test"]),
    )


# Stage 3's critic draws real neighbours of each class from the training split (training/pipeline/critic.py)
MIN_TRAINING_PER_CLASS = 10


def check_for_training(ds, batch_size):
    """Refuse splits that training would fail on halfway: a training split smaller than one batch, a
    class with fewer than MIN_TRAINING_PER_CLASS training images, or one the validation split lacks
    (its figures, and stage 4's choice of style head, would not measure it)."""
    if len(ds.train.x) < batch_size:
        raise UserError(f"{ds.source}: the training split has {len(ds.train.x)} images, fewer than one batch "
                        f"({batch_size}); use a smaller --validation-size or --batch-size")
    for name, split, least in (("training", ds.train, MIN_TRAINING_PER_CLASS), ("validation", ds.val, 1)):
        counts = np.bincount(split.y, minlength=len(ds.class_names))
        c = int(counts.argmin())
        if counts[c] < least:
            raise UserError(f"{ds.source}: class {ds.class_names[c]!r} has {counts[c]} images in the {name} "
                            f"split; training needs at least {least}")
