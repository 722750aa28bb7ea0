"""Style statistics and the percentile scale the grids and the page's sliders walk."""
import numpy as np
import pytest

from training.pipeline import samples


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
