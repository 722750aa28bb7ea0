"""build.py: the site from the committed models; deterministic; every fault a one-line error
that leaves the previous dist/ untouched; no TensorFlow."""
import base64
import hashlib
import json
import os
import re
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
    for name in ("index.html", ".nojekyll", "static/js/main.js", "vendor/tfjs/core.js", "vendor/tfjs/backend-wasm.js", "static/js/worker.js",
                 "vendor/tfjs/tfjs-backend-wasm-simd.wasm", "models/mnist/decoder/model.json",
                 "models/mnist/meta.json", "models/mnist/preview.png"):
        assert (a / name).is_file(), name
    assert not (a / "models" / "mnist" / "parity").exists(), "parity data is for tests, not for the site"
    # the site ships TF.js, gifenc and the font's libraries, whose licences ask that their notices travel with them
    for name in ("LICENSE", "NOTICE"):
        assert (a / name).read_bytes() == (ROOT / name).read_bytes(), name
    html = unescape((a / "index.html").read_text())
    assert 'src="/' not in html and 'href="/' not in html and "http://" not in html and "https://" not in html
    # one inline script, boot.js as is, allowed by its hash and nothing else inline
    assert "default-src 'self'" in html and "unsafe-inline" not in html
    inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>(.*?)</script>", html, re.S)
    assert [attrs for attrs, _ in inline] == [' id="boot"', ' type="application/json" id="models"']
    boot = (ROOT / "web" / "static" / "js" / "boot.js").read_text()
    assert inline[0][1] == boot
    assert f"'sha256-{base64.b64encode(hashlib.sha256(boot.encode()).digest()).decode()}'" in html
    # what main.js imports before it runs downloads beside it (no round trip after it), and no more
    main = (a / "static" / "js" / "main.js").read_text()
    imported = set(re.findall(r'from"\./(chunk-[\w-]+\.js)"', main))
    assert imported, "main.js imports no chunk: the preload check sees nothing"
    assert set(re.findall(r'<link rel="modulepreload" href="static/js/([^"]+)">', html)) == imported


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


def edit_json(path, change):
    value = json.loads(path.read_text())
    change(value)
    path.write_text(json.dumps(value))


def garbled_shard(model):
    """Same length, other bytes: only the recorded SHA-256 can tell."""
    shard = next((model / "decoder").glob("*.bin"))
    data = bytearray(shard.read_bytes())
    data[100:110] = bytes(10)
    shard.write_bytes(bytes(data))


def first_weight(change):
    return lambda m: edit_json(m / "decoder" / "model.json", lambda j: change(j["weightsManifest"][0]))


def link_over(path, target):
    path.unlink()
    path.symlink_to(target)


def hard_link_over(path):
    """`path` replaced by another name of a file outside the folder (a PNG, so only its links tell)."""
    elsewhere = path.parent.parent.parent / "elsewhere"
    elsewhere.write_bytes(path.read_bytes()[:-1] + b"\0")
    path.unlink()
    os.link(elsewhere, path)


def link_decoder_folder(model):
    elsewhere = model.parent.parent / "elsewhere"
    shutil.move(model / "decoder", elsewhere)
    (model / "decoder").symlink_to(elsewhere)


def nested(model):
    (model / "meta.json").write_text("[" * 100_000 + "]" * 100_000)


def set_meta(field, value):
    return lambda m: edit_json(m / "meta.json", lambda meta: meta.__setitem__(field, value))


FAULTS = {
    "model folder empty": (lambda m: shutil.rmtree(m) or m.mkdir(), "meta.json: missing"),
    "model.json not JSON": (lambda m: (m / "decoder" / "model.json").write_text("{oops"), "not valid JSON"),
    "weight shard missing": (lambda m: next((m / "decoder").glob("*.bin")).unlink(), "group1-shard1of1.bin: missing"),
    "shard shorter than the manifest": (short_shard, "but the shards hold"),
    "weight of an unusable dtype": (wrong_dtype, "unusable dtype 'complex64'"),
    "weight of the wrong shape": (wrong_shape, "weight 'dec_bn1/gamma' has shape [65], its layer needs [64]"),
    "weight transposed": (transposed_kernel, "weight 'dec_dense/kernel' has shape [3136, 11], its layer needs"),
    "meta.json missing a field": (corrupt_meta_field, "missing field 'style_range'"),
    "meta.json field of the wrong type": (corrupt_meta_type, "field 'style_dims' should be int, got str"),
    "style percentiles out of order": (unsorted_percentiles, "style_percentiles(_per_class) should map"),
    "meta.json not JSON": (lambda m: (m / "meta.json").write_text("[1, 2"), "meta.json: not valid JSON"),
    "preview missing": (lambda m: (m / "preview.png").unlink(), "preview.png: missing"),
    # what used to build a dead page (issue 12, item 5)
    "shard garbled, same length": (garbled_shard, "content does not match the SHA-256 in meta.json"),
    # Python's json writes these as NaN / -Infinity, which no browser's JSON.parse reads
    "NaN in metrics": (lambda m: edit_json(m / "meta.json", lambda meta: meta["metrics"].update(test_bce=float("nan"))),
                       "NaN is not valid JSON"),
    "Infinity in style_range": (lambda m: edit_json(m / "meta.json", lambda meta: meta["style_range"][0].__setitem__(
        0, float("-inf"))), "Infinity is not valid JSON"),
    "parameters empty": (set_meta("parameters", {}), "parameters should count the decoder's parameters"),
    "style_meaning malformed": (set_meta("style_meaning", {"method": "spearman", "correlations": {"overall": [1]}}),
                                "style_meaning.correlations.overall should be"),
    "code_size contradicts style_dims": (set_meta("code_size", 12), "code_size 12 does not equal 10 + style_dims (1)"),
    "weightsManifest an object": (lambda m: edit_json(m / "decoder" / "model.json", lambda j: j.update(weightsManifest={})),
                                  "not a TF.js Layers model"),
    "weightsManifest a string": (lambda m: edit_json(m / "decoder" / "model.json", lambda j: j.update(weightsManifest="x")),
                                 "not a TF.js Layers model"),
    "weight entry a string": (first_weight(lambda g: g["weights"].__setitem__(0, "dec_bn1/gamma")), "a weight without"),
    "weight without a name": (first_weight(lambda g: g["weights"][0].pop("name")), "a weight without a layer/name"),
    "shard path climbs out": (first_weight(lambda g: g.update(paths=["../../../.git/config"])),
                              "is not a plain file name inside the model folder"),
    "shard path absolute": (first_weight(lambda g: g.update(paths=["/etc/passwd"])),
                            "is not a plain file name inside the model folder"),
    "meta.json nested 100,000 deep": (nested, "meta.json: not valid JSON"),
    "input layer changed": (lambda m: edit_json(m / "decoder" / "model.json", lambda j: j["modelTopology"]["model_config"][
        "config"]["layers"][0]["config"].update(batch_input_shape=[None, 10])), "should be an InputLayer of shape [None, 11]"),
    # never publish what is not the model (issue 12, item 2)
    "shard is a link to a secret": (lambda m: link_over(m / "decoder" / "group1-shard1of1.bin", "/etc/passwd"),
                                    "group1-shard1of1.bin: a symbolic link"),
    "preview is a link": (lambda m: link_over(m / "preview.png", "/etc/hostname"), "preview.png: a symbolic link"),
    "decoder folder is a link": (link_decoder_folder, "decoder: a symbolic link"),
    # issue 33: what used to be published as is, or built a page whose reader and drawing pad 404
    "preview is a hard link": (lambda m: hard_link_over(m / "preview.png"), "preview.png: a hard link (2 names"),
    "preview is a FIFO": (lambda m: (m / "preview.png").unlink() or os.mkfifo(m / "preview.png"),
                          "preview.png: not a regular file"),
    "preview is HTML": (lambda m: (m / "preview.png").write_text("<!doctype html><script>alert(1)</script>"),
                        "preview.png: not a PNG image"),
    "atlas is HTML": (lambda m: (m / "atlas1.png").write_text("<html></html>"), "atlas1.png: not a PNG image"),
    "training.png is HTML": (lambda m: (m / "training.png").write_text("<html></html>"), "training.png: not a PNG image"),
    "encoder missing": (lambda m: shutil.rmtree(m / "encoder"), "encoder: missing"),
    "encoder a broken link": (lambda m: shutil.rmtree(m / "encoder") or (m / "encoder").symlink_to(m / "gone"),
                              "encoder: a symbolic link"),
}


@pytest.fixture(scope="module")  # mnist alone (no parity files) and its site, built once, copied by each test
def one_model_site(tmp_path_factory):
    where = tmp_path_factory.mktemp("one_model_site")
    shutil.copytree(MODELS / "mnist", where / "models" / "mnist", ignore=shutil.ignore_patterns("parity"))
    assert run_cli(ROOT / "build.py", "--models", where / "models", "--out", where / "dist").returncode == 0
    return where


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_a_broken_model_stops_the_build_and_keeps_the_old_site(one_model_site, tmp_path, fault):
    models, dist = tmp_path / "models", tmp_path / "dist"
    for folder in (models, dist):
        shutil.copytree(one_model_site / folder.name, folder, symlinks=True)
    before = tree_digest(dist)
    FAULTS[fault][0](models / "mnist")  # the fault
    done = run_cli(ROOT / "build.py", "--models", models, "--out", dist)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and FAULTS[fault][1] in lines[0], done.stderr
    assert str(models / "mnist") in lines[0], "the error names the file"
    assert tree_digest(dist) == before
    assert sorted(p.name for p in tmp_path.iterdir()) in (["dist", "models"], ["dist", "elsewhere", "models"])


def test_page_code_never_parses_strings_as_markup_or_code():
    """Data from the URL or from files reaches the page only as text (textContent, values):
    none of the sinks that would parse it as HTML or script appear in the page's code."""
    sinks = ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function")
    for path in sorted((ROOT / "web").rglob("*.js")) + sorted((ROOT / "web").rglob("*.j2")):
        text = path.read_text()
        for sink in sinks:
            assert sink not in text, f"{path.relative_to(ROOT)} uses {sink}"


def test_the_site_holds_only_what_the_page_loads(tmp_path):
    """Files beside the model's own (notes, links into .git or out of the tree) never reach dist/."""
    models = tmp_path / "models"
    shutil.copytree(MODELS / "mnist", models / "mnist")
    (models / "mnist" / "decoder" / "notes.txt").write_text("private")
    (models / "mnist" / "decoder" / "config").symlink_to(ROOT / ".git" / "config")
    (models / "mnist" / "secrets").symlink_to("/etc", target_is_directory=True)
    (models / "README.md").write_text("not a model")
    done = run_cli(ROOT / "build.py", "--models", models, "--out", tmp_path / "dist")
    assert done.returncode == 0, done.stderr
    shipped = sorted(str(p.relative_to(tmp_path / "dist" / "models")) for p in (tmp_path / "dist" / "models").rglob("*")
                     if p.is_file())
    assert shipped == ["mnist/atlas1.png", "mnist/decoder/group1-shard1of1.bin", "mnist/decoder/model.json",
                       "mnist/encoder/group1-shard1of1.bin", "mnist/encoder/model.json", "mnist/meta.json",
                       "mnist/neighbours.json", "mnist/neighbours.png", "mnist/preview.png", "mnist/training.json",
                       "mnist/training.png"]


@pytest.mark.parametrize("name", ["a#b", "a?b", "%2e%2e", "new\nline", "linked"])
def test_a_model_folder_name_that_breaks_urls_or_a_linked_folder_is_refused(tmp_path, name):
    models = tmp_path / "models"
    if name == "linked":
        shutil.copytree(MODELS / "mnist", tmp_path / "outside")
        models.mkdir()
        (models / name).symlink_to(tmp_path / "outside", target_is_directory=True)
    else:
        shutil.copytree(MODELS / "mnist", models / name)
    done = run_cli(ROOT / "build.py", "--models", models, "--out", tmp_path / "dist")
    assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert ("symbolic link" if name == "linked" else "must be letters, digits") in done.stderr, done.stderr
    assert not (tmp_path / "dist").exists()


def test_out_is_replaced_only_when_it_is_an_earlier_site(tmp_path):
    """--out ., a checkout, the models folder, a file: refused, untouched; an earlier dist/: replaced."""
    checkout = tmp_path / "checkout"
    (checkout / ".git").mkdir(parents=True)
    (checkout / "uncommitted.py").write_text("work")
    (tmp_path / "file.txt").write_text("keep")
    shutil.copytree(MODELS / "mnist", tmp_path / "models" / "mnist", ignore=shutil.ignore_patterns("parity"))
    for out, message in ((checkout, "not an earlier output of build.py"),
                         (tmp_path / "models", "not an earlier output of build.py"),
                         (tmp_path / "file.txt", "exists and is not a folder")):
        before = tree_digest(out) if out.is_dir() else out.read_text()
        done = run_cli(ROOT / "build.py", "--out", out)
        assert done.returncode == 2 and message in done.stderr and len(done.stderr.strip().splitlines()) == 1
        assert (tree_digest(out) if out.is_dir() else out.read_text()) == before
    done = run_cli(ROOT / "build.py", "--out", ".", cwd=checkout)
    assert done.returncode == 2 and sorted(os.listdir(checkout)) == [".git", "uncommitted.py"]
    site = tmp_path / "site"
    assert run_cli(ROOT / "build.py", "--out", site).returncode == 0
    (site / "index.html").write_text("stale")
    assert run_cli(ROOT / "build.py", "--out", site).returncode == 0
    assert (site / "index.html").read_text() != "stale"
    assert sorted(os.listdir(tmp_path)) == ["checkout", "file.txt", "models", "site"], "no temporary folder left"
