"""Traits measured from digit images, and their correlation with style."""
import numpy as np
import pytest

from training.export import analysis
from training.contract import ATLAS_QUANTILES


def stroke(angle_columns=0, width=1, offset=0):
    """A 20-pixel vertical bar, sheared by angle_columns over its height, `width` pixels wide."""
    img = np.zeros((28, 28))
    for i, row in enumerate(range(4, 24)):
        col = 14 + offset + round(angle_columns * (0.5 - i / 19))
        img[row, col:col + width] = 1.0
    return img


def test_traits_of_known_strokes():
    t = analysis.traits(np.stack([stroke(), stroke(angle_columns=8), stroke(angle_columns=-8),
                                  stroke(width=3), stroke(offset=5)]))
    assert abs(t["slant"][0]) < 1e-9 and t["slant"][1] > 0.3 and t["slant"][2] < -0.3  # top to the right: > 0
    assert t["height"][0] == 20 and t["width"][0] == 1 and t["width"][3] == 3
    assert t["thickness"][0] == 1.0 and 2.5 < t["thickness"][3] < 4
    assert t["ink"][3] == pytest.approx(3 * t["ink"][0])
    assert t["x_offset"][4] - t["x_offset"][0] == pytest.approx(5) and abs(t["y_offset"][0]) < 1


def test_skeleton_of_a_thick_bar_is_one_pixel_wide():
    bar = np.zeros((1, 28, 28), np.uint8)
    bar[0, 5:23, 10:15] = 1
    skeleton = analysis.skeletonize(bar)[0]
    assert skeleton.sum() > 0 and (skeleton.sum(axis=1) <= 1).all()


def test_correlations_find_the_trait_style_follows():
    rng = np.random.default_rng(0)
    angles = rng.uniform(-8, 8, 200)
    images = np.stack([stroke(angle_columns=a) for a in angles])
    labels = np.arange(200) % 10
    style = (angles + rng.normal(0, 0.5, 200))[:, None]
    r = analysis.correlations(style, labels, analysis.traits(images))
    assert r["overall"][0]["slant"] > 0.9
    assert r["per_class"]["3"][0]["slant"] > 0.8
    assert abs(r["overall"][0]["height"]) < 0.3


def test_a_far_tail_of_styles_does_not_hide_the_trait():
    """Spearman: what counts is that slant grows with style, not how far the rarest styles lie."""
    rng = np.random.default_rng(1)
    angles = np.sort(rng.uniform(-8, 8, 200))
    images = np.stack([stroke(angle_columns=a) for a in angles])
    style = angles.copy()
    style[:10] -= 1000  # the ten most left-leaning digits, far out on the style axis
    r = analysis.correlations(style[:, None], np.zeros(200, int), analysis.traits(images))
    assert r["overall"][0]["slant"] > 0.9
    assert analysis._pearson(style, analysis.traits(images)["slant"]) < 0.6  # what r would have said


def test_atlas_picks_one_digit_per_class_and_quantile():
    labels = np.repeat(np.arange(10), 50)
    style = np.tile(np.linspace(0, 1, 50), 10)[:, None]
    images = np.arange(500)[:, None, None, None] * np.ones((1, 28, 28, 1))
    picked = analysis.atlas(images, style, labels)
    assert picked.shape == (10 * len(ATLAS_QUANTILES), 28, 28, 1)
    assert picked[0, 0, 0, 0] == 0 and picked[len(ATLAS_QUANTILES) - 1, 0, 0, 0] == 49  # class 0: low..high
