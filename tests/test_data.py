"""Loading, splitting and validating data; bad input gives one clear line and a non-zero exit."""
import numpy as np
import pytest
from helpers import FIXTURE, FIXTURE_VAL, run_cli

from training.cli import UserError
from training.pipeline import data


def test_fixture_splits_scales_and_keeps_order():
    ds = data.load("mnist", str(FIXTURE), FIXTURE_VAL)
    assert (len(ds.train.x), len(ds.val.x), len(ds.test.x)) == (1800, 200, 500)
    assert ds.train.x.shape[1:] == (28, 28, 1) and ds.train.x.dtype == np.float32
    assert 0.0 == ds.train.x.min() and ds.train.x.max() == 1.0
    raw = np.load(FIXTURE)
    # validation is the tail of the official training set: deterministic, no shuffling
    np.testing.assert_array_equal(ds.val.y, raw["y_train"][-FIXTURE_VAL:])
    np.testing.assert_allclose(ds.val.x[0, ..., 0], raw["x_train"][-FIXTURE_VAL] / 255.0, rtol=1e-6)
    assert ds.sha256 and len(ds.sha256) == 64
    assert ds.class_names == [str(d) for d in range(10)]


def write_npz(path, **overrides):
    raw = dict(np.load(FIXTURE))
    raw.update(overrides)
    for key in [k for k, v in overrides.items() if v is None]:
        del raw[key]
    np.savez(path, **raw)
    return path


BAD = {
    "missing key": (dict(y_test=None), "missing key(s) y_test"),
    "wrong shape": (dict(x_train=np.zeros((2000, 32, 32), np.uint8)), "x_train has shape (2000, 32, 32)"),
    "wrong dtype": (dict(x_test=np.zeros((500, 28, 28), np.float64)), "x_test has dtype float64"),
    "empty": (dict(x_test=np.zeros((0, 28, 28), np.uint8), y_test=np.zeros((0,), np.uint8)), "x_test is empty"),
    "labels out of range": (dict(y_test=np.full(500, 12, np.uint8)), "labels outside 0..9"),
    "labels not matching": (dict(y_train=np.zeros(5, np.uint8)), "y_train has shape (5,)"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_arrays_raise_a_clear_error(tmp_path, case):
    overrides, message = BAD[case]
    path = write_npz(tmp_path / "bad.npz", **overrides)
    with pytest.raises(UserError, match=message.replace("(", r"\(").replace(")", r"\)")):
        data.load("mnist", str(path), FIXTURE_VAL)


def test_missing_and_corrupt_files(tmp_path):
    with pytest.raises(UserError, match="no such data file"):
        data.load("mnist", str(tmp_path / "nope.npz"))
    (tmp_path / "junk.npz").write_bytes(b"this is not a zip")
    with pytest.raises(UserError, match="not a readable .npz"):
        data.load("mnist", str(tmp_path / "junk.npz"))
    with pytest.raises(UserError, match="needed for the validation split"):
        data.load("mnist", str(FIXTURE))  # 2,000 images cannot give 5,000 for validation


@pytest.mark.parametrize("case", ["missing file", "wrong keys"])
def test_cli_bad_data_exits_non_zero_with_one_line(tmp_path, case):
    path = tmp_path / "nope.npz" if case == "missing file" else write_npz(tmp_path / "bad.npz", x_train=None)
    out = tmp_path / "run"
    done = run_cli("-m", "training.train", "--data", path, "--out", out, "--quiet")
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines()[-1].startswith(f"error: {path}")
    assert not out.exists(), "a failed start must not leave a run folder behind"


def test_no_data_and_no_network_is_one_line(tmp_path):
    """Without --data the data comes from keras.datasets; when that download fails, one line says what to do."""
    import os
    import subprocess
    import sys

    from helpers import ROOT
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HOME": str(tmp_path),  # no cached copy
           "https_proxy": "http://127.0.0.1:9", "HTTPS_PROXY": "http://127.0.0.1:9"}  # nothing listens there
    done = subprocess.run([sys.executable, "-m", "training.train", "--out", str(tmp_path / "run")], cwd=ROOT,
                          capture_output=True, text=True, timeout=300, env=env)
    lines = done.stderr.strip().splitlines()
    assert done.returncode == 2 and len(lines) == 1, done.stderr[-2000:]
    assert lines[0].startswith("error: keras.datasets.mnist: could not be downloaded") and "--data" in lines[0]
    assert not (tmp_path / "run").exists()


def fixture_with(train_labels=None, val_labels=None):
    """The fixture's split (1,800 / 200) with other labels in one part: the images do not matter here."""
    ds = data.load("mnist", str(FIXTURE), FIXTURE_VAL)
    for split, labels in ((ds.train, train_labels), (ds.val, val_labels)):
        if labels is not None:
            split.y = np.asarray(labels, np.int32)
    return ds


def classes(counts, total):
    """Labels with counts[c] of class c, the rest of `total` in class 0."""
    labels = np.concatenate([np.full(n, c) for c, n in counts.items()])
    return np.concatenate([np.zeros(total - len(labels), int), labels])


TRAINING_SPLITS = {  # what training refuses before it starts (it crashed in stage 3 or 4), and the edge it takes
    "no digit 1 in training": (dict(train_labels=classes({1: 0, **{c: 10 for c in range(2, 10)}}, 1800)), 16,
                               "class '1' has 0 images in the training split; training needs at least 10"),
    "9 of digit 7 in training": (dict(train_labels=classes({c: 10 if c != 7 else 9 for c in range(1, 10)}, 1800)), 16,
                                 "class '7' has 9 images in the training split; training needs at least 10"),
    "10 of each digit in training": (dict(train_labels=classes({c: 10 for c in range(1, 10)}, 1800)), 16, None),
    "no digit 9 in validation": (dict(val_labels=classes({c: 1 for c in range(1, 9)}, 200)), 16,
                                 "class '9' has 0 images in the validation split; training needs at least 1"),
    "fewer training digits than a batch": ({}, 1801,
                                           "the training split has 1800 images, fewer than one batch (1801)"),
    "as many as a batch": ({}, 1800, None),
}


@pytest.mark.parametrize("case", sorted(TRAINING_SPLITS))
def test_splits_training_cannot_use_are_refused(case):
    labels, batch_size, message = TRAINING_SPLITS[case]
    ds = fixture_with(**labels)
    if message is None:
        data.check_for_training(ds, batch_size)
    else:
        with pytest.raises(UserError) as raised:
            data.check_for_training(ds, batch_size)
        assert str(raised.value).startswith(f"{FIXTURE}: {message}")


@pytest.mark.parametrize("case", ["a class missing", "one training image"])
def test_cli_refuses_data_it_cannot_train_on_before_it_starts(tmp_path, case):
    """A data set without digit 1 trained stages 1-2 and then crashed in the critic; a training split
    of one image crashed in stage 4. Now: one line, exit 2, no run folder."""
    from helpers import train_args
    out = tmp_path / "run"
    args = [str(a) for a in train_args(out)]
    if case == "a class missing":
        raw = dict(np.load(FIXTURE))
        keep = raw["y_train"] != 1
        path = write_npz(tmp_path / "no_ones.npz", x_train=raw["x_train"][keep], y_train=raw["y_train"][keep])
        args[args.index("--data") + 1] = str(path)
        message = f"error: {path}: class '1' has 0 images in the training split"
    else:
        args[args.index("--validation-size") + 1] = "1999"
        message = f"error: {FIXTURE}: the training split has 1 images, fewer than one batch (16)"
    done = run_cli(*args)
    lines = done.stderr.strip().splitlines()
    assert done.returncode == 2 and len(lines) == 1 and lines[0].startswith(message), done.stderr[-2000:]
    assert not out.exists()


@pytest.mark.parametrize("command, value", [
    ("training.train", "-1"), ("training.reader", "-1"), ("training.reader", "0"), ("training.baselines", "-1"),
    ("training.baselines", "0"), ("training.neighbours", "-1"), ("training.neighbours", "0"),
    ("training.legibility", "-1")])
def test_every_command_refuses_a_nonsense_validation_size_in_one_line(tmp_path, command, value):
    """The check train has, shared (data.check_validation_size): the split is training's, which needs one
    image at least."""
    from helpers import ROOT, train_args
    out = tmp_path / "out"
    model = ROOT / "converted_model" / "mnist"
    args = {"training.train": train_args(out)[2:], "training.reader": ["--data", FIXTURE, "--out", out],
            "training.baselines": ["--data", FIXTURE, "--write", out], "training.neighbours": [out, "--data", FIXTURE],
            "training.legibility": [model, "--data", FIXTURE, "--reader", out]}[command]
    done = run_cli("-m", command, *args, "--validation-size", value)
    lines = done.stderr.strip().splitlines()
    assert done.returncode == 2 and len(lines) == 1, done.stderr[-2000:]
    assert lines[0].startswith("error: ") and lines[0].endswith(f"--validation-size must be at least 1, got {value}")
    assert list(tmp_path.iterdir()) == []
