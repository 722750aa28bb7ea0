"""Stage 5 (realism): the tiny run's round, the discriminator's game on a toy set, and training.tune."""
import json

import numpy as np
import pytest
from helpers import FIXTURE, run_cli

from test_stages import read_csv


def test_the_tiny_run_has_a_realism_round_before_the_picker(tiny_run):
    m = json.loads((tiny_run / "metrics.json").read_text())
    assert m["epochs"]["realism"] == 1 and m["seconds"]["realism"] > 0
    rows = read_csv(tiny_run / "history_realism.csv")
    assert [int(r["round"]) for r in rows] == [1]
    assert {"loss", "fooled", "judge", "critic", "train_bce_searched", "val_bce_searched"} <= set(rows[0])
    assert (tiny_run / "samples" / "realism_01.png").is_file()
    # the picker learns the styles stage 5 left: its record comes after the round's
    assert (tiny_run / "checkpoints" / "picker.json").stat().st_mtime >= (tiny_run / "history_realism.csv").stat().st_mtime


def test_page_codes_are_pure_classes_and_morphs_whose_critic_reads_only_near_an_end():
    from training.pipeline import adversary, config
    tables = [{"1": [float(c)], "50": [c + 0.5], "99": [c + 1.0]} for c in range(10)]
    p = config.preset("default", realism_morph_share=0.5)
    codes, labels, weights = adversary.page_codes(tables, 4000, np.random.default_rng(0), p)
    classes = codes[:, :10]
    assert np.allclose(classes.sum(1), 1)
    pure = classes.max(1) == 1
    assert 0.45 < 1 - pure.mean() < 0.55
    t = 1 - classes.max(1)
    assert t.max() < 0.5 and t[~pure].min() >= 0  # every in-between of a -> b is b -> a below 0.5
    assert np.array_equal(weights == 1, t <= p.critic_morph_end)
    assert np.array_equal(classes.argmax(1), labels)


@pytest.mark.parametrize("weight", [1.0, 0.0])
def test_the_decoder_learns_from_the_discriminator_what_real_digits_look_like(weight):
    """A toy game: the real images are white squares on black, the decoder (no bias) starts grey. The page's
    code (class 1) is in no reconstruction, so only the adversarial term can teach it: the square whitens
    and the background darkens, and with the term's weight at 0 it stays grey."""
    import tensorflow as tf
    import tf_keras as keras

    from training.pipeline import adversary, config
    keras.utils.set_random_seed(0)
    code = keras.Input((11,))
    decoder = keras.Model(code, keras.layers.Reshape((28, 28, 1))(
        keras.layers.Dense(784, activation="sigmoid", use_bias=False, kernel_initializer="zeros")(code)))
    classifier = keras.Sequential([keras.layers.Flatten(), keras.layers.Dense(10, activation="softmax")])
    p = config.preset("default", realism_weight=weight, critic_weight=0.0, realism_pair_weight=0.0,
                           realism_per_batch=16)
    duel = adversary.duel(keras, tf, decoder, classifier, p)
    duel.compile(keras.optimizers.Adam(1e-2, beta_1=0.5))
    real = np.zeros((64, 28, 28, 1), np.float32)
    real[:, 8:20, 8:20] = 1
    codes, page = np.eye(11, dtype=np.float32)[np.zeros(64, int)], np.eye(11, dtype=np.float32)[np.ones(64, int)]
    data = ((codes, page, np.ones(64, np.int64), np.zeros(64, np.float32)), real)
    duel.fit(tf.data.Dataset.from_tensor_slices(data).batch(16).repeat(20), epochs=1, verbose=0)
    drawn = decoder.predict(page[:1], verbose=0)[0, :, :, 0]
    learnt = drawn[14, 14] > 0.6 and drawn[2, 2] < 0.4
    assert learnt == bool(weight), (drawn[14, 14], drawn[2, 2])


@pytest.mark.parametrize("args, message", [
    (["--realism-rounds", "0"], "--realism-rounds must be at least 1"),
    (["--data", "{other}"], "other.npz"),
])
def test_tune_refuses_before_training(tiny_model, tmp_path, args, message):
    with np.load(FIXTURE) as f:
        arrays = dict(f)
    arrays["x_train"][0, 0, 0] ^= 1  # the same shapes, other data
    np.savez(tmp_path / "other.npz", **arrays)
    args = [a.format(other=tmp_path / "other.npz") for a in args]
    base = {"--data": str(FIXTURE), "--out": str(tmp_path / "tuned")}
    for flag, value in zip(args[::2], args[1::2]):
        base[flag] = value
    done = run_cli("-m", "training.tune", tiny_model, *[x for kv in base.items() for x in kv])
    assert done.returncode == 2 and message in done.stderr, done.stderr[-1000:]
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "tuned" / "checkpoints").exists()


def test_tune_continues_a_converted_model_and_keeps_its_training_story(tiny_model, tmp_path):
    from training import watched
    out = tmp_path / "tuned"
    done = run_cli("-m", "training.tune", tiny_model, "--data", FIXTURE, "--out", out, "--realism-rounds", "1",
                   "--quiet")
    assert done.returncode == 0, done.stderr[-2000:]
    m = json.loads((out / "metrics.json").read_text())
    meta = json.loads((tiny_model / "meta.json").read_text())
    assert m["tuned_from"] == {"model": tiny_model.name, "weights_sha256": meta["weights_sha256"]}
    assert m["epochs"] == {**meta["source"]["epochs"], "realism": 1}
    assert m["test_accuracy"] == pytest.approx(meta["shipped_metrics"]["test_accuracy"])  # the encoder is kept
    # what the page shows of the source's training comes back as it was, with stage 5 after it
    _, data = watched.collect(out)
    source = json.loads((tiny_model / watched.DATA).read_text())
    assert {k: v for k, v in data["curves"].items() if k != "realism"} == {
        k: v for k, v in source["curves"].items() if k != "realism"}
    assert [int(r) for r in data["curves"]["realism"]["round"]] == [1]  # the tuning's, not the source's
    stages = [f["stage"] for f in source["frames"] if f["stage"] != "realism"] + ["realism"]
    assert [f["stage"] for f in data["frames"]] == stages
