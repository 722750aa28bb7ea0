"""The baselines the model's BCE is shown against: ordered as they must be, on the shipped fixture."""
import json

from helpers import FIXTURE, FIXTURE_VAL, run_cli

from training import baselines
from training.cli import UserError
from training.pipeline import data as data_lib
from training.pipeline import encoding


def test_baselines_are_ordered_from_the_mean_image_down_to_the_entropy_floor():
    b = baselines.baselines(data_lib.load("mnist", str(FIXTURE), FIXTURE_VAL))
    order = ["mean image", "class mean", "per-class PCA, 1 component", "per-class PCA, 2 components",
             "per-class PCA, 3 components"]
    assert [b[k] for k in order] == sorted((b[k] for k in order), reverse=True)
    assert b["entropy floor"] < min(v for k, v in b.items() if k != "entropy floor")
    assert b["PCA, 11 components"] < b["class mean"]


def test_a_perfect_reconstruction_scores_the_entropy_floor_and_a_flat_one_more():
    import numpy as np
    x = np.random.default_rng(0).random((5, 784))
    assert encoding.bce(x, x) < encoding.bce(x, np.full_like(x, 0.5))


def test_the_command_prints_json():
    done = run_cli("-m", "training.baselines", "--data", FIXTURE, "--validation-size", FIXTURE_VAL)
    assert done.returncode == 0, done.stderr
    assert set(json.loads(done.stdout)["test_bce"]) >= {"entropy floor", "mean image", "PCA, 11 components"}


def model_on_fixture(tmp_path, **changes):
    """A committed model's meta.json, as if that model had been trained on the fixture."""
    import shutil
    from helpers import ROOT
    folder = tmp_path / "model"
    folder.mkdir(parents=True)
    shutil.copy(ROOT / "converted_model" / "mnist" / "meta.json", folder / "meta.json")
    meta = json.loads((folder / "meta.json").read_text())
    meta.pop("baselines", None)
    meta["source"].update(data_sha256=data_lib.sha256_of(str(FIXTURE)), validation_size=FIXTURE_VAL)
    meta.update(changes)
    (folder / "meta.json").write_text(json.dumps(meta, indent=2) + "\n")
    return folder, meta


def test_write_records_the_baselines_in_meta_json_and_the_result_passes_the_check(tmp_path):
    from training import contract
    folder, before = model_on_fixture(tmp_path)
    done = run_cli("-m", "training.baselines", "--data", FIXTURE, "--validation-size", FIXTURE_VAL,
                   "--write", folder)
    assert done.returncode == 0, done.stderr
    after = json.loads((folder / "meta.json").read_text())
    printed = json.loads(done.stdout)
    assert after["baselines"] == {k: printed[k] for k in ("test_images", "train_images", "test_bce")}
    assert after["baselines"]["train_images"] == 1800 and after["baselines"]["test_images"] > 0
    assert {k: v for k, v in after.items() if k != "baselines"} == before  # nothing else changed
    contract.check(after, "written")
    assert [p.name for p in folder.iterdir()] == ["meta.json"]  # no temporary file left


def test_write_refuses_another_dataset_or_other_data_and_writes_nothing(tmp_path):
    fixture = data_lib.sha256_of(str(FIXTURE))
    for changes, words in (({"dataset": "fashion_mnist"}, "trained on fashion_mnist"),
                           ({"source": {"data_sha256": "0" * 64}}, "sha256 differs"),
                           # other images held out: the baselines would be fitted on another training split
                           ({"source": {"data_sha256": fixture, "validation_size": 50}}, "trained with --validation-size 50"),
                           ({"source": {"data_sha256": fixture}}, "no source.validation_size")):
        folder, _ = model_on_fixture(tmp_path / words.replace(" ", "_"), **changes)
        text = (folder / "meta.json").read_text()
        done = run_cli("-m", "training.baselines", "--data", FIXTURE, "--validation-size", FIXTURE_VAL,
                       "--write", folder)
        assert done.returncode == 2 and words in done.stderr, done.stderr
        assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr
        assert done.stdout == "" and (folder / "meta.json").read_text() == text
        assert [p.name for p in folder.iterdir()] == ["meta.json"]


def test_the_check_refuses_malformed_baselines():
    import pytest
    from helpers import ROOT
    from training import contract
    meta = json.loads((ROOT / "converted_model" / "mnist" / "meta.json").read_text())
    for bad in ({"test_images": 0, "test_bce": {"mean image": 0.26}}, {"test_images": 10, "test_bce": {}},
                {"test_images": 10, "test_bce": {"mean image": None}}, [1, 2]):
        with pytest.raises(UserError, match="baselines"):
            contract.check({**meta, "baselines": bad}, "meta.json")
