"""Stage 3's critic codes: what the page can show, each with the class it must read as."""
import numpy as np
import pytest

from training.pipeline import critic
from training.contract import NUM_CLASSES
from training.pipeline.config import Preset

PRESET = Preset()


def test_critic_codes_are_the_pages_codes_with_the_class_they_stand_for():
    tables = [{"1": [c - 1.0, 0.0], "50": [float(c), 1.0], "99": [c + 1.0, 2.0]} for c in range(NUM_CLASSES)]
    codes, labels = critic.sample(tables, 4000, np.random.default_rng(0), PRESET)
    classes, style = codes[:, :NUM_CLASSES], codes[:, NUM_CLASSES:]
    np.testing.assert_allclose(classes.sum(1), 1, atol=1e-6)
    assert np.all(classes.argmax(1) == labels) and np.all(classes[np.arange(4000), labels] >= 1 - PRESET.critic_morph_end)
    morphs = (classes > 0).sum(1) == 2
    assert 0.2 < morphs.mean() < 0.3 and set(np.unique(labels)) == set(range(NUM_CLASSES))
    pure = ~morphs
    # a pure code's style lies in its class's 1st..99th percentile, both dimensions walked
    assert np.all(np.abs(style[pure, 0] - labels[pure]) <= 1 + 1e-6) and np.all((style[:, 1] >= 0) & (style[:, 1] <= 2))
    # positions lean to the slider's ends, where the ghosts were: uniform ones would have std 0.58
    offset = style[pure, 0] - labels[pure]
    assert offset.std() > 0.66 and np.mean(np.abs(offset) > 0.9) > 0.25
    again, _ = critic.sample(tables, 4000, np.random.default_rng(0), PRESET)
    np.testing.assert_array_equal(codes, again)


def test_the_presets_the_cli_offers_are_the_models_presets():
    from training.pipeline import config
    from training import train
    for name in config.PRESETS:
        assert train.parse_args(["--out", "runs/x", "--preset", name]).preset == name
    assert config.PRESETS["default"].critic_weight > 0 and config.PRESETS["seed"].critic_weight == 0


def test_stage_three_logs_the_critics_losses(tiny_run):
    """The default preset trains with the critic (test_train checks the classifier stays bit-identical)."""
    import csv
    with open(tiny_run / "history_refine.csv") as f:
        rounds = list(csv.DictReader(f))
    assert rounds[0]["critic_loss"] == "" and float(rounds[1]["critic_loss"]) > 0
    assert rounds[0]["real_loss"] == "" and 0 < float(rounds[1]["real_loss"]) < 1


def test_a_pure_critic_code_s_neighbours_are_the_nearest_real_digits_of_its_class():
    rng = np.random.default_rng(1)
    y = np.repeat(np.arange(NUM_CLASSES), 50)
    styles = rng.normal(size=(len(y), 2)) * [1.0, 10.0]  # the second dimension in other units
    codes = np.zeros((3, NUM_CLASSES + 2), np.float32)
    codes[0, 3], codes[0, NUM_CLASSES:] = 1, [0.5, -5.0]
    codes[1, 7], codes[1, NUM_CLASSES:] = 1, [-1.0, 0.0]
    codes[2, [3, 4]], codes[2, NUM_CLASSES:] = [0.9, 0.1], [0.0, 0.0]  # a morph near its start
    near, pure = critic.neighbours(codes, np.array([3, 7, 3]), styles, y, k=4)
    assert pure.tolist() == [1, 1, 0]
    for row, cls in ((0, 3), (1, 7)):
        mine = np.flatnonzero(y == cls)
        far = (((styles[mine] - codes[row, NUM_CLASSES:]) / styles[mine].std(0)) ** 2).sum(1)
        assert sorted(near[row]) == sorted(mine[np.argsort(far)[:4]])


def test_with_one_style_value_the_neighbours_are_the_nearest_too():
    """One style value takes another way (a sorted line, not every distance): the same answer, ties
    aside, at the class's ends as well as inside."""
    rng = np.random.default_rng(2)
    y = rng.integers(0, NUM_CLASSES, 3000)
    styles = np.round(rng.normal(size=(len(y), 1)) * 5, 1)  # searched styles share grid points: ties
    classes = rng.integers(0, NUM_CLASSES, 400)
    codes = np.zeros((400, NUM_CLASSES + 1), np.float32)
    codes[np.arange(400), classes] = 1
    codes[:, NUM_CLASSES] = rng.normal(size=400) * 8  # some beyond every digit of the class
    near, pure = critic.neighbours(codes, classes, styles, y, k=8)
    assert pure.all()
    for row, cls in enumerate(classes):
        mine = np.flatnonzero(y == cls)
        far = np.abs(styles[mine, 0] - codes[row, NUM_CLASSES])
        got = np.abs(styles[near[row], 0] - codes[row, NUM_CLASSES])
        assert len(set(near[row])) == 8 and np.all(y[near[row]] == cls)
        assert np.sort(got) == pytest.approx(np.sort(far)[:8], abs=1e-4)


def test_the_likeness_loss_is_the_distance_to_the_nearest_of_the_neighbours_on_pure_codes_only():
    import tensorflow as tf
    ink, blank = np.ones((28, 28, 1), np.float32), np.zeros((28, 28, 1), np.float32)
    images = tf.constant(np.stack([ink * 0.9, ink * 0.9]))
    neighbours = tf.constant(np.stack([[blank, ink], [blank, blank]]))  # the first has an inked neighbour
    both = critic._likeness(tf, images, neighbours, tf.constant([1.0, 1.0])).numpy()
    first = critic._likeness(tf, images, neighbours, tf.constant([1.0, 0.0])).numpy()
    assert first == pytest.approx(-np.log(0.9), rel=1e-5) and both > 1.0  # -log 0.9 to the ink; -log 0.1 to a blank


def test_a_rounds_losses_are_the_mean_over_its_batches_not_the_last_batch():
    import tensorflow as tf
    import tf_keras as keras
    from training.pipeline import config
    from training.pipeline import model as model_lib
    p = config.preset("default")
    keras.utils.set_random_seed(0)  # a fresh decoder draws near 0.5 everywhere: how far from it, its weights say
    models = model_lib.build(p)
    rng = np.random.default_rng(0)
    n, batch = 32, 8
    codes = np.eye(NUM_CLASSES + 1, dtype=np.float32)[rng.integers(0, NUM_CLASSES, n)]
    x = np.repeat(np.linspace(0.1, 0.9, n // batch), batch)[:, None, None, None] * np.ones((n, 28, 28, 1))
    x = x.astype(np.float32)
    near, pure = rng.integers(0, n, (n, p.critic_neighbours)).astype(np.int32), np.ones(n, np.float32)
    learner = critic.trainer(keras, tf, models.decoder, models.classifier, p, x)
    learner.compile(keras.optimizers.SGD(0.0))  # the decoder stays as it is: each batch's loss can be recomputed
    inputs = (codes, codes, codes[:, :NUM_CLASSES].argmax(1), near, pure)
    logged = learner.fit(tf.data.Dataset.from_tensor_slices((inputs, x)).batch(batch), epochs=1, verbose=0).history["loss"][0]
    per_batch = []
    for start in range(0, n, batch):
        rows = slice(start, start + batch)
        images = models.decoder(tf.concat([codes[rows], codes[rows]], 0), training=True)[:batch]
        per_batch.append(float(keras.losses.BinaryCrossentropy()(x[rows], images)))
    assert np.ptp(per_batch) > 0.1  # the batches differ, so the last one alone would not pass
    assert logged == pytest.approx(np.mean(per_batch), rel=1e-4)
