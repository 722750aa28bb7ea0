"""Conversion to TF.js, and parity: TF.js (Node, cpu and wasm) computes what Keras computes; what it
writes keeps the contract, whole or not at all, whatever signal arrives."""
import hashlib
import json
import os
import shutil
import signal
import time

import pytest
from helpers import FIXTURE, FIXTURE_VAL, PARITY_BOUND, ROOT, assert_parity, node_parity, run_cli, start_for_ctrl_c

from training import convert
from training import contract
from training.cli import UserError

COMMITTED = sorted(p for p in (ROOT / "converted_model").iterdir() if (p / "meta.json").is_file())


def test_converted_folder_layout_and_meta(tiny_model):
    for name in ("decoder/model.json", "encoder/model.json", "meta.json", "preview.png", "atlas1.png",
                 "parity/codes.f32", "parity/decoded.f32", "parity/shapes.json", "neighbours.png", "neighbours.json"):
        assert (tiny_model / name).is_file(), name
    meta = json.loads((tiny_model / "meta.json").read_text())
    assert meta["dataset"] == "mnist" and meta["class_names"][3] == "3"
    assert meta["style_dims"] == 1 and meta["code_size"] == 11
    assert len(meta["style_range"]) == 1 and meta["style_range"][0][0] < meta["style_range"][0][1]
    assert {"test_accuracy", "test_bce"} <= meta["metrics"].keys()
    assert meta["weight_bytes"]["decoder"] > 0 and meta["decoder_multiply_adds"] > 0
    assert meta["versions"]["tensorflowjs"] == "4.22.0"
    assert meta["neighbours"]["count"] == 1000 and meta["neighbours"]["sprite_sha256"]  # the page's nearest images
    meaning = meta["style_meaning"]
    assert meaning["atlas"] == ["atlas1.png"] and len(meaning["correlations"]["overall"]) == 1
    assert set(meaning["correlations"]["overall"][0]) == set(meaning["traits"])
    assert [[len(r) for r in rows] for rows in meta["level_traits"].values()] == [[256] * 10] * 2  # slant, width
    shapes = json.loads((tiny_model / "parity" / "shapes.json").read_text())
    assert shapes["codes"] == [66, 11] and shapes["decoded"] == [66, 28, 28, 1]
    topology = json.loads((tiny_model / "decoder" / "model.json").read_text())
    assert topology["format"] == "layers-model"
    assert meta["source"]["validation_size"] == FIXTURE_VAL  # which training images the model trained on
    contract.check(contract.read_json(tiny_model / "meta.json"), tiny_model)


def meta_of(model):
    return json.loads((model / "meta.json").read_text())


def test_the_training_record_ships_the_run_samples_and_histories(tiny_model, tiny_run):
    """training.png stacks samples/epoch_NN.png then refine_NN.png; training.json's curves are the
    run's history_*.csv (training/watched.py, tested in full in test_watched.py)."""
    import csv

    import numpy as np
    from PIL import Image
    assert meta_of(tiny_model)["training"] == {"data": "training.json", "sprite": "training.png"}
    data = json.loads((tiny_model / "training.json").read_text())
    assert [f["source"] for f in data["frames"]] == [f"samples/{n}.png" for n in (
        "epoch_01", "epoch_02", "refine_01", "refine_02", "realism_01")]
    sprite = np.asarray(Image.open(tiny_model / "training.png").convert("L")).astype(int)
    height = data["sprite"]["frame_height"]
    for i, frame in enumerate(data["frames"]):
        own = np.asarray(Image.open(tiny_run / frame["source"]).convert("L")).astype(int)
        assert np.abs(sprite[i * height:(i + 1) * height] - own).max() <= 9, frame
    for name in ("classifier", "autoencoder", "refine"):
        with (tiny_run / f"history_{name}.csv").open() as f:
            last = list(csv.DictReader(f))[-1]
        assert [data["curves"][name][k][-1] for k in last] == pytest.approx([float(v) for v in last.values()], rel=1e-5)


@pytest.mark.parametrize("backend", ["cpu", "wasm"])
def test_tfjs_matches_keras(tiny_model, backend):
    r = node_parity(tiny_model, backend)
    assert r["backend"] == backend
    assert meta_of(tiny_model)["quantization"] == "mixed"
    assert_parity(r, meta_of(tiny_model))


def test_mixed_quantization_gives_8_bits_to_large_kernels_only(tiny_model):
    manifest = json.loads((tiny_model / "decoder" / "model.json").read_text())["weightsManifest"]
    dtypes = {w["name"]: w["quantization"]["dtype"] for group in manifest for w in group["weights"]}
    assert dtypes["dec_conv1/kernel"] == "uint8" and dtypes["dec_dense/kernel"] == "uint8"
    assert dtypes["dec_dense/bias"] == "uint16" and dtypes["dec_image/kernel"] == "uint16"
    assert dtypes["dec_bn1/moving_variance"] == "uint16"
    shipped, trained = meta_of(tiny_model)["shipped_metrics"], meta_of(tiny_model)["metrics"]
    assert abs(shipped["test_bce"] - trained["test_bce"]) <= convert.MAX_BCE_INCREASE


def test_quantization_that_costs_too_much_is_refused():
    trained = {"test_accuracy": 0.99, "test_bce": 0.17}
    convert.check_quantization_cost(trained, {"test_accuracy": 0.9895, "test_bce": 0.1705})
    with pytest.raises(UserError, match="cost too much.*try --quantize uint16"):
        convert.check_quantization_cost(trained, {"test_accuracy": 0.99, "test_bce": 0.1715})
    with pytest.raises(UserError, match="accuracy 0.9900 -> 0.9850"):
        convert.check_quantization_cost(trained, {"test_accuracy": 0.985, "test_bce": 0.17})


def test_a_converter_that_fails_is_a_clear_error(tiny_run, tmp_path):
    """Both converters start at once; one that fails names its file and its last words."""
    (tmp_path / "empty.h5").write_bytes(b"")
    parts = [(None, tmp_path / "empty.h5", tmp_path / "broken"), (None, tiny_run / "decoder.h5", tmp_path / "decoder")]
    with pytest.raises(UserError, match=r"empty\.h5: tensorflowjs converter failed: \S"):
        convert._tfjs_convert(parts, "none")


def test_float32_weights_match_within_1e4(tiny_run, tmp_path):
    out = tmp_path / "f32"
    done = run_cli("-m", "training.convert", tiny_run, out, "--quantize", "none",
                   "--data", ROOT / "tests" / "fixtures" / "mnist_small.npz")
    assert done.returncode == 0, done.stderr[-2000:]
    assert_parity(node_parity(out, "cpu"), meta_of(out))


def test_parity_catches_a_wrong_weight(tiny_model, tmp_path):
    broken = tmp_path / "broken"
    shutil.copytree(tiny_model, broken)
    model = json.loads((broken / "decoder" / "model.json").read_text())
    shard = broken / "decoder" / model["weightsManifest"][0]["paths"][0]
    data = bytearray(shard.read_bytes())
    # the last weights are the output layer's 3x3x16 kernel and its bias (uint16 each): move every
    # kernel value far along its range (one value alone may meet a channel that is zero everywhere)
    for i in range(len(data) - 2 - 2 * 3 * 3 * 16, len(data) - 2):
        data[i] ^= 0x7F
    shard.write_bytes(bytes(data))
    r = node_parity(broken, "cpu")
    assert r["decoder_max_abs_diff"] > PARITY_BOUND["pixels"]


@pytest.mark.parametrize("model", COMMITTED, ids=[p.name for p in COMMITTED])
@pytest.mark.parametrize("backend", ["cpu", "wasm"])
def test_committed_models_match_keras(model, backend):
    assert_parity(node_parity(model, backend), meta_of(model))


def test_incomplete_run_is_a_clear_error(tiny_run, tmp_path):
    partial = tmp_path / "partial"
    shutil.copytree(tiny_run, partial)
    (partial / "metrics.json").unlink()
    done = run_cli("-m", "training.convert", partial, tmp_path / "out")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "not a finished run (missing metrics.json)" in done.stderr
    assert not (tmp_path / "out").exists()


def test_a_damaged_model_file_is_a_clear_error(tiny_run, tmp_path):
    damaged = tmp_path / "damaged"
    shutil.copytree(tiny_run, damaged)
    (damaged / "decoder.h5").write_bytes(b"not an HDF5 file")
    done = run_cli("-m", "training.convert", damaged, tmp_path / "out",
                   "--data", ROOT / "tests" / "fixtures" / "mnist_small.npz")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "decoder.h5: not a readable Keras model" in done.stderr
    assert not (tmp_path / "out").exists()


def test_report_prints_the_figures_of_models_and_runs(tiny_model, tiny_run):
    done = run_cli("-m", "training.report", tiny_model.parent, tiny_run)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    meta = meta_of(tiny_model)
    assert len(lines) == 4 and lines[0].startswith("| model |")
    assert f"{meta['metrics']['test_accuracy'] * 100:.2f}%" in lines[2] and "(mixed)" in lines[2]
    assert f"| {meta['metrics']['test_bce_style_head']:.4f} |" in lines[2] and "| 1 + 2 + 2 + 8 + 1 |" in lines[2]  # epochs of stages 1 to 5
    assert "not converted" in lines[3]


def convert_cli(run, out, *extra):
    return run_cli("-m", "training.convert", run, out, "--data", ROOT / "tests" / "fixtures" / "mnist_small.npz", *extra)


def one_line_error(done, message):
    lines = done.stderr.strip().splitlines()
    assert done.returncode == 2 and len(lines) == 1 and message in lines[0], done.stderr[-2000:]


def test_out_that_is_not_an_earlier_conversion_is_refused(tiny_run, tiny_model, tmp_path):
    """The run itself, a folder of models, a file: refused and untouched."""
    models = tmp_path / "models"
    shutil.copytree(tiny_model, models / "tiny")
    (tmp_path / "file").write_text("keep")
    run_files = sorted(p.name for p in tiny_run.iterdir())
    for out, message in ((tiny_run, "not an earlier output of training.convert"),
                         (models, "not an earlier output of training.convert"),
                         (tmp_path / "file", "exists and is not a folder")):
        one_line_error(convert_cli(tiny_run, out), message)
    assert sorted(p.name for p in tiny_run.iterdir()) == run_files
    assert (tmp_path / "file").read_text() == "keep" and os.listdir(models) == ["tiny"]


def broken_run(tiny_run, tmp_path, change):
    run = tmp_path / "run"
    shutil.copytree(tiny_run, run, ignore=shutil.ignore_patterns("checkpoints", "samples"))
    change(run)
    return run


def edit_metrics(change):
    def edit(run):
        metrics = json.loads((run / "metrics.json").read_text())
        (run / "metrics.json").write_text(json.dumps(change(metrics)))
    return edit


def swap_models(run):
    (run / "encoder.h5").rename(run / "tmp.h5")
    (run / "decoder.h5").rename(run / "encoder.h5")
    (run / "tmp.h5").rename(run / "decoder.h5")


@pytest.mark.parametrize("change, message", [
    (edit_metrics(lambda m: [m]), "expected a JSON object, got list"),
    (edit_metrics(lambda m: {k: v for k, v in m.items() if k != "sizes"}), "field 'sizes' missing"),
    (edit_metrics(lambda m: {**m, "style_dims": 2}), "style_dims 2 in metrics.json"),
    (swap_models, "encoder.h5: maps"),
], ids=["metrics a list", "no sizes", "wrong style_dims", "encoder and decoder swapped"])
def test_a_run_that_contradicts_itself_is_one_line(tiny_run, tmp_path, change, message):
    done = convert_cli(broken_run(tiny_run, tmp_path, change), tmp_path / "out")
    one_line_error(done, message)
    assert not (tmp_path / "out").exists()


def test_ctrl_c_in_convert_leaves_nothing_and_says_so(tiny_run, tiny_model, tmp_path):
    out = tmp_path / "model"
    shutil.copytree(tiny_model, out)
    before = sorted(str(p.relative_to(out)) for p in out.rglob("*"))
    proc = start_for_ctrl_c(["-m", "training.convert", tiny_run, out, "--data", ROOT / "tests" / "fixtures" / "mnist_small.npz"],
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    deadline = time.time() + 300
    while not any(p.name.endswith(".tmp") for p in tmp_path.iterdir()) and proc.poll() is None and time.time() < deadline:
        time.sleep(0.01)
    proc.send_signal(signal.SIGINT)
    _, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 130 and stderr.strip().splitlines()[-1] == f"interrupted: {out} was not changed", stderr
    assert "Traceback" not in stderr
    assert sorted(str(p.relative_to(out)) for p in out.rglob("*")) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model"]


def test_conversion_records_each_shards_sha256(tiny_model):
    meta = meta_of(tiny_model)
    for rel, digest in meta["weights_sha256"].items():
        assert hashlib.sha256((tiny_model / rel).read_bytes()).hexdigest() == digest
    assert set(meta["weights_sha256"]) == {"decoder/group1-shard1of1.bin", *(
        f"encoder/{p}" for g in json.loads((tiny_model / "encoder" / "model.json").read_text())["weightsManifest"]
        for p in g["paths"])}


def test_a_meta_json_the_build_would_refuse_is_not_written(tiny_run, tmp_path):
    """A run whose figures the build would refuse (here a NaN validation BCE) is refused before any
    work, and nothing is written (convert also checks the whole meta.json before it swaps it in)."""
    run = broken_run(tiny_run, tmp_path, edit_metrics(lambda m: {**m, "val_bce": float("nan")}))
    one_line_error(convert_cli(run, tmp_path / "out"), "every value in metrics should be a finite number")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]


@pytest.mark.parametrize("change, message", [
    (lambda m: m.update(style_range=[[2.0, -1.0]]), "style_range should be"),
    (lambda m: m["metrics"].update(test_bce=float("nan")), "metrics.test_accuracy and metrics.test_bce"),
    (lambda m: m["shipped_metrics"].update(test_bce=float("nan")), "not finite"),
    (lambda m: m.update(style_mean=[float("inf")]), "not finite"),
], ids=["inverted style range", "NaN in metrics", "NaN in shipped_metrics", "infinite style mean"])
def test_write_meta_refuses_what_the_build_would_refuse(tmp_path, change, message):
    committed = ROOT / "converted_model" / "mnist" / "meta.json"
    convert.write_meta(tmp_path, json.loads(committed.read_text()), "m")  # as convert writes it, byte for byte
    assert (tmp_path / "meta.json").read_bytes() == committed.read_bytes()
    (tmp_path / "meta.json").unlink()
    meta = json.loads(committed.read_text())
    change(meta)
    with pytest.raises(UserError, match=message):
        convert.write_meta(tmp_path, meta, "m")
    assert list(tmp_path.iterdir()) == []


# python -c HOOKED POINT SIGNAL ARGS...: training.convert ARGS, sending itself SIGNAL when it reaches POINT
# (convert.reached): a signal at an exact point of the conversion, with no sleeps
HOOKED = """import os, signal, sys
from training import convert
point, sig = sys.argv[1], getattr(signal, sys.argv[2])
signal.signal(signal.SIGINT, signal.default_int_handler)  # a terminal's Ctrl-C, whatever started the test
convert.reached = lambda at: at == point and os.kill(os.getpid(), sig)
sys.exit(convert.main(sys.argv[3:]))
"""


def test_sigterm_while_converting_leaves_nothing_and_says_so(tiny_run, tiny_model, tmp_path):
    out = tmp_path / "model"
    shutil.copytree(tiny_model, out)
    before = sorted(str(p.relative_to(out)) for p in out.rglob("*"))
    done = run_cli("-c", HOOKED, "writing", "SIGTERM", tiny_run, out, "--data", FIXTURE)
    assert done.returncode == 143, done.stderr[-2000:]
    assert done.stderr.strip().splitlines()[-1] == f"terminated: {out} was not changed" and "Traceback" not in done.stderr
    assert sorted(str(p.relative_to(out)) for p in out.rglob("*")) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model"]


def test_ctrl_c_once_the_output_is_swapped_in_is_a_success(tiny_run, tmp_path):
    out = tmp_path / "model"
    done = run_cli("-c", HOOKED, "swapped", "SIGINT", tiny_run, out, "--data", FIXTURE)
    assert done.returncode == 0 and done.stdout.strip().splitlines()[-1].startswith(f"{out}: decoder "), done.stderr[-2000:]
    contract.check(contract.read_json(out / "meta.json"), out)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model"]
