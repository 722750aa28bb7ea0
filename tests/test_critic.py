"""Stage 3's critic codes: what the page can show, each with the class it must read as."""
import numpy as np

from training import critic
from training.meta import NUM_CLASSES


def test_critic_codes_are_the_pages_codes_with_the_class_they_stand_for():
    tables = [{"1": [c - 1.0, 0.0], "50": [float(c), 1.0], "99": [c + 1.0, 2.0]} for c in range(NUM_CLASSES)]
    codes, labels = critic.sample(tables, 4000, np.random.default_rng(0))
    classes, style = codes[:, :NUM_CLASSES], codes[:, NUM_CLASSES:]
    np.testing.assert_allclose(classes.sum(1), 1, atol=1e-6)
    assert np.all(classes.argmax(1) == labels) and np.all(classes[np.arange(4000), labels] >= 1 - critic.MORPH_END)
    morphs = (classes > 0).sum(1) == 2
    assert 0.2 < morphs.mean() < 0.3 and set(np.unique(labels)) == set(range(NUM_CLASSES))
    pure = ~morphs
    # a pure code's style lies in its class's 1st..99th percentile, both dimensions walked
    assert np.all(np.abs(style[pure, 0] - labels[pure]) <= 1 + 1e-6) and np.all((style[:, 1] >= 0) & (style[:, 1] <= 2))
    assert style[pure, 0].std() > 0.4
    again, _ = critic.sample(tables, 4000, np.random.default_rng(0))
    np.testing.assert_array_equal(codes, again)


def test_the_presets_the_cli_offers_are_the_models_presets():
    from training import model, train
    assert set(train.PRESETS) == set(model.PRESETS)
    assert model.PRESETS["default"].critic_weight > 0 and model.PRESETS["seed"].critic_weight == 0


def test_stage_three_logs_the_critics_loss(tiny_run):
    """The default preset trains with the critic (test_train checks the classifier stays bit-identical)."""
    import csv
    with open(tiny_run / "history_refine.csv") as f:
        rounds = list(csv.DictReader(f))
    assert rounds[0]["critic_loss"] == "" and float(rounds[1]["critic_loss"]) > 0
