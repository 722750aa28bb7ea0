"""The baselines the model's BCE is shown against: ordered as they must be, on the shipped fixture."""
import json

from helpers import FIXTURE, FIXTURE_VAL, run_cli

from training import baselines
from training import data as data_lib


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
    assert baselines.bce(x, x) < baselines.bce(x, np.full_like(x, 0.5))


def test_the_command_prints_json():
    done = run_cli("-m", "training.baselines", "--data", FIXTURE, "--validation-size", FIXTURE_VAL)
    assert done.returncode == 0, done.stderr
    assert set(json.loads(done.stdout)["test_bce"]) >= {"entropy floor", "mean image", "PCA, 11 components"}
