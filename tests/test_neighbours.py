"""The index of real training images for the page's nearest-images check (training/neighbours.py):
from the training split only, reproducible, within its byte budget, written whole, named in meta.json
so the build copies it, and refused in one line on bad input with nothing written."""
import hashlib
import io
import json
import shutil

import numpy as np
import pytest
from helpers import FIXTURE, FIXTURE_VAL, ROOT, run_cli
from PIL import Image

import build
from training.pipeline import data as data_lib
from training import contract
from training import neighbours
from training.cli import UserError

MNIST = ROOT / "converted_model" / "mnist"


@pytest.fixture(scope="module")
def ds():
    return data_lib.load("mnist", str(FIXTURE), FIXTURE_VAL)


def sprite_images(png, per_class):
    sheet = np.asarray(Image.open(io.BytesIO(png)))
    assert sheet.shape == (10 * 28, per_class * 28) and sheet.dtype == np.uint8
    return sheet.reshape(10, 28, per_class, 28).transpose(0, 2, 1, 3)


def test_the_index_holds_raw_training_images_only_a_row_per_class(ds):
    png, index = neighbours.build(ds.train, per_class=20)
    with np.load(FIXTURE) as npz:
        x_train, y_train = npz["x_train"], npz["y_train"]
    train_size = len(x_train) - FIXTURE_VAL
    chosen = np.array(index["source_indices"])
    assert chosen.shape == (10, 20) and index["split"] == "train"
    assert chosen.max() < train_size, "a validation image in the index"
    assert len(np.unique(chosen)) == chosen.size
    for c in range(10):
        assert (y_train[chosen[c]] == c).all()
    assert np.array_equal(sprite_images(png, 20), x_train[chosen])  # the .npz's bytes, unchanged
    assert index["sprite_sha256"] == hashlib.sha256(png).hexdigest() and index["sprite_bytes"] == len(png)
    ref = index["reference"]
    assert 0 < ref["p10"] <= ref["p50"] <= ref["p90"] and ref["count"] == 1000 and len(ref["p50_per_class"]) == 10


def test_the_same_data_and_seed_give_the_same_bytes_another_seed_other_images(ds):
    first, second = neighbours.build(ds.train, per_class=20), neighbours.build(ds.train, per_class=20)
    assert first[0] == second[0] and first[1] == second[1]
    other = neighbours.build(ds.train, per_class=20, seed=1)
    assert other[1]["source_indices"] != first[1]["source_indices"]


def test_over_the_budget_fewer_images_of_the_same_draw(ds):
    full_png, full = neighbours.build(ds.train, per_class=100)
    budget = (len(full_png) + len(neighbours.dumps(full))) // 2
    png, index = neighbours.build(ds.train, per_class=100, budget=budget)
    assert len(png) + len(neighbours.dumps(index)) <= budget and index["per_class"] < 100
    assert index["per_class"] % 10 == 0
    for small, large in zip(index["source_indices"], full["source_indices"]):
        assert set(small) <= set(large)
    with pytest.raises(UserError, match="over the budget of 1,000"):
        neighbours.build(ds.train, budget=1000)


def model_copy(tmp_path, **source):
    """converted_model/mnist as if trained on the fixture (only meta.json's source.data_sha256 and
    validation_size differ), and `source` (None: the field is not there)."""
    folder = tmp_path / "mnist"
    shutil.copytree(MNIST, folder, ignore=shutil.ignore_patterns("parity", "neighbours.*", "training.*"))
    meta = json.loads((folder / "meta.json").read_text())
    meta.pop("neighbours", None)
    meta.pop("training", None)
    fixture = {"data_sha256": data_lib.sha256_of(FIXTURE), "validation_size": FIXTURE_VAL, **source}
    meta["source"] = {k: v for k, v in {**meta["source"], **fixture}.items() if v is not None}
    (folder / "meta.json").write_text(json.dumps(meta, indent=2) + "\n")
    return folder, meta


def snapshot(folder):
    return {p.relative_to(folder): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_the_command_adds_the_index_to_a_converted_model_and_the_build_copies_it(tmp_path):
    folder, before = model_copy(tmp_path)
    done = run_cli("-m", "training.neighbours", folder, "--data", FIXTURE, "--validation-size", FIXTURE_VAL)
    assert done.returncode == 0, done.stderr
    meta = json.loads((folder / "meta.json").read_text())
    entry = meta.pop("neighbours")
    assert meta == before, "meta.json changed beyond its neighbours entry"
    contract.check({**meta, "neighbours": entry}, "meta.json")
    assert entry["per_class"] == 100 and entry["count"] == 1000 and entry["bytes"] <= neighbours.BUDGET_BYTES
    index = json.loads((folder / "neighbours.json").read_text())
    assert index["train_size"] == 1800 and index["validation_size"] == FIXTURE_VAL
    assert not list(folder.glob(".partial.*"))
    _, files = build.check_model(folder)
    assert {"neighbours.json", "neighbours.png"} <= set(files)
    # a sprite that is not the one meta.json names (a rerun cut short) stops the build
    (folder / "neighbours.png").write_bytes((folder / "neighbours.png").read_bytes()[:-1] + b"\0")
    with pytest.raises(UserError, match="neighbours.png: does not match meta.json's neighbours"):
        build.check_model(folder)


@pytest.mark.parametrize("case", ["other data", "no model", "no data file", "budget", "per class", "validation",
                                  "other validation size", "validation size not recorded"])
def test_bad_input_is_refused_in_one_line_with_nothing_written(tmp_path, case):
    folder, _ = model_copy(tmp_path, validation_size=None) if case == "validation size not recorded" else model_copy(tmp_path)
    args = {"other data": [folder, "--data", ROOT / "tests" / "fixtures" / "other.npz"],
            "no model": [tmp_path / "nothing", "--data", FIXTURE],
            "no data file": [folder, "--data", tmp_path / "missing.npz"],
            "budget": [folder, "--data", FIXTURE, "--validation-size", FIXTURE_VAL, "--budget", "5000"],
            "per class": [folder, "--data", FIXTURE, "--per-class", "5"],
            "validation": [folder, "--data", FIXTURE, "--validation-size", "-1"],
            # a model trained with 200 held out: 50 would index 150 images it never trained on
            "other validation size": [folder, "--data", FIXTURE, "--validation-size", "50"],
            "validation size not recorded": [folder, "--data", FIXTURE, "--validation-size", FIXTURE_VAL]}[case]
    if case == "other data":  # the same images, other bytes: not the data the model was trained on
        with np.load(FIXTURE) as npz:
            arrays = dict(npz)
        args[2] = tmp_path / "other.npz"
        np.savez(args[2], **{**arrays, "y_test": arrays["y_test"][::-1]})
    before = snapshot(folder)
    done = run_cli("-m", "training.neighbours", *args)
    assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert done.stderr.startswith("error: ")
    if "validation size" in case:
        assert ("no source.validation_size" if "not recorded" in case else "trained with --validation-size 200") in done.stderr
    assert snapshot(folder) == before


def test_a_write_that_fails_midway_leaves_the_folder_as_it_was(tmp_path, monkeypatch):
    folder, _ = model_copy(tmp_path)
    before = snapshot(folder)
    real_write = type(folder).write_bytes
    calls = []

    def failing_write(path, content):
        calls.append(path.name)
        if len(calls) == 2:
            raise OSError(28, "No space left on device", str(path))
        return real_write(path, content)

    monkeypatch.setattr(type(folder), "write_bytes", failing_write)
    with pytest.raises(OSError):
        neighbours.add_to_model(folder, FIXTURE, FIXTURE_VAL)
    assert snapshot(folder) == before and calls == [".partial.neighbours.png", ".partial.neighbours.json"]


def test_write_index_is_what_conversion_calls_and_meta_json_accepts_its_entry(ds, tmp_path):
    entry = neighbours.write_index(tmp_path, ds)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["neighbours.json", "neighbours.png"]
    assert entry["bytes"] == sum(p.stat().st_size for p in tmp_path.iterdir())
    assert entry["sprite_sha256"] == hashlib.sha256((tmp_path / "neighbours.png").read_bytes()).hexdigest()
    meta = json.loads((MNIST / "meta.json").read_text())
    contract.check({**meta, "neighbours": entry}, "meta.json")
    with pytest.raises(UserError, match="neighbours should name"):
        contract.check({**meta, "neighbours": {**entry, "sprite": "../secret.png"}}, "meta.json")


def test_conversion_writes_the_index():
    """convert.py calls write_index with the run's dataset, and a folder holding the index is still
    an earlier output of convert (so the next conversion may replace it)."""
    from training import convert
    assert "neighbours.write_index(tmp, ds)" in (ROOT / "training" / "convert.py").read_text()
    from training.folders import made_by
    assert made_by(MNIST, convert.OUTPUT_ENTRIES + ("training.*",), "meta.json")


@pytest.mark.parametrize("name", ["mnist", "mnist_2style"])
def test_the_committed_mnist_models_have_their_index_within_the_budget(name):
    folder = ROOT / "converted_model" / name
    meta = json.loads((folder / "meta.json").read_text())
    entry = meta["neighbours"]
    png, index = (folder / "neighbours.png").read_bytes(), json.loads((folder / "neighbours.json").read_text())
    assert len(png) + len((folder / "neighbours.json").read_bytes()) == entry["bytes"] <= neighbours.BUDGET_BYTES
    assert hashlib.sha256(png).hexdigest() == entry["sprite_sha256"] == index["sprite_sha256"]
    assert index["data_sha256"] == meta["source"]["data_sha256"] and index["train_size"] == 55000


@pytest.mark.parametrize("name", ["mnist", "mnist_2style", "fashion"])
def test_the_committed_models_record_the_validation_size_they_were_trained_with(name):
    """Their index recorded it when they were converted (60,000 training images, 5,000 held out:
    the default): meta.json's source says the same, so the commands that use the training split check it."""
    folder = ROOT / "converted_model" / name
    meta = json.loads((folder / "meta.json").read_text())
    index = json.loads((folder / "neighbours.json").read_text())
    assert meta["source"]["validation_size"] == index["validation_size"] == data_lib.VALIDATION_SIZE
    assert index["train_size"] + index["validation_size"] == 60000
