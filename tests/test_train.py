"""The training CLI end to end on the shipped fixture: outputs, freezing, determinism, style range."""
import csv
import json
import os
import shutil

import numpy as np
import pytest
from helpers import FIXTURE, run_cli, train_args

from training import samples


def read_csv(path):
    with open(path) as f:
        return list(csv.DictReader(f))


def test_run_folder_holds_models_history_samples_and_metrics(tiny_run):
    for name in ("encoder.h5", "decoder.h5", "history_classifier.csv", "history_autoencoder.csv",
                 "history_refine.csv", "samples/epoch_01.png", "samples/epoch_02.png", "samples/refine_01.png",
                 "grid.png", "metrics.json"):
        assert (tiny_run / name).is_file(), name
    m = json.loads((tiny_run / "metrics.json").read_text())
    assert m["sizes"] == {"train": 1800, "val": 200, "test": 500}
    assert 0.0 <= m["test_accuracy"] <= 1.0 and 0.0 < m["test_bce"] < 1.0
    assert {"val_accuracy", "val_bce", "val_bce_style_head"} <= m.keys()
    assert m["epochs"] == {"classifier": 1, "autoencoder": 2, "refine": 1}
    assert set(m["seconds"]) == {"classifier", "autoencoder", "refine", "total"} and m["seconds"]["total"] > 0
    grid = m["style_search"]
    assert grid["points"] == 1024 and len(grid["low"]) == len(grid["high"]) == 1 and grid["low"][0] < grid["high"][0]
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


def test_the_searched_codes_beat_the_style_head_and_stage_three_lowers_them(tiny_run):
    m = json.loads((tiny_run / "metrics.json").read_text())
    for part in ("val", "test"):
        assert m[f"{part}_bce"] < m[f"{part}_bce_style_head"] - 1e-3, part
    rounds = read_csv(tiny_run / "history_refine.csv")
    assert [int(r["round"]) for r in rounds] == [0, 1]
    assert float(rounds[1]["train_bce_searched"]) < float(rounds[0]["train_bce_searched"])
    assert float(rounds[1]["val_bce_searched"]) == pytest.approx(m["val_bce"], abs=1e-6)


def test_stage_three_trains_the_decoder_alone(tiny_run):
    """The encoder after stage 2 (classifier and style head) == the final encoder, bit for bit."""
    import tf_keras

    from training import model as model_lib
    config = json.loads((tiny_run / "metrics.json").read_text())["config"]
    models = model_lib.build(model_lib.Preset(**{k: tuple(v) if isinstance(v, list) else v
                                                 for k, v in config.items()}), 1)
    models.autoencoder.load_weights(str(tiny_run / "checkpoints" / "autoencoder_002.weights.h5"))
    final = tf_keras.models.load_model(tiny_run / "encoder.h5", compile=False)
    for before, after in zip(models.encoder.weights, final.weights, strict=True):
        np.testing.assert_array_equal(before.numpy(), after.numpy(), err_msg=before.name)
    decoder = tf_keras.models.load_model(tiny_run / "decoder.h5", compile=False)
    assert any(not np.array_equal(a.numpy(), b.numpy()) for a, b in zip(models.decoder.weights, decoder.weights))


def stopped_copy(tiny_run, tmp_path):
    """tiny_run as if stopped before its end: what a resume finds."""
    stopped = tmp_path / "stopped"
    shutil.copytree(tiny_run, stopped)
    (stopped / "metrics.json").unlink()
    return stopped


@pytest.mark.parametrize("changed, named", [
    (["--seed", "7"], "seed 0 (now 7)"),
    (["--epochs-classifier", "5"], "'epochs_classifier': 1"),
    (["--style-dims", "2"], "style_dims 1 (now 2)"),
    (["--data", "other.npz"], "data_sha256"),
])
def test_a_resume_with_other_arguments_is_refused(tiny_run, tmp_path, changed, named):
    stopped = stopped_copy(tiny_run, tmp_path)
    args = [str(a) for a in train_args(stopped)]
    if changed[0] == "--data":  # the same digits in another order: other data
        with np.load(FIXTURE) as f:
            arrays = {k: f[k] for k in f.files}
        arrays["x_train"] = arrays["x_train"][::-1].copy()
        np.savez(tmp_path / changed[1], **arrays)
        args[args.index("--data") + 1] = str(tmp_path / changed[1])
    else:
        args += changed
    done = run_cli(*args)
    lines = done.stderr.strip().splitlines()
    assert done.returncode == 2 and len(lines) == 1, done.stderr[-2000:]
    assert lines[0].startswith(f"error: {stopped} was started with other arguments") and named in lines[0]
    assert not (stopped / "metrics.json").exists()


@pytest.mark.parametrize("flag, value", [("--validation-size", "0"), ("--validation-size", "-1"),
                                         ("--batch-size", "0"), ("--batch-size", "-5"),
                                         ("--epochs-classifier", "0"), ("--seed", "-1"),
                                         ("--learning-rate", "-1"), ("--learning-rate", "nan")])
def test_a_nonsense_number_is_one_line_and_writes_nothing(tmp_path, flag, value):
    out = tmp_path / "run"
    done = run_cli(*train_args(out, flag, value))
    assert done.returncode == 2 and done.stderr.strip().splitlines() == [
        done.stderr.strip().splitlines()[0]] and done.stderr.startswith(f"error: {flag} must be"), done.stderr
    assert not out.exists()


def test_out_where_nothing_can_be_written_is_one_line():
    done = run_cli(*train_args("/sys/digit-morph-run"))
    assert done.returncode == 2 and done.stderr.strip().splitlines() == [
        "error: /sys/digit-morph-run: cannot write the run (Operation not permitted)"], done.stderr


def test_out_that_is_a_file_or_a_folder_of_other_things_is_refused(tmp_path):
    (tmp_path / "file").write_text("keep me")
    (tmp_path / "folder").mkdir()
    (tmp_path / "folder" / "notes.txt").write_text("keep me too")
    for out, message in ((tmp_path / "file", "exists and is not a folder"), (tmp_path / "folder", "not a run folder")):
        done = run_cli(*train_args(out))
        assert done.returncode == 2 and message in done.stderr and "Traceback" not in done.stderr, done.stderr
        assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert (tmp_path / "file").read_text() == "keep me" and os.listdir(tmp_path / "folder") == ["notes.txt"]


def test_stage_two_leaves_the_frozen_classifier_bit_identical(tiny_run):
    """Weights saved when stage 1 ended == the same layers in the final encoder, BatchNorm
    moving statistics included (test_model shows the style head does learn meanwhile)."""
    import tf_keras

    from training import model as model_lib
    config = json.loads((tiny_run / "metrics.json").read_text())["config"]
    config = {k: tuple(v) if isinstance(v, list) else v for k, v in config.items()}
    stage1 = model_lib.build(model_lib.Preset(**config), 1).classifier
    stage1.load_weights(str(tiny_run / "checkpoints" / "classifier_001.weights.h5"))
    final = tf_keras.models.load_model(tiny_run / "encoder.h5", compile=False)
    compared = []
    for layer in stage1.layers:
        for before, after in zip(layer.weights, final.get_layer(layer.name).weights, strict=True):
            np.testing.assert_array_equal(before.numpy(), after.numpy(), err_msg=before.name)
            compared.append(before.name)
    assert len(compared) >= 18  # 3 conv kernels, 3 x 4 BatchNorm arrays, dense and softmax weights
    assert sum("moving_mean" in n or "moving_variance" in n for n in compared) == 6


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


def test_grid_codes_cover_every_digit_through_its_own_percentiles():
    tables = [{"1": [-c], "50": [0.0], "99": [10.0 + c]} for c in range(10)]
    codes = samples.grid_codes(tables, rows=11)
    assert codes.shape == (110, 11)
    np.testing.assert_array_equal(codes[:10, :10], np.eye(10))
    np.testing.assert_array_equal(codes[:10, 10], [-c for c in range(10)])  # top row: each class's 1st
    np.testing.assert_array_equal(codes[50:60, 10], np.zeros(10))  # middle row: each class's median
    np.testing.assert_array_equal(codes[-10:, 10], [10.0 + c for c in range(10)])


def test_a_long_thin_tail_gets_the_end_of_the_slider_not_its_length():
    """Slider positions follow the class's percentiles: a quarter of the way is its 25th percentile,
    however far its 1st percentile lies."""
    tail = {"1": [-100.0], "5": [-10.0], "25": [-1.0], "50": [0.0], "75": [1.0], "95": [2.0], "99": [3.0]}
    at = lambda u: samples.style_at([tail] * 10, u)[0, 0]  # noqa: E731
    assert at(0.0) == -100.0 and at(1.0) == 3.0 and at(0.5) == 0.0
    assert at(24 / 98) == pytest.approx(-1.0)  # the 25th percentile
    assert at(0.1) > -10.0  # linear between the 1st and 99th would give -89.7
    two = {"1": [0.0, 10.0], "99": [1.0, 20.0]}
    np.testing.assert_allclose(samples.style_at([two] * 10, [0.25, 0.5])[3], [0.25, 15.0])


def test_style_stats_give_each_class_its_own_range():
    labels = np.repeat(np.arange(10), 100)
    style = (labels * 10 + np.tile(np.linspace(0, 1, 100), 10))[:, None]
    tables = samples.class_tables(samples.style_stats(style, labels))
    assert len(tables) == 10 and len(tables[4]["1"]) == 1
    assert 40 < tables[4]["1"][0] < tables[4]["50"][0] < tables[4]["99"][0] < 41
