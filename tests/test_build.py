"""build.py: the site from the committed models; deterministic; every fault a one-line error
that leaves the previous dist/ untouched; no TensorFlow."""
import hashlib
import json
import shutil
from html import unescape

import pytest
from helpers import ROOT, run_cli

MODELS = ROOT / "converted_model"


def tree_digest(folder):
    h = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        h.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


def test_build_is_complete_and_byte_identical(tmp_path):
    for out in ("a", "b"):
        done = run_cli(ROOT / "build.py", "--out", tmp_path / out)
        assert done.returncode == 0, done.stderr
    a = tmp_path / "a"
    assert tree_digest(a) == tree_digest(tmp_path / "b")
    for name in ("index.html", ".nojekyll", "static/js/main.js", "vendor/tfjs/tf-core.min.js",
                 "vendor/tfjs/tfjs-backend-wasm-simd.wasm", "models/mnist/decoder/model.json",
                 "models/mnist/meta.json", "models/mnist/preview.png"):
        assert (a / name).is_file(), name
    assert not (a / "models" / "mnist" / "parity").exists(), "parity data is for tests, not for the site"
    html = unescape((a / "index.html").read_text())
    assert 'src="/' not in html and 'href="/' not in html and "http://" not in html and "https://" not in html
    assert "default-src 'self'" in html and "<script>" not in html  # no inline script


def test_build_never_imports_tensorflow(tmp_path):
    code = ("import sys, build; build.build(sys.argv[1]); "
            "assert not any(m.split('.')[0] in ('tensorflow', 'tf_keras', 'keras') for m in sys.modules)")
    done = run_cli("-c", code, tmp_path / "dist")
    assert done.returncode == 0, done.stderr


def corrupt_meta_field(model):
    meta = json.loads((model / "meta.json").read_text())
    del meta["style_range"]
    (model / "meta.json").write_text(json.dumps(meta))


def corrupt_meta_type(model):
    meta = json.loads((model / "meta.json").read_text())
    meta["style_dims"] = "one"
    (model / "meta.json").write_text(json.dumps(meta))


def unsorted_percentiles(model):
    meta = json.loads((model / "meta.json").read_text())
    table = meta["style_percentiles_per_class"]["3"]
    table["1"], table["99"] = table["99"], table["1"]
    (model / "meta.json").write_text(json.dumps(meta))


def short_shard(model):
    shard = next((model / "decoder").glob("*.bin"))
    shard.write_bytes(shard.read_bytes()[:-10])


def wrong_dtype(model):
    path = model / "decoder" / "model.json"
    spec = json.loads(path.read_text())
    weight = spec["weightsManifest"][0]["weights"][0]
    weight.pop("quantization", None)
    weight["dtype"] = "complex64"
    path.write_text(json.dumps(spec))


def wrong_shape(model):
    path = model / "decoder" / "model.json"
    spec = json.loads(path.read_text())
    spec["weightsManifest"][0]["weights"][0]["shape"][0] += 1
    path.write_text(json.dumps(spec))


def transposed_kernel(model):
    """Same bytes, wrong shape: only the layer's config can tell."""
    path = model / "decoder" / "model.json"
    spec = json.loads(path.read_text())
    for weight in spec["weightsManifest"][0]["weights"]:
        if weight["name"] == "dec_dense/kernel":
            weight["shape"].reverse()
    path.write_text(json.dumps(spec))


FAULTS = {
    "model folder empty": (lambda m: shutil.rmtree(m) or m.mkdir(), "meta.json: missing"),
    "model.json not JSON": (lambda m: (m / "decoder" / "model.json").write_text("{oops"), "not valid JSON"),
    "weight shard missing": (lambda m: next((m / "decoder").glob("*.bin")).unlink(), "weight shard missing"),
    "shard shorter than the manifest": (short_shard, "but the shards hold"),
    "weight of an unusable dtype": (wrong_dtype, "unusable dtype 'complex64'"),
    "weight of the wrong shape": (wrong_shape, "but the shards hold"),
    "weight transposed": (transposed_kernel, "weight 'dec_dense/kernel' has shape [3136, 11], its layer needs"),
    "meta.json missing a field": (corrupt_meta_field, "missing field 'style_range'"),
    "meta.json field of the wrong type": (corrupt_meta_type, "field 'style_dims' should be int, got str"),
    "style percentiles out of order": (unsorted_percentiles, "style_percentiles(_per_class) should map"),
    "meta.json not JSON": (lambda m: (m / "meta.json").write_text("[1, 2"), "meta.json: not valid JSON"),
    "preview missing": (lambda m: (m / "preview.png").unlink(), "preview.png: missing"),
}


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_a_broken_model_stops_the_build_and_keeps_the_old_site(tmp_path, fault):
    models = tmp_path / "models"
    shutil.copytree(MODELS / "mnist", models / "mnist", ignore=shutil.ignore_patterns("parity"))
    dist = tmp_path / "dist"
    assert run_cli(ROOT / "build.py", "--models", models, "--out", dist).returncode == 0
    before = tree_digest(dist)
    breaker, message = FAULTS[fault]
    breaker(models / "mnist")
    done = run_cli(ROOT / "build.py", "--models", models, "--out", dist)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and message in lines[0], done.stderr
    assert str(models / "mnist") in lines[0], "the error names the file"
    assert tree_digest(dist) == before
    assert not (tmp_path / "dist.tmp").exists()


def test_no_models_is_a_clear_error(tmp_path):
    (tmp_path / "empty").mkdir()
    done = run_cli(ROOT / "build.py", "--models", tmp_path / "empty", "--out", tmp_path / "dist")
    assert done.returncode == 2 and "holds no converted model" in done.stderr
    assert not (tmp_path / "dist").exists()


def test_page_code_never_parses_strings_as_markup_or_code():
    """Data from the URL or from files reaches the page only as text (textContent, values):
    none of the sinks that would parse it as HTML or script appear in the page's code."""
    sinks = ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function")
    for path in sorted((ROOT / "web").rglob("*.js")) + sorted((ROOT / "web").rglob("*.j2")):
        text = path.read_text()
        for sink in sinks:
            assert sink not in text, f"{path.relative_to(ROOT)} uses {sink}"
