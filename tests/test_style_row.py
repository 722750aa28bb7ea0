"""Your style on every digit (training/style_row.py, export/style_levels.py): each class shows the stored style
nearest the drawing's slant, so the row leans as the drawing does where the same percentile of style does not;
the table the rule reads is what the shipped decoder draws, and the command adds it to a converted folder."""
import json
import shutil

import numpy as np
import pytest
from helpers import FIXTURE, ROOT, OneClassEncoder, run_cli

from training import style_row
from training.export import analysis, style_levels
from training.contract import NUM_CLASSES, check
from training.pipeline import encoding

TABLE = {"1": [-1.0], "50": [0.0], "99": [1.0]}
META = {"style_dims": 1, "style_range": [[-1.0, 1.0]], "style_percentiles": TABLE,
        "style_percentiles_per_class": {str(c): TABLE for c in range(NUM_CLASSES)}}


def bar(slant):
    """A stroke from row 4 to row 23 leaning by `slant` (a right lean is positive)."""
    image = np.zeros((28, 28, 1), np.float32)
    for r in range(4, 24):
        image[r, int(np.clip(np.rint(13.5 + slant * (13.5 - r)), 0, 27)), 0] = 1
    return image


class LeaningDecoder:
    """Classes 0-3 lean right as the style grows, classes 4-9 left: the same style means opposite slants."""

    def predict(self, codes, **_):
        signs = np.where(codes[:, :NUM_CLASSES].argmax(1) < 4, 1, -1)
        return np.stack([bar(0.6 * s * v) for s, v in zip(signs, codes[:, NUM_CLASSES])])


def test_the_row_leans_as_the_drawing_does_where_the_same_percentile_leans_the_other_way():
    x = np.stack([bar(s) for s in np.linspace(-0.5, 0.5, 12)])
    decoder = LeaningDecoder()
    figures = style_row.measure(OneClassEncoder(0), decoder, META, style_levels.table(decoder, META), x)
    assert figures["slant"]["before"] == pytest.approx(-1.0)  # 4 classes lean with it, 6 against
    assert figures["slant"]["after"] == pytest.approx(1.0)


def test_the_search_finds_the_stored_level_as_the_page_does():
    zeros = np.zeros(3, int)
    x = LeaningDecoder().predict(style_row.one_hot_codes(zeros, encoding.from_levels([[30], [128], [255]], META["style_range"])))
    classes, found = style_row.page_levels(OneClassEncoder(0), LeaningDecoder(), META, x)
    assert classes.tolist() == [0, 0, 0]
    drawn = LeaningDecoder().predict(style_row.one_hot_codes(classes, encoding.from_levels(found, META["style_range"])))
    np.testing.assert_array_equal(drawn, x)  # the stored level draws the very image


@pytest.mark.parametrize("name", sorted(p.name for p in (ROOT / "converted_model").iterdir()))
def test_the_committed_tables_are_what_the_shipped_decoder_draws(name):
    from training.pipeline import quiet_tensorflow  # noqa: F401
    import tensorflowjs
    folder = ROOT / "converted_model" / name
    meta = json.loads((folder / "meta.json").read_text())
    decoder = tensorflowjs.converters.load_keras_model(str(folder / "decoder" / "model.json"))
    lattice = encoding.level_lattice(meta["style_dims"])
    picked = np.arange(0, len(lattice), 17)
    for c in (0, 7):
        codes = style_row.one_hot_codes(np.full(len(picked), c), encoding.from_levels(lattice[picked], meta["style_range"]))
        measured = analysis.traits(decoder.predict(codes, verbose=0))
        np.testing.assert_allclose(np.array(meta["level_traits"]["slant"][c])[picked], measured["slant"], atol=0.006)
        np.testing.assert_allclose(np.array(meta["level_traits"]["width"][c])[picked], measured["width"], atol=1)


def test_the_command_adds_the_table_and_measures_the_row(tiny_model, tmp_path):
    model = tmp_path / "model"
    shutil.copytree(tiny_model, model)
    meta = json.loads((model / "meta.json").read_text())
    del meta["level_traits"]
    (model / "meta.json").write_text(json.dumps(meta))
    done = run_cli("-m", "training.style_row", model, "--data", FIXTURE, "--write")
    assert done.returncode == 0, done.stderr[-2000:]
    written = json.loads((model / "meta.json").read_text())
    assert written["level_traits"] == json.loads((tiny_model / "meta.json").read_text())["level_traits"]  # as convert's
    check(written, model)
    figures = json.loads(done.stdout)
    assert figures["digits"] == 10 * style_row.PER_CLASS and figures["written"] is True
    assert all(-1 <= figures[t][rule] <= 1 for t in ("slant", "width") for rule in ("before", "after"))


def test_nothing_to_do_and_data_of_another_model_are_refused(tiny_model, tmp_path):
    model = tmp_path / "model"
    shutil.copytree(tiny_model, model)
    done = run_cli("-m", "training.style_row", model)
    assert done.returncode == 2 and done.stderr.strip() == "error: nothing to do: --data measures the row, --write records its table"
    meta = json.loads((model / "meta.json").read_text())
    (model / "meta.json").write_text(json.dumps({**meta, "source": {**meta["source"], "data_sha256": "0" * 64}}))
    before = (model / "meta.json").read_text()
    done = run_cli("-m", "training.style_row", model, "--data", FIXTURE, "--write")
    assert done.returncode == 2 and "sha256 differs" in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert (model / "meta.json").read_text() == before and done.stdout == ""
