"""The rules the page implements again in JS agree with training's: one table of cases
(tests/cases/rules.json) for both sides; tests/node/rules.test.mjs checks the JS side."""
import json

import numpy as np
import pytest
from helpers import ROOT

from training.export import analysis, style_levels
from training.pipeline import encoding, samples
from training import contract

CASES = json.loads((ROOT / "tests" / "cases" / "rules.json").read_text())


@pytest.mark.parametrize("case", CASES["percentile_scale"]["cases"], ids=lambda c: f"u={c['u']:.3f}")
def test_percentile_scale(case):
    tables = [CASES["percentile_scale"]["table"]] * contract.NUM_CLASSES
    assert samples.style_at(tables, case["u"])[4][0] == pytest.approx(case["style"], abs=1e-5)


@pytest.mark.parametrize("case", CASES["bce"], ids=lambda c: str(c["bce"]))
def test_binary_cross_entropy_with_the_keras_clip(case):
    target = np.array(case["target"], np.float32).reshape(1, -1, 1, 1)
    output = np.array(case["output"], np.float32).reshape(1, -1, 1, 1)
    assert encoding.bce_per_image(target, output)[0] == pytest.approx(case["bce"], rel=1e-5)


def test_stored_style_levels_and_back():
    style_range = CASES["levels"]["style_range"]
    cases = CASES["levels"]["cases"]
    levels = encoding.to_levels([[c["style"]] for c in cases], style_range)
    assert levels[:, 0].tolist() == [c["level"] for c in cases]
    back = encoding.from_levels(levels, style_range)[:, 0]
    step = (style_range[0][1] - style_range[0][0]) / (2 ** contract.STYLE_BITS - 1)
    inside = [i for i, c in enumerate(cases) if style_range[0][0] <= c["style"] <= style_range[0][1]]
    assert all(abs(back[i] - cases[i]["style"]) <= step / 2 + 1e-9 for i in inside)


@pytest.mark.parametrize("case", CASES["traits"]["cases"], ids=lambda c: f"{len(c['ink'])} pixels")
def test_slant_and_width(case):
    image = np.zeros((1, contract.IMAGE_SIDE, contract.IMAGE_SIDE))
    for row, col, value in case["ink"]:
        image[0, row, col] = value
    measured = analysis.traits(image)
    assert measured["slant"][0] == pytest.approx(case["slant"], abs=1e-6) and measured["width"][0] == case["width"]


@pytest.mark.parametrize("table", CASES["style_level"]["tables"], ids=lambda t: f"{len(t['levels'][0])} style(s)")
def test_the_stored_style_a_class_shows_for_a_drawing(table):
    for case in table["cases"]:
        pick = style_levels.pick_level(table["levels"], table["slant"], table["width"], case["low"], case["high"],
                                       case["median"], case["slant"], case["width"])
        assert pick == case["pick"], case


def test_the_page_has_the_same_constants():
    """web/static/js/contract.js is what `python -m training.contract` writes from training/contract.py."""
    assert (ROOT / "web" / "static" / "js" / "contract.js").read_text() == contract.js_module()


def test_the_committed_models_keep_the_contract():
    for folder in sorted((ROOT / "converted_model").iterdir()):
        contract.check(contract.read_json(folder / "meta.json"), folder)
        assert list(contract.read_json(folder / "meta.json")["style_percentiles"]) == list(map(str, contract.PERCENTILES))
