"""The realism measure: decoders that cross-fade two digits, switch hard halfway or draw faint ghosts
fall short of issue 36's goals, one that draws real digits meets them; the command refuses what the
other measuring commands refuse and records its figures by split."""
import functools
import json
import shutil
import zlib

import numpy as np
import pytest
from helpers import FIXTURE, FIXTURE_VAL, ROOT

from training.pipeline import data as data_lib
from training import legibility, realism
from training import reader as reader_lib
from training.contract import NUM_CLASSES

PAIRS = ((3, 8), (8, 3), (1, 7), (4, 9), (0, 6), (2, 5))  # a few morphs keep the measure fast
SIZE = 250  # real digits in the reference (the fixture's test split has 500)
TABLES = {"1": [-2.0, -1.0], "25": [-1.0, -0.5], "50": [0.0, 0.0], "75": [1.0, 0.5], "99": [3.0, 2.0]}


def meta(dims):
    one = {k: v[:dims] for k, v in TABLES.items()}
    return {"style_dims": dims, "style_percentiles": one, "style_percentiles_per_class": {str(c): one for c in range(NUM_CLASSES)}}


@pytest.fixture(scope="module")
def digits():
    """(typical[class] = 20 real training digits each whose ink is nearest their class's median,
    the fixture's test digits and labels). Typical, because the faintest 5 % of each class's real
    digits are ghosts by the measure's definition: a decoder should draw digits of a usual weight."""
    ds = data_lib.load("mnist", str(FIXTURE), FIXTURE_VAL)
    typical = []
    for c in range(NUM_CLASSES):
        mine = ds.train.x[ds.train.y == c]
        ink = realism.ink(mine)
        typical.append(mine[np.argsort(np.abs(ink - np.median(ink)))[:20]])
    return np.stack(typical), (ds.test.x, ds.test.y)


def draw(kind, typical, codes):
    """What a synthetic decoder draws for `codes` (class weights, then style)."""
    weights, winner = codes[:, :NUM_CLASSES], codes[:, :NUM_CLASSES].argmax(1)
    if kind == "real":  # another real digit of the leading class for every code: crisp, and each step moves
        return typical[winner, [zlib.crc32(c.tobytes()) % typical.shape[1] for c in codes]]
    if kind == "cross_fade":
        return np.einsum("nc,chwk->nhwk", weights, typical[:, 0])
    if kind == "hard_switch":
        return typical[winner, 0]
    if kind == "ghosts":  # real digits, as faint as a pencil barely touching the paper
        return 0.4 * draw("real", typical, codes)
    raise ValueError(kind)


class Decoder:
    def __init__(self, kind, typical):
        self.predict = lambda codes, **_: draw(kind, typical, codes).astype(np.float32)


@pytest.fixture(scope="module")
def reader():
    return reader_lib.load(ROOT / "readers" / "mnist")[0]


@pytest.fixture(scope="module")
def measure(digits, reader):
    """measure(kind, dims): realism.measure's figures of that decoder, measured once."""
    typical, real = digits
    done = {}

    def figures(kind, dims=1):
        if (kind, dims) not in done:
            done[kind, dims] = realism.measure(Decoder(kind, typical), reader, meta(dims), real, pairs=PAIRS,
                                               reference_size=SIZE)
        return done[kind, dims]
    return figures


@pytest.mark.parametrize("kind, short", [
    ("real", []),
    ("cross_fade", ["in_betweens: grey share", "in_betweens: faint ghosts"]),  # a double exposure, half as dark
    ("hard_switch", ["snap: max", "snap: median"]),
    ("ghosts", ["grid: faint ghosts", "in_betweens: faint ghosts", "grid: grey share", "in_betweens: grey share"]),
])
def test_each_kind_of_unreal_digit_falls_short_of_its_goal_and_real_digits_meet_them(measure, kind, short):
    found = realism.shortfalls(measure(kind))
    assert len(found) == len(short) and all(any(line.startswith(s) for line in found) for s in short), found


def test_snap_scores_a_hard_switch_at_the_steps_and_a_cross_fade_at_one(measure):
    assert measure("hard_switch")["snap"]["median"] == pytest.approx(realism.MORPH_STEPS - 1)
    assert measure("cross_fade")["snap"]["max"] == pytest.approx(1.0)
    assert measure("real")["snap"]["morphs"] == len(PAIRS) * len(realism.STYLE_POSITIONS)


def test_real_digits_sit_near_the_floor_and_blends_far_from_it(measure):
    real, blend = measure("real"), measure("cross_fade")
    assert real["reference"]["size"] == SIZE and 0 < real["reference"]["floor"] < real["grid"]["fd"] + 1
    assert real["in_betweens"]["fd"] < 2 * real["in_betweens"]["floor"]
    assert blend["in_betweens"]["fd"] > 3 * real["in_betweens"]["fd"]
    assert real["detour"]["mean"] < 0.05 < blend["detour"]["max"]  # a blend of 3 and 8 may read as another digit
    assert real["in_betweens"]["grey_median"] == pytest.approx(real["reference"]["grey_median"], abs=0.1)


def test_the_sets_are_the_pages_codes_with_a_pad_only_for_two_style_values(measure):
    one, two = realism.set_codes([meta(1)["style_percentiles"]] * NUM_CLASSES, 1), \
        realism.set_codes([meta(2)["style_percentiles"]] * NUM_CLASSES, 2)
    assert {k: len(v) for k, v in one.items()} == {"grid": 210, "in_betweens": 810}
    assert {k: len(v) for k, v in two.items()} == {"grid": 210, "in_betweens": 810, "pad": 250}
    assert two["pad"][0, NUM_CLASSES:].tolist() == [-2.0, -1.0] and two["pad"][-1, NUM_CLASSES:].tolist() == [3.0, 2.0]
    assert sorted(set(two["pad"][:, NUM_CLASSES].tolist())) == [-2.0, -1.0, 0.0, 1.0, 3.0]  # percentiles 1 ... 99
    middle = realism.samples.style_at([meta(1)["style_percentiles"]] * NUM_CLASSES, [0.5])
    at = len(realism.PAIRS) * len(realism.IN_BETWEEN_T) + 3 * len(realism.IN_BETWEEN_T)  # style 0.5, 0 -> 4, t 0.25
    assert one["in_betweens"][at].tolist() == pytest.approx(legibility.morph_code(middle, 0, 4, 0.25).tolist())
    assert "pad" in measure("real", 2) and measure("real", 2)["pad"]["size"] == 250


def test_frechet_distance_is_zero_for_one_set_and_the_squared_shift_for_a_moved_one():
    f = np.random.default_rng(0).normal(size=(400, 8))
    assert realism.frechet(f, f) == pytest.approx(0, abs=1e-6)
    assert realism.frechet(f, f + 0.5) == pytest.approx(8 * 0.25)


@pytest.fixture
def model(tmp_path):
    """The committed mnist model, told it was trained on the fixture (its figures mean nothing then)."""
    folder = tmp_path / "mnist"
    shutil.copytree(ROOT / "converted_model" / "mnist", folder)
    m = json.loads((folder / "meta.json").read_text())
    m["source"].update(data_sha256=data_lib.sha256_of(FIXTURE), validation_size=FIXTURE_VAL)
    (folder / "meta.json").write_text(json.dumps({**m, "realism": {"test": {"kept": True}}}))
    return folder


def test_the_command_records_its_figures_by_split_and_draws_the_sheets(model, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(realism, "measure", functools.partial(realism.measure, pairs=PAIRS))
    code = realism.main([str(model), "--data", str(FIXTURE), "--validation-size", str(FIXTURE_VAL),
                         "--split", "validation", "--write", "--sheet", str(tmp_path / "sheets")])
    assert code in (0, 1)
    written = json.loads((model / "meta.json").read_text())["realism"]
    assert written["test"] == {"kept": True} and written["validation"] == json.loads(capsys.readouterr().out)
    assert written["validation"]["reference"]["size"] == FIXTURE_VAL // 2  # the split cut in two halves
    assert sorted(p.name for p in (tmp_path / "sheets").iterdir()) == ["mnist-grid.png", "mnist-morphs.png"]


@pytest.mark.parametrize("change, args, message", [
    ({"source": {"data_sha256": "0" * 64}}, [], "not the data"),
    ({"dataset": "fashion_mnist"}, ["--reader", str(ROOT / "readers" / "mnist")], "reads mnist"),
    ({}, ["--reader", "no/such/reader"], "not a reader"),
    ({}, ["--split", "train"], "invalid choice"),
])
def test_what_the_other_measuring_commands_refuse_is_refused_and_nothing_is_written(model, capsys, change, args, message):
    m = json.loads((model / "meta.json").read_text())
    (model / "meta.json").write_text(json.dumps({**m, **{k: {**m[k], **v} if isinstance(v, dict) else v
                                                         for k, v in change.items()}}))
    before = (model / "meta.json").read_text()
    try:  # in this process, as TensorFlow is loaded already (argparse's refusal exits)
        code = realism.main([str(model), "--data", str(FIXTURE), "--validation-size", str(FIXTURE_VAL), "--write", *args])
    except SystemExit as e:
        code = e.code
    out, err = capsys.readouterr()
    assert code == 2 and message in err and out == "" and (model / "meta.json").read_text() == before
    assert err.startswith("error: ") and len(err.splitlines()) == 1 or args[0] == "--split", err


def test_the_table_has_a_cell_for_every_column_and_a_dash_for_a_set_a_model_lacks(measure):
    from training import realism_table
    one, two = realism_table.row("one", measure("real")), realism_table.row("two", measure("real", 2))
    assert len(one) == len(two) == len(realism_table.HEADER)
    assert one[4] == "–" and two[4].startswith(f"{measure('real', 2)['pad']['fd']:.1f} (")
