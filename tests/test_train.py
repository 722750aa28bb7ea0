"""The training CLI end to end on the shipped fixture: outputs, freezing, determinism, style range."""
import csv
import json

import numpy as np
import pytest
from helpers import FIXTURE, run_cli, train_args

from training import samples


def read_csv(path):
    with open(path) as f:
        return list(csv.DictReader(f))


def test_run_folder_holds_models_history_samples_and_metrics(tiny_run):
    for name in ("encoder.h5", "decoder.h5", "history_classifier.csv", "history_autoencoder.csv",
                 "samples/epoch_01.png", "samples/epoch_02.png", "grid.png", "metrics.json"):
        assert (tiny_run / name).is_file(), name
    m = json.loads((tiny_run / "metrics.json").read_text())
    assert m["sizes"] == {"train": 1800, "val": 200, "test": 500}
    assert 0.0 <= m["test_accuracy"] <= 1.0 and 0.0 < m["test_bce"] < 1.0
    assert {"val_accuracy", "val_bce"} <= m.keys()
    assert m["epochs"] == {"classifier": 1, "autoencoder": 2}
    assert set(m["seconds"]) == {"classifier", "autoencoder", "total"} and m["seconds"]["total"] > 0
    assert m["versions"]["tensorflow"] and m["versions"]["tf_keras"] and m["seed"] == 0
    from training.data import sha256_of
    assert m["data_sha256"] == sha256_of(FIXTURE)
    p = m["parameters"]
    assert p["encoder"] > 0 and p["decoder"] > 0 and p["autoencoder_trainable"] < p["encoder"] + p["decoder"]
    assert 0 < m["decoder_multiply_adds"] <= 30_000_000
    assert len(m["style_range"]) == 1 and m["style_range"][0][0] < m["style_range"][0][1]
    assert set(m["style_percentiles_per_class"]) == {str(d) for d in range(10)}


def test_short_training_lowers_the_loss(tiny_run):
    ae = read_csv(tiny_run / "history_autoencoder.csv")
    assert float(ae[1]["loss"]) < float(ae[0]["loss"])
    assert float(ae[1]["val_loss"]) < float(ae[0]["val_loss"])


def test_stage_two_leaves_the_frozen_classifier_bit_identical(tiny_run):
    """Weights saved when stage 1 ended == the same layers in the final encoder, BatchNorm
    moving statistics included (test_model shows the style head does learn meanwhile)."""
    import tf_keras

    from training import model as model_lib
    config = json.loads((tiny_run / "metrics.json").read_text())["config"]
    config = {k: tuple(v) if isinstance(v, list) else v for k, v in config.items()}
    stage1 = model_lib.build(model_lib.Preset(**config), 1).classifier
    stage1.load_weights(str(tiny_run / "stage1.weights.h5"))
    final = tf_keras.models.load_model(tiny_run / "encoder.h5", compile=False)
    compared = []
    for layer in stage1.layers:
        for before, after in zip(layer.weights, final.get_layer(layer.name).weights, strict=True):
            np.testing.assert_array_equal(before.numpy(), after.numpy(), err_msg=before.name)
            compared.append(before.name)
    assert len(compared) >= 18  # 3 conv kernels, 3 x 4 BatchNorm arrays, dense and softmax weights
    assert sum("moving_mean" in n or "moving_variance" in n for n in compared) == 6


def test_same_seed_same_metrics(tiny_run, tmp_path):
    again = tmp_path / "again"
    done = run_cli(*train_args(again))
    assert done.returncode == 0, done.stderr[-2000:]
    first = json.loads((tiny_run / "metrics.json").read_text())
    second = json.loads((again / "metrics.json").read_text())
    for key in ("test_accuracy", "val_accuracy", "test_bce", "val_bce"):
        assert second[key] == pytest.approx(first[key], abs=1e-5), key
    np.testing.assert_allclose(second["style_range"], first["style_range"], atol=1e-4)


def test_a_finished_run_is_not_overwritten(tiny_run):
    before = (tiny_run / "metrics.json").read_text()
    done = run_cli(*train_args(tiny_run))
    assert done.returncode == 2 and "already holds a finished run" in done.stderr
    assert "Traceback" not in done.stderr
    assert (tiny_run / "metrics.json").read_text() == before


def test_style_stats_percentiles_overall_and_per_class():
    style = np.arange(1000, dtype=np.float64)[:, None]  # 0..999
    labels = np.arange(1000) % 10
    stats = samples.style_stats(style, labels)
    np.testing.assert_allclose(stats["style_range"], [[9.99, 989.01]])
    assert stats["style_percentiles"]["50"] == [pytest.approx(499.5)]
    assert stats["style_percentiles_per_class"]["3"]["1"] == [pytest.approx(np.percentile(style[3::10], 1))]
    with pytest.raises(ValueError, match="non-empty"):
        samples.style_stats(np.zeros((0, 1)), np.zeros(0))


def test_grid_codes_cover_every_digit_across_its_own_style_range():
    per_class = [[[-c, 10.0 + c]] for c in range(10)]
    codes = samples.grid_codes(per_class, rows=11)
    assert codes.shape == (110, 11)
    np.testing.assert_array_equal(codes[:10, :10], np.eye(10))
    np.testing.assert_array_equal(codes[:10, 10], [-c for c in range(10)])  # top row: each class's low
    np.testing.assert_array_equal(codes[-10:, 10], [10.0 + c for c in range(10)])
    shared = samples.grid_codes([[-2.0, 3.0]], rows=3)
    assert shared[0, 10] == -2.0 and shared[-1, 10] == 3.0


def test_style_stats_give_each_class_its_own_range():
    labels = np.repeat(np.arange(10), 100)
    style = (labels * 10 + np.tile(np.linspace(0, 1, 100), 10))[:, None]
    ranges = samples.style_stats(style, labels)["style_range_per_class"]
    assert len(ranges) == 10 and len(ranges[4]) == 1
    assert 40 < ranges[4][0][0] < ranges[4][0][1] < 41
