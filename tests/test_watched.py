"""Training, watched: the sprite and the curves come from the run's own files, unchanged but for the
sprite's 16 grey levels; a run without them ships neither; the build copies them and checks them; the
command takes only the finished run the model was converted from, and writes each file whole."""
import csv
import json
import shutil

import numpy as np
import pytest
from helpers import ROOT, run_cli
from PIL import Image

from training import contract
from training import watched
from training.cli import UserError

FRAME = (88, 298)  # samples.tile of 3 rows x 10 classes
STEP = 255 / (watched.SPRITE_LEVELS - 1)


def write_csv(path, header, rows):
    with path.open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)


@pytest.fixture
def run(tmp_path):
    """A run folder with what training writes: 10 stage-2 epochs, 2 rounds, three histories."""
    folder = tmp_path / "run"
    (folder / "samples").mkdir(parents=True)
    rng = np.random.default_rng(0)
    names = [f"epoch_{n:02d}.png" for n in range(1, 11)] + ["refine_01.png", "refine_02.png"]
    for name in reversed(names):  # written out of order: the order comes from the numbers
        Image.fromarray(rng.integers(0, 256, FRAME, dtype=np.uint8)).save(folder / "samples" / name)
    write_csv(folder / "history_classifier.csv", ["epoch", "loss", "accuracy", "val_loss", "val_accuracy"],
              [[0, 0.5, 0.9, 0.2, 0.95], [1, 0.25, 0.97, 0.1, 0.98]])
    write_csv(folder / "history_autoencoder.csv", ["epoch", "loss", "val_loss"],
              [[e, 0.2 - e / 100, 0.19 - e / 100] for e in range(10)])
    write_csv(folder / "history_refine.csv", ["round", "loss", "critic_loss", "train_bce_searched", "val_bce_searched"],
              [[0, "", "", 0.18, 0.175], [1, 0.17, 0.006, 0.172, 0.171], [2, 0.168, 0.004, 0.17, 0.169]])
    return folder, names


def test_the_sprite_holds_every_sample_in_training_order(run, tmp_path):
    folder, names = run
    out = tmp_path / "model"
    out.mkdir()
    assert watched.write(folder, out) == {"data": "training.json", "sprite": "training.png"}
    data = json.loads((out / "training.json").read_text())
    assert [f["source"] for f in data["frames"]] == [f"samples/{n}" for n in names]
    assert [(f["stage"], f["number"], f["of"]) for f in data["frames"][9:]] == [
        ("autoencoder", 10, 10), ("refine", 1, 2), ("refine", 2, 2)]
    layout = data["sprite"]
    assert (layout["frame_height"], layout["width"], layout["rows"], layout["cols"]) == (88, 298, 3, 10)
    sprite = Image.open(out / "training.png")
    assert sprite.size == (298, 88 * len(names)) and sprite.mode == "P"
    grey = np.asarray(sprite.convert("L")).astype(int)
    assert len(np.unique(grey)) <= watched.SPRITE_LEVELS
    for i, name in enumerate(names):
        frame = np.asarray(Image.open(folder / "samples" / name)).astype(int)
        assert np.abs(grey[i * 88:(i + 1) * 88] - frame).max() <= STEP / 2 + 1, name


def test_the_curves_are_the_run_histories(run, tmp_path):
    folder, _ = run
    _, data = watched.collect(folder)
    for name in watched.HISTORIES:
        if not (folder / f"history_{name}.csv").is_file():  # (this run has no stage 5)
            assert name not in data["curves"]
            continue
        with (folder / f"history_{name}.csv").open() as f:
            rows = list(csv.DictReader(f))
        for column in rows[0]:
            expected = [float(r[column]) if r[column] else None for r in rows]  # to 6 significant digits
            assert [v is None for v in data["curves"][name][column]] == [v is None for v in expected]
            assert [v for v in data["curves"][name][column] if v is not None] == pytest.approx(
                [v for v in expected if v is not None], rel=1e-5)


def test_a_run_without_records_ships_none_and_a_broken_history_is_one_line(tmp_path):
    (tmp_path / "empty" / "samples").mkdir(parents=True)
    assert watched.write(tmp_path / "empty", tmp_path) is None
    assert not (tmp_path / "training.json").exists()
    write_csv(tmp_path / "empty" / "history_autoencoder.csv", ["epoch", "loss"], [[0, "oops"]])
    with pytest.raises(UserError, match="history_autoencoder.csv: 'loss' holds 'oops'"):
        watched.collect(tmp_path / "empty")
    # curves alone (a run whose samples were lost): the data without a sprite
    write_csv(tmp_path / "empty" / "history_autoencoder.csv", ["epoch", "loss"], [[0, 0.2]])
    assert watched.write(tmp_path / "empty", tmp_path) == {"data": "training.json"}


def test_meta_names_only_the_training_files():
    meta = json.loads((ROOT / "converted_model" / "mnist" / "meta.json").read_text())
    contract.check({**meta, "training": {"data": "training.json", "sprite": "training.png"}}, "m")
    for bad in [{"data": "../meta.json"}, {"sprite": "training.png"}, {"data": "training.json", "x": "y"}, []]:
        with pytest.raises(UserError, match="training should name its files"):
            contract.check({**meta, "training": bad}, "m")


def finished_as_converted(folder, meta):
    """Make `folder` look like the finished run `meta` (a converted model's meta.json) was converted
    from: the metrics.json fields convert copies (and read_run needs), and the models' files."""
    source = meta["source"]
    metrics = {"dataset": meta["dataset"], "data_source": "mnist.npz", "class_names": meta["class_names"],
               "style_dims": meta["style_dims"], "sizes": {"train": 55000, "val": source["validation_size"], "test": 10000},
               **meta["metrics"], "style_range": meta["style_range"], "style_search": {},
               "style_percentiles": meta["style_percentiles"],
               "style_percentiles_per_class": meta["style_percentiles_per_class"],
               **{k: source[k] for k in ("preset", "seed", "epochs", "data_sha256", "seconds")}}
    (folder / "metrics.json").write_text(json.dumps(metrics))
    for name in ("encoder.h5", "decoder.h5"):
        (folder / name).write_bytes(b"")


def test_the_cli_adds_the_record_and_the_build_ships_it(run, tmp_path):
    folder, _ = run
    models = tmp_path / "models"
    shutil.copytree(ROOT / "converted_model" / "mnist", models / "mnist")
    for name in ("training.json", "training.png"):
        (models / "mnist" / name).unlink(missing_ok=True)
    meta = json.loads((models / "mnist" / "meta.json").read_text())
    meta.pop("training", None)
    (models / "mnist" / "meta.json").write_text(json.dumps(meta))
    finished_as_converted(folder, meta)
    done = run_cli("-m", "training.watched", folder, models / "mnist")
    assert done.returncode == 0, done.stderr
    assert json.loads((models / "mnist" / "meta.json").read_text())["training"]["sprite"] == "training.png"
    done = run_cli(ROOT / "build.py", "--models", models, "--out", tmp_path / "dist")
    assert done.returncode == 0, done.stderr
    for name in ("training.json", "training.png"):
        assert (tmp_path / "dist" / "models" / "mnist" / name).read_bytes() == (models / "mnist" / name).read_bytes()
    (models / "mnist" / "training.json").write_text("{nope")
    done = run_cli(ROOT / "build.py", "--models", models, "--out", tmp_path / "dist")
    assert done.returncode == 2 and "training.json: not valid JSON" in done.stderr


def edit_json(name, change):
    def edit(run, model):
        path = (run if name == "metrics.json" else model) / name
        value = json.loads(path.read_text())
        change(value)
        path.write_text(json.dumps(value))
    return edit


@pytest.mark.parametrize("change, message", [
    (lambda run, model: (run / "metrics.json").unlink(), "not a finished run (missing metrics.json)"),
    (lambda run, model: (run / "decoder.h5").unlink(), "not a finished run (missing decoder.h5)"),
    (edit_json("metrics.json", lambda m: m.update(seed=1)), "(seed: not as"),
    (edit_json("metrics.json", lambda m: m.update(preset="seed")), "(preset: not as"),
    (edit_json("metrics.json", lambda m: m["epochs"].update(autoencoder=2)), "(epochs: not as"),
    (edit_json("metrics.json", lambda m: m.update(data_sha256="0" * 64)), "(data_sha256: not as"),
    (edit_json("metrics.json", lambda m: m["sizes"].update(val=200)), "(validation_size: not as"),
    (edit_json("metrics.json", lambda m: m["seconds"].update(total=1.0)), "(seconds: not as"),
    (edit_json("metrics.json", lambda m: m.update(style_dims=2)), "(style_dims: not as"),
    (edit_json("meta.json", lambda m: m.pop("source")), "meta.json: no source"),
], ids=["unfinished", "crashed", "other seed", "other preset", "other epochs", "other data", "other validation size",
        "another run with the same arguments", "other style dims", "model without source"])
def test_a_run_the_model_was_not_converted_from_is_refused_and_nothing_is_written(run, tmp_path, change, message):
    folder, _ = run
    model = tmp_path / "mnist"
    shutil.copytree(ROOT / "converted_model" / "mnist", model, ignore=shutil.ignore_patterns("parity", "*coder"))
    finished_as_converted(folder, json.loads((model / "meta.json").read_text()))
    change(folder, model)
    before = {p.name: p.read_bytes() for p in model.iterdir()}
    done = run_cli("-m", "training.watched", folder, model)
    lines = done.stderr.strip().splitlines()
    assert done.returncode == 2 and len(lines) == 1 and message in lines[0], done.stderr
    assert lines[0].startswith("error: ") and done.stdout == ""
    assert {p.name: p.read_bytes() for p in model.iterdir()} == before


def test_training_json_is_written_whole(run, tmp_path, monkeypatch):
    """A write that fails midway (a full disk) leaves the earlier training.json as it was, and no
    temporary file."""
    folder, _ = run
    model = tmp_path / "model"
    model.mkdir()
    (model / "training.json").write_text("{}\n")
    real_write = type(model).write_text

    def full_disk(path, text, *args, **kwargs):
        real_write(path, text[:10])
        raise OSError(28, "No space left on device", str(path))

    monkeypatch.setattr(type(model), "write_text", full_disk)
    with pytest.raises(OSError):
        watched.write(folder, model)
    assert (model / "training.json").read_text() == "{}\n"
    assert sorted(p.name for p in model.iterdir()) == ["training.json", "training.png"]


def test_the_run_a_model_was_converted_from_is_accepted_and_a_tiny_run_refused_for_a_committed_model(
        tiny_run, tiny_model, tmp_path):
    own, committed = tmp_path / "tiny", tmp_path / "mnist"
    shutil.copytree(tiny_model, own)
    shutil.copytree(ROOT / "converted_model" / "mnist", committed, ignore=shutil.ignore_patterns("parity", "*coder"))
    before = {p.name: p.read_bytes() for p in committed.iterdir()}
    done = run_cli("-m", "training.watched", tiny_run, own)
    assert done.returncode == 0, done.stderr
    assert (own / "training.json").read_bytes() == (tiny_model / "training.json").read_bytes()
    done = run_cli("-m", "training.watched", tiny_run, committed)
    assert done.returncode == 2 and "not the run" in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert {p.name: p.read_bytes() for p in committed.iterdir()} == before
