"""The training CLI end to end on the shipped fixture: its outputs, and every argument it refuses."""
import json
import os
import shutil

import numpy as np
import pytest
from helpers import FIXTURE, run_cli, train_args


def test_run_folder_holds_models_history_samples_and_metrics(tiny_run):
    for name in ("encoder.h5", "decoder.h5", "history_classifier.csv", "history_autoencoder.csv",
                 "history_refine.csv", "history_picker.csv", "samples/epoch_01.png", "samples/epoch_02.png", "samples/refine_01.png", "samples/refine_02.png",
                 "grid.png", "metrics.json"):
        assert (tiny_run / name).is_file(), name
    m = json.loads((tiny_run / "metrics.json").read_text())
    assert m["sizes"] == {"train": 1800, "val": 200, "test": 500}
    assert 0.0 <= m["test_accuracy"] <= 1.0 and 0.0 < m["test_bce"] < 1.0
    assert {"val_accuracy", "val_bce", "val_bce_style_head"} <= m.keys()
    assert m["epochs"] == {"classifier": 1, "autoencoder": 2, "refine": 2, "picker": 8, "realism": 1}
    from training.contract import STAGES  # the report's and the bench's stages are the run's, in its order
    assert list(m["seconds"]) == [*STAGES, "total"] and list(m["epochs"]) == list(STAGES) and m["seconds"]["total"] > 0
    grid = m["style_search"]
    assert grid["points"] == 1024 and len(grid["low"]) == len(grid["high"]) == 1 and grid["low"][0] < grid["high"][0]
    assert m["versions"]["tensorflow"] and m["versions"]["tf_keras"] and m["seed"] == 0
    from training.pipeline.data import sha256_of
    assert m["data_sha256"] == sha256_of(FIXTURE)
    p = m["parameters"]
    assert p["encoder"] > 0 and p["decoder"] > 0 and p["autoencoder_trainable"] < p["encoder"] + p["decoder"]
    assert 0 < m["decoder_multiply_adds"] <= 30_000_000
    assert len(m["style_range"]) == 1 and m["style_range"][0][0] < m["style_range"][0][1]
    assert set(m["style_percentiles_per_class"]) == {str(d) for d in range(10)}


def stopped_copy(tiny_run, tmp_path):
    """tiny_run as if stopped before its end: what a resume finds."""
    stopped = tmp_path / "stopped"
    shutil.copytree(tiny_run, stopped)
    (stopped / "metrics.json").unlink()
    return stopped


@pytest.mark.parametrize("changed, named", [
    (["--seed", "7"], "seed 0 -> 7"),
    (["--epochs-classifier", "5"], "config.epochs_classifier 1 -> 5"),
    (["--style-dims", "2"], "style_dims 1 -> 2"),
    (["--data", "other.npz"], "data_sha256 '"),
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
    assert lines[0].startswith(f"error: {stopped} was started with other arguments: {named}") and named in lines[0]
    assert lines[0].count(" -> ") == 1, "only the field that differs is named"
    assert not (stopped / "metrics.json").exists()


@pytest.mark.parametrize("edit, named", [
    (lambda config: config.update(critic_per_batch=16), "config.critic_per_batch 16 -> 32"),
    (lambda config: config.pop("search_points"), "config.search_points (not recorded) -> 1024"),
])
def test_a_resume_with_other_settings_is_refused(tiny_run, tmp_path, edit, named):
    """No flag sets these, but the preset in the code may change between a start and a resume (or the run
    was started before a setting was recorded): run.json says what the run was made with."""
    stopped = stopped_copy(tiny_run, tmp_path)
    record = json.loads((stopped / "run.json").read_text())
    edit(record["config"])
    (stopped / "run.json").write_text(json.dumps(record))
    done = run_cli(*train_args(stopped))
    lines = done.stderr.strip().splitlines()
    assert done.returncode == 2 and len(lines) == 1, done.stderr[-2000:]
    assert lines[0] == (f"error: {stopped} was started with other arguments: {named}; run the same command "
                        f"to resume it, or choose another --out")
    assert not (stopped / "metrics.json").exists()


@pytest.mark.parametrize("flag, value", [("--validation-size", "0"), ("--validation-size", "-1"),
                                         ("--batch-size", "0"), ("--batch-size", "-5"),
                                         ("--epochs-classifier", "0"), ("--seed", "-1"),
                                         ("--seed", "4294967296"), ("--seed", str(2**70)),
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


def test_a_finished_run_is_not_overwritten(tiny_run):
    before = (tiny_run / "metrics.json").read_text()
    done = run_cli(*train_args(tiny_run))
    assert done.returncode == 2 and "already holds a finished run" in done.stderr
    assert "Traceback" not in done.stderr
    assert (tiny_run / "metrics.json").read_text() == before


def test_every_seed_below_2_to_the_32_gives_every_epoch_a_seed_numpy_takes():
    """--seed takes 0 <= seed < 2**32: each epoch of each stage then gets a seed NumPy takes (seed x 10,000 +
    its place passed 2**32 from 429497 on and stopped stage 1 with a traceback, after run.json was written);
    the seeds every run so far used stay as they were, and two large seeds do not share their epochs'."""
    from training.pipeline import stages
    from training.contract import STAGES
    assert stages.MAX_SEED == 2**32 - 1
    for seed in (0, 429496, 429497, 2**28, stages.MAX_SEED):
        for stage in STAGES:
            for epoch in (0, 999):
                np.random.seed(stages.epoch_seed(seed, stage, epoch))
    assert stages.epoch_seed(7, "refine", 2) == 7 * 10_000 + 3_000 + 2
    assert stages.epoch_seed(2**28, "classifier", 0) != stages.epoch_seed(0, "classifier", 0)
    assert stages.epoch_seed(429497, "classifier", 0) != stages.epoch_seed(429498, "classifier", 0)


def cut_short(path):
    path.write_bytes(path.read_bytes()[:len(path.read_bytes()) // 2])


DAMAGED = {  # a resume that cannot read its run folder: one line naming the file, and what to do
    "run.json holds []": ("run.json", lambda p: p.write_text("[]"), "(a JSON list, not a run record)"),
    "a checkpoint's record cut short": ("checkpoints/autoencoder.json", cut_short, "(JSONDecodeError: "),
    "a checkpoint's weights missing": ("checkpoints/classifier_001.weights.npz", lambda p: p.unlink(),
                                       "(No such file or directory)"),
}


@pytest.mark.parametrize("case", sorted(DAMAGED))
def test_a_damaged_run_folder_is_one_line_saying_so(tiny_run, tmp_path, case):
    name, damage, problem = DAMAGED[case]
    stopped = stopped_copy(tiny_run, tmp_path)
    damage(stopped / name)
    done = run_cli(*train_args(stopped))
    lines = done.stderr.strip().splitlines()
    assert done.returncode == 2 and len(lines) == 1, done.stderr[-2000:]
    assert lines[0].startswith(f"error: {stopped / name}: cannot read it {problem}") and lines[0].endswith(
        "the run folder is damaged: start a new run with another --out"), lines[0]
    assert not (stopped / "metrics.json").exists()
