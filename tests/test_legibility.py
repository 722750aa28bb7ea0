"""The legibility check: it reads what the page can show, passes a decoder that draws the class it
is asked for, and fails one that draws noise; the reader is its own model, trained by its own command."""
import json
import shutil

import numpy as np
import pytest
from helpers import FIXTURE, FIXTURE_VAL, run_cli

from training import legibility
from training.contract import NUM_CLASSES

TABLES = {"1": [-2.0], "50": [0.0], "99": [3.0]}
META = {"style_dims": 1, "style_percentiles": TABLES,
        "style_percentiles_per_class": {str(c): TABLES for c in range(NUM_CLASSES)}}


class ClassPixelDecoder:
    """Draws the winning class as a lit pixel in row 0 (and noise instead when `noise`)."""

    def __init__(self, noise=False):
        self.noise = noise

    def predict(self, codes, **_):
        images = np.zeros((len(codes), 28, 28, 1), np.float32)
        winners = np.random.default_rng(0).integers(0, NUM_CLASSES, len(codes)) if self.noise else \
            codes[:, :NUM_CLASSES].argmax(1)
        images[np.arange(len(codes)), 0, winners, 0] = 1
        return images


class PixelReader:
    def predict(self, images, **_):
        return images[:, 0, :NUM_CLASSES, 0]


def test_a_decoder_that_draws_the_class_passes_and_noise_fails():
    good = legibility.measure(ClassPixelDecoder(), PixelReader(), META)
    assert good["grid"] == 1.0 and good["morph"] == 1.0 and good["failures"] == {"grid": [], "morph": []}
    assert good["grid_cells"] == 10 * legibility.GRID_POSITIONS and good["morph_cells"] == 90 * 12
    noise = legibility.measure(ClassPixelDecoder(noise=True), PixelReader(), META)
    assert noise["grid"] < 0.3 and noise["morph"] < 0.3
    assert len(noise["failures"]["grid"]) == round((1 - noise["grid"]) * noise["grid_cells"])
    assert noise["failures"]["grid"][0].startswith("class ")


class RealDigitDecoder:
    """Draws, for class c, real digit c of `digits` at the slider's middle and a grey smear at its ends."""

    def __init__(self, digits):
        self.digits = digits

    def predict(self, codes, **_):
        images = self.digits[codes[:, :NUM_CLASSES].argmax(1)].copy()
        images[np.isin(codes[:, NUM_CLASSES], [-2.0, 3.0])] = 0.5  # the 1st and 99th percentiles
        return images


def test_a_grey_smear_the_reader_passes_is_far_from_every_real_digit():
    rng = np.random.default_rng(0)
    x = (rng.random((50, 28, 28, 1)) > 0.8).astype(np.float32)
    y = np.arange(50) % NUM_CLASSES
    result = legibility.measure(RealDigitDecoder(x[:NUM_CLASSES]), ClassPixelReader(), META, real=(x, y))
    near = result["nearest_real"]
    assert result["grid"] == 1.0  # the reader passes every cell, smears too
    assert near["elsewhere"] == pytest.approx(-np.log(1 - 1e-7), abs=1e-6)  # a real digit, drawn exactly
    assert near["ends"] > 0.6 and len(near["farthest"]) == 5
    assert all(" at position 0.000" in w or " at position 1.000" in w for w in near["farthest"])


class ClassPixelReader:
    """Reads every grid cell as the class its code stands for, whatever is drawn: a reader a smear fools."""

    def predict(self, images, **_):
        return np.tile(np.eye(NUM_CLASSES), (len(images) // NUM_CLASSES, 1))


def test_the_cases_walk_the_pages_positions_and_both_morph_ends():
    codes, expected, _ = legibility.grid_cases([TABLES] * NUM_CLASSES, 1)
    assert codes[:NUM_CLASSES, NUM_CLASSES].tolist() == [-2.0] * NUM_CLASSES  # position 0: the 1st percentile
    assert codes[-1, NUM_CLASSES] == 3.0 and expected[-1] == NUM_CLASSES - 1
    two = {k: [v[0], v[0]] for k, v in TABLES.items()}
    codes, _, _ = legibility.grid_cases([two] * NUM_CLASSES, 2)
    assert len(codes) == NUM_CLASSES * legibility.LATTICE ** 2
    codes, expected, where = legibility.morph_cases([TABLES] * NUM_CLASSES, 1)
    first = [i for i, w in enumerate(where) if w.startswith("3 -> 8 ")]
    assert [expected[i] for i in first] == [3] * 6 + [8] * 6
    assert codes[first[6], 8] == 1.0 and codes[first[-1], 8] == 0.75 and codes[first[5], 3] == 0.75


@pytest.fixture(scope="module")
def fixture_reader(tmp_path_factory):
    out = tmp_path_factory.mktemp("readers") / "mnist"
    done = run_cli("-m", "training.reader", "--data", FIXTURE, "--validation-size", FIXTURE_VAL,
                   "--epochs", "1", "--quiet", "--out", out)
    assert done.returncode == 0, done.stderr[-2000:]
    return out


def test_the_command_reads_a_converted_model_and_records_the_result(fixture_reader, tiny_model, tmp_path):
    about = json.loads((fixture_reader / "reader.json").read_text())
    assert about["train_size"] == 1800 and about["seed"] != 0 and 0 < about["test_accuracy"] <= 1
    model = tmp_path / "model"
    shutil.copytree(tiny_model, model)
    done = run_cli("-m", "training.legibility", model, "--reader", fixture_reader, "--write",
                   "--data", FIXTURE, "--validation-size", FIXTURE_VAL)
    assert done.returncode in (0, 1), done.stderr[-2000:]
    result = json.loads((model / "meta.json").read_text())["legibility"]
    assert result == json.loads(done.stdout)
    assert result["grid_cells"] == 410 and 0 <= result["grid"] <= 1 and "failures" in result
    near = result["nearest_real"]
    assert 0 < near["ends"] < 1 and 0 < near["elsewhere"] < 1 and len(near["farthest"]) == 5
    assert (done.returncode == 0) == (result["grid"] >= 0.99 and result["morph"] >= 0.98)


def test_a_reader_of_another_dataset_is_refused(fixture_reader, tiny_model, tmp_path):
    model = tmp_path / "model"
    shutil.copytree(tiny_model, model)
    meta = json.loads((model / "meta.json").read_text())
    (model / "meta.json").write_text(json.dumps({**meta, "dataset": "fashion_mnist"}))
    done = run_cli("-m", "training.legibility", model, "--reader", fixture_reader)
    assert done.returncode == 2 and "reads mnist" in done.stderr and "Traceback" not in done.stderr


def test_data_the_model_was_not_trained_on_is_refused_and_nothing_is_written(fixture_reader, tiny_model, tmp_path):
    model = tmp_path / "model"
    shutil.copytree(tiny_model, model)
    meta = json.loads((model / "meta.json").read_text())
    (model / "meta.json").write_text(json.dumps({**meta, "source": {**meta["source"], "data_sha256": "0" * 64}}))
    before = (model / "meta.json").read_text()
    done = run_cli("-m", "training.legibility", model, "--reader", fixture_reader, "--write",
                   "--data", FIXTURE, "--validation-size", FIXTURE_VAL)
    assert done.returncode == 2 and "not the data" in done.stderr and "sha256 differs" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and done.stdout == ""
    assert (model / "meta.json").read_text() == before
