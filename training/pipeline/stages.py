"""The four training stages, each resumable after any finished epoch and deterministic across a resume.

1: the classifier, then frozen; 2: the style head and the decoder; 3 (refine rounds): the decoder on the
searched codes (encoding.py), searched again; 4 (style_bins): a style head that picks a bin (style_picker.py).
Every epoch or round starts from a seed of its own and a fresh training step, and ends with a checkpoint
(runs.py): a run stopped and resumed gives the very figures of a run never stopped.
"""
import time

import numpy as np

from training.cli import UserError
from training.pipeline import critic, encoding, runs, samples
from training.pipeline.checkpoints import Checkpoints
from training.contract import IMAGE_SIDE, NUM_CLASSES, STAGES

SAMPLE_ROWS = 3  # the per-epoch figure: the 10 digits at low, middle and high style
# stage 3's per-round training BCE is measured on a fixed sample of this many training images: the
# search needs no BCE of its own (encoding.refresh), and decoding the whole set is slow
TRAIN_FIGURE_IMAGES = 5000


# NumPy takes seeds below 2**32: the largest run seed whose every epoch seed (epoch_seed) fits
MAX_SEED = 2**32 - 1  # NumPy's seeds, and so --seed's


def epoch_seed(seed, stage, epoch):
    """The run's seed for one epoch (or round) of one stage: its random ops and its data order.
    Where seed x 10,000 + place would pass NumPy's 2**32, the pair is hashed instead."""
    place = (list(STAGES).index(stage) + 1) * 1_000 + epoch
    if seed * 10_000 + place < 2**32:
        return seed * 10_000 + place
    return int(np.random.SeedSequence([seed, place]).generate_state(1)[0])


def fresh_epoch(keras, model, seed, stage, epoch):
    """The same random numbers for this epoch whatever ran before it in this process."""
    keras.utils.set_random_seed(epoch_seed(seed, stage, epoch))
    model.train_function = model.test_function = model.predict_function = None  # retrace: fresh random ops
    runs.check_interrupted()  # the old functions were freed just now (runs.keep_interrupts)


def _augmenter(keras, p, seed):
    """Stage 1's random changes of each training image (none when the preset asks for none)."""
    steps = []
    if p.augment_rotate:
        steps.append(keras.layers.RandomRotation(p.augment_rotate / 360, fill_mode="constant", seed=seed))
    if p.augment_zoom:
        steps.append(keras.layers.RandomZoom(p.augment_zoom, fill_mode="constant", seed=seed))
    if p.augment_shift:
        shift = p.augment_shift / IMAGE_SIDE
        steps.append(keras.layers.RandomTranslation(shift, shift, fill_mode="constant", seed=seed))
    return keras.Sequential(steps) if steps else None


def _dataset(tf, split, batch, seed=None, augment=None):
    ds = tf.data.Dataset.from_tensor_slices((split.x, split.y)).with_options(_without_autotune(tf))
    if seed is not None:
        ds = ds.shuffle(len(split.x), seed=seed, reshuffle_each_iteration=False)
    ds = ds.batch(batch)
    if augment is not None:
        ds = ds.map(lambda x, y: (augment(x, training=True), y))
    return ds.prefetch(2)


def rounds_dataset(tf, inputs, x, batch, seed):
    """Stage 3's (inputs, images) in a shuffled order of its own, with autotuning off as in _dataset
    (Keras' own pipeline for arrays is autotuned: some rounds waited ~30 s after their last step)."""
    ds = tf.data.Dataset.from_tensor_slices((inputs, x)).with_options(_without_autotune(tf))
    return ds.shuffle(len(x), seed=seed, reshuffle_each_iteration=False).batch(batch).prefetch(2)


def _without_autotune(tf):
    """With tf.data's autotuning on, about half the stage-2 epochs of a full run ended ~38 s after
    their last step, both cores idle: the fit waited to destroy the previous epoch's iterator
    (~RootDataset::Iterator, in a native stack), and 82 s per epoch is where the autotuning thread's
    doubling sleeps (10 ms ... 60 s) end. Without it, a lone default MNIST run's stage-2 epochs took
    45-54 s (the run 27.3 min against 32.2) and its figures were byte for byte the same: this pipeline
    has nothing to tune (a fixed prefetch, a sequential map)."""
    options = tf.data.Options()
    options.autotune.enabled = False
    return options


def _optimizer(keras, p, epochs, n):
    lr = p.learning_rate
    if p.cosine:
        steps = max(1, epochs * -(-n // p.batch_size))
        lr = keras.optimizers.schedules.CosineDecay(p.learning_rate, steps, alpha=0.01)
    return keras.optimizers.Adam(lr)


def train_figure(decoder, codes, x, seed):
    """The searched training BCE a round reports (stages 3 and 5): on a fixed sample of the run's training images."""
    rows = np.sort(np.random.default_rng(seed).permutation(len(x))[:TRAIN_FIGURE_IMAGES])
    return float(encoding.decode_bce(decoder, codes[rows], x[rows]).mean())


def searched_again(decoder, grid, codes, x):
    """After a round that moved the decoder: its new curves, and the training codes searched again on them."""
    curves = encoding.Curves(decoder, grid)
    return curves, encoding.refresh(curves, codes, x)


def close_round(checkpoints, sample_grid, stage, r, history, codes):
    """A round's end: resumable from here, and its sample grid written."""
    checkpoints.save(r, history, codes)
    sample_grid.write(codes, f"{stage}_{r:02d}.png")


def check_finite(row, stage, epoch):
    for name, value in row.items():
        if not np.isfinite(value):
            raise UserError(f"{stage}: {name} became {value} at epoch {epoch}; training stopped "
                            f"(try a lower --learning-rate)")


def _fit_epochs(model, stage, label, epochs, data, out, seed, verbose, after_epoch=None, started=None):
    """Train `model` (compiled) for `epochs`, one epoch at a time, from its last checkpoint.
    data(epoch_seed) -> (training data, validation data). -> its Checkpoints (whose clock began at `started`)."""
    import tf_keras as keras
    checkpoints = Checkpoints(out, stage, model, started)
    done, history, _ = checkpoints.load()
    if done:
        print(f"{label}: resumed after epoch {done} of {epochs}", flush=True)
    for epoch in range(done, epochs):
        fresh_epoch(keras, model, seed, stage, epoch)
        train, val = data(epoch_seed(seed, stage, epoch))
        fit = model.fit(train, validation_data=val, initial_epoch=epoch, epochs=epoch + 1, verbose=verbose)
        row = {name: float(values[-1]) for name, values in fit.history.items()}
        check_finite(row, label, epoch + 1)
        history.append({"epoch": epoch, **row})
        checkpoints.save(epoch + 1, history)
        runs.write_csv(out / f"history_{stage}.csv", history)
        if after_epoch:
            after_epoch(epoch + 1)
    return checkpoints


def train_classifier(models, ds, p, out, seed, verbose=1):
    """Stage 1, then freeze the class path. -> its seconds."""
    import tensorflow as tf
    import tf_keras as keras

    from training.pipeline import model as model_lib
    clf = models.classifier
    clf.compile(_optimizer(keras, p, p.epochs_classifier, len(ds.train.x)),
                "sparse_categorical_crossentropy", metrics=["accuracy"])
    checkpoints = _fit_epochs(clf, "classifier", "stage 1 (classifier)", p.epochs_classifier,
                lambda s: (_dataset(tf, ds.train, p.batch_size, s, _augmenter(keras, p, s)),
                           _dataset(tf, ds.val, 512)), out, seed, verbose)
    model_lib.freeze_classifier(models)
    return checkpoints.seconds()


class SampleGrid:
    """After each stage-2 epoch and stage-3 round: the 10 digits at the current low / middle / high style."""

    def __init__(self, models, split, folder):
        self.models, self.x, self.y, self.folder = models, split.x, split.y, folder
        folder.mkdir(parents=True, exist_ok=True)

    def after_epoch(self, epoch):
        self.write(self.models.encoder.predict(self.x, batch_size=1000, verbose=0), f"epoch_{epoch:02d}.png")

    def write(self, codes, name):
        """The figure for the styles of `codes`, one per digit of the split (stage 3 passes its own)."""
        stats = samples.style_stats(codes[:len(self.y), NUM_CLASSES:], self.y)
        samples.save_grid(self.models.decoder, samples.class_tables(stats), SAMPLE_ROWS, self.folder / name)


def train_autoencoder(models, ds, p, out, seed, sample_grid, verbose=1):
    """Stage 2: image -> same image, binary cross-entropy; only style head and decoder learn. -> its seconds."""
    import tensorflow as tf
    import tf_keras as keras
    ae = models.autoencoder
    ae.compile(_optimizer(keras, p, p.epochs_autoencoder, len(ds.train.x)), "binary_crossentropy")

    def to_self(x, y):
        return x, x
    return _fit_epochs(ae, "autoencoder", "stage 2 (auto-encoder)", p.epochs_autoencoder,
                lambda s: (_dataset(tf, ds.train, p.batch_size, s).map(to_self),
                           _dataset(tf, ds.val, 512).map(to_self)),
                out, seed, verbose, sample_grid.after_epoch).seconds()


def refine(models, ds, p, out, seed, sample_grid, verbose=1):
    """Stage 3; -> (the final decoder's encoding.Curves, the searched codes of the training set, its seconds).
    Their grid spans the style head's values on the training set (the same after a resume: the style head
    does not move here)."""
    import tensorflow as tf
    import tf_keras as keras
    train, decoder = ds.train, models.decoder
    checkpoints = Checkpoints(out, "refine", decoder)
    head = models.encoder.predict(train.x, batch_size=1000, verbose=0)
    grid = encoding.make_grid(head[:, NUM_CLASSES:], p.search_points, p.search_keep)
    val_head = models.encoder.predict(ds.val.x, batch_size=1000, verbose=0)  # the encoder is frozen

    def val_bce(curves):
        return float(encoding.improve(curves, val_head, ds.val.x)[1].mean())

    steps_per_round = -(-len(train.x) // p.batch_size)
    rate = keras.optimizers.schedules.CosineDecay(
        p.refine_learning_rate, max(1, p.refine_rounds * steps_per_round), alpha=p.refine_rate_end)
    decoder.compile(keras.optimizers.Adam(rate), "binary_crossentropy")
    learner = decoder
    if p.critic_weight:
        learner = critic.trainer(keras, tf, decoder, models.classifier, p, train.x)
        learner.compile(decoder.optimizer)  # the decoder's: the checkpoint keeps its state
    done, history, codes = checkpoints.load()
    curves = encoding.Curves(decoder, grid)  # the decoder's as it is now: each round makes new ones

    def train_bce(codes):
        return train_figure(decoder, codes, train.x, seed)

    if codes is None:
        codes = encoding.improve(curves, head, train.x)[0]
        history = [_round_row(0, "", train_bce(codes), val_bce(curves))]  # round 0: stage 2's decoder
    else:
        print(f"stage 3: resumed after round {done} of {p.refine_rounds}", flush=True)
    for r in range(done + 1, p.refine_rounds + 1):
        fresh_epoch(keras, learner, seed, "refine", r)
        inputs = codes
        if p.critic_weight:  # the styles the page would walk now: the searched codes' percentiles
            tables = samples.class_tables(samples.style_stats(codes[:, NUM_CLASSES:], train.y))
            critic_codes, labels = critic.sample(tables, len(codes), np.random.default_rng([seed, r]), p)
            inputs = (codes, critic_codes, labels, *critic.neighbours(critic_codes, labels, codes[:, NUM_CLASSES:], train.y,
                                                 p.critic_neighbours))
        fit = learner.fit(rounds_dataset(tf, inputs, train.x, p.batch_size, epoch_seed(seed, "refine", r)),
                          epochs=1, verbose=verbose)
        loss = fit.history["loss"][-1]
        if not np.isfinite(loss):
            raise UserError(f"stage 3 (refine): loss became {loss} in round {r}; training stopped")
        curves, codes = searched_again(decoder, grid, codes, train.x)
        history.append(_round_row(r, loss, train_bce(codes), val_bce(curves), fit.history.get("critic", [""])[-1],
                                  fit.history.get("real", [""])[-1]))
        print(f"stage 3: round {r}/{p.refine_rounds}: training BCE {history[-1]['train_bce_searched']:.4f}, "
              f"validation BCE {history[-1]['val_bce_searched']:.4f} (searched codes)", flush=True)
        close_round(checkpoints, sample_grid, "refine", r, history, codes)
    runs.write_csv(out / "history_refine.csv", history)
    return curves, codes, checkpoints.seconds()


def pick_styles(models, ds, p, out, seed, codes, curves, verbose=1):
    """Stage 4 -> (its figures, its seconds): a style head that picks the bin of the searched style (codes: stage 3's,
    of the training set; curves: stage 3's last), on the frozen features of the regression head. models.encoder becomes the
    picker only if it draws the validation set better than the regression head (lower BCE)."""
    import tensorflow as tf
    import tf_keras as keras

    from training.pipeline import style_picker
    started = time.monotonic()  # the stage's time: the bins, the features and the choice too
    decoder, val = models.decoder, ds.val
    edges = style_picker.bin_edges(codes[:, NUM_CLASSES:], p.style_bins)
    medians = style_picker.bin_styles(codes[:, NUM_CLASSES:], edges)
    head = models.encoder.predict(val.x, batch_size=1000, verbose=0)
    regression_bce = encoding.decode_bce(decoder, head, val.x)
    val_codes = encoding.improve(curves, head, val.x, codes_bce=regression_bce)[0]
    features = style_picker.features_model(keras, models.encoder)
    keras.utils.set_random_seed(epoch_seed(seed, "picker", 0))  # its new layers' first weights, resumed or not
    trainer, picker = style_picker.build(keras, models.encoder, medians)
    trainer.compile(_optimizer(keras, p, p.picker_epochs, len(ds.train.x)),
                    keras.losses.CategoricalCrossentropy(label_smoothing=p.picker_label_smoothing),
                    metrics=["accuracy"])

    def labelled(x, styles):
        one_hot = np.eye(len(medians), dtype=np.float32)[style_picker.bin_of(styles, edges)]
        return features.predict(x, batch_size=1000, verbose=0), one_hot
    train_in, train_bins = labelled(ds.train.x, codes[:, NUM_CLASSES:])
    val_data = tf.data.Dataset.from_tensor_slices(labelled(val.x, val_codes[:, NUM_CLASSES:])).batch(512)
    checkpoints = _fit_epochs(trainer, "picker", "stage 4 (style picker)", p.picker_epochs,
                              lambda s: (rounds_dataset(tf, train_in, train_bins, p.batch_size, s), val_data),
                              out, seed, verbose, started=started)
    style_picker.sharpen(picker, p.picker_sharpness)
    picker_bce = float(encoding.decode_bce(decoder, picker.predict(val.x, batch_size=1000, verbose=0), val.x).mean())
    chosen = "picker" if picker_bce < regression_bce.mean() else "regression"
    if chosen == "picker":
        models.encoder = picker
    print(f"stage 4: validation BCE of the style head alone: regression {regression_bce.mean():.4f}, picker "
          f"{picker_bce:.4f} ({len(medians)} bins); the encoder ships the {chosen} head", flush=True)
    return {"shipped": chosen, "bins": len(medians), "val_bce_regression": round(float(regression_bce.mean()), 6),
            "val_bce_picker": round(picker_bce, 6)}, checkpoints.seconds()


def _round_row(r, loss, train_bce, val_bce, critic_loss="", real_loss=""):
    return {"round": r, "loss": loss, "critic_loss": critic_loss, "real_loss": real_loss,
            "train_bce_searched": train_bce,
            "val_bce_searched": val_bce}
