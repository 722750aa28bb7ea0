"""The TF.js runtime the page ships (web/runtime/build.mjs: a bundle with only the kernels the models
use, run in a Web Worker by net.js): it decodes and encodes every committed model on every backend
as Keras does, and the first digit needs only the files it must have (issue 17)."""
import json
import time
from pathlib import Path

import numpy as np
import pytest

from helpers import PARITY_BOUND, ROOT, style_bound
from pagetools import IDLE, pixels, switch_model

COMMITTED = sorted(p for p in (ROOT / "converted_model").iterdir() if (p / "meta.json").is_file())


def parity_inputs(model):
    shapes = json.loads((model / "parity" / "shapes.json").read_text())

    def read(name):
        return np.fromfile(model / "parity" / f"{name}.f32", "<f4").reshape(shapes[name])
    return read


@pytest.mark.parametrize("backend", ["wasm", "cpu", "webgl"])
def test_every_model_runs_on_every_backend_as_keras_does(open_page, backend):
    """Loading a model's decoder and encoder on each backend is also the check that no kernel they need
    is missing from the bundle: TF.js would throw "Kernel … not registered". The models use the same
    layers (contract.LAYER_CLASSES), so the other backends run one, the default backend all of them."""
    models = COMMITTED if backend == "wasm" else [ROOT / "converted_model" / "mnist_2style"]
    watch = open_page(f"?backend={backend}&model={models[0].name}")
    page = watch.page
    for model in models:
        if page.evaluate("digitMorph.model.name") != model.name:
            switch_model(page, model.name)
        assert page.evaluate("digitMorph.backend") == backend
        read = parity_inputs(model)
        codes, want = read("codes"), read("decoded")
        n = 8 if backend == "webgl" else len(codes)  # (WebGL is a software renderer here: slow)
        got = np.asarray(page.evaluate("async (c) => Array.from(await digitMorph.decode(c))", codes[:n].tolist()))
        assert np.abs(got - want[:n].reshape(-1)).max() <= PARITY_BOUND["pixels"], model.name
        digits, encoded = read("digits"), read("encoded")
        got = np.asarray(page.evaluate("(d) => digitMorph.encode(d)", digits[:4].reshape(4, -1).tolist()))
        assert np.abs(got[:, :10] - encoded[:4, :10]).max() <= PARITY_BOUND["probs"], model.name
        assert np.abs(got[:, 10:] - encoded[:4, 10:]).max() <= style_bound(json.loads((model / "meta.json").read_text()))
    assert watch.errors == [] and watch.foreign == []


def started(request):
    """When a request started (ms since the epoch): Playwright knows it only once the response came
    (until then it says -1, which would count a request made after the first frame as made before it)."""
    request.response()
    return request.timing["startTime"]


def test_the_first_digit_needs_only_the_model_and_the_smallest_runtime(browser, site):
    """On 'auto' where WebAssembly runs, the first digit is decoded by the plain-JS backend: before it,
    the page fetches its own files, the TF.js core and the cpu backend, and the decoder: not the
    WebAssembly binary, not the encoder, no other model, nothing lazily loaded, nothing off the site."""
    context = browser.new_context()
    page = context.new_page()
    requests = []
    page.on("request", lambda r: requests.append(r))
    page.goto(site["url"])
    page.evaluate("digitMorph.ready")
    first_frame = page.evaluate("performance.timeOrigin + digitMorph.firstFrameMs")
    base = site["url"]
    assert all(r.url.startswith(base) for r in requests), [r.url for r in requests if not r.url.startswith(base)]
    before = {r.url[len(base):] for r in list(requests) if started(r) < first_frame}
    chunks = {f"vendor/tfjs/{p.name}" for p in (Path(site["dist"]) / "vendor" / "tfjs").glob("chunk-*.js")}
    page_chunks = {f"static/js/{p.name}" for p in (Path(site["dist"]) / "static" / "js").glob("chunk-*.js")}
    expected = {"", "static/css/style.css", "static/js/main.js", "static/js/worker.js", "vendor/tfjs/core.js",
                "models/mnist/preview.png",
                "vendor/tfjs/backend-cpu.js", "models/mnist/decoder/model.json", "models/mnist/decoder/group1-shard1of1.bin"}
    assert expected <= before, expected - before
    extra = before - expected - chunks - page_chunks
    assert not extra, {r.url[len(base):]: f"{started(r) - first_frame:.0f} ms after the first frame"
                       for r in requests if r.url[len(base):] in extra}
    # and then the page moves to WebAssembly, and draws the grid there
    assert page.evaluate("digitMorph.backend") == "wasm"
    after = {r.url[len(base):] for r in list(requests) if started(r) >= first_frame}
    assert "vendor/tfjs/tfjs-backend-wasm-simd.wasm" in after or "vendor/tfjs/tfjs-backend-wasm.wasm" in after
    assert page.evaluate("digitMorph.memory()")["numTensors"] > 0
    context.close()


def test_the_worker_started_by_the_head_is_the_one_the_page_uses(browser, site):
    """index.html's head starts the TF.js worker (boot.js, inlined, allowed by its hash in the CSP) and
    the page adopts it: the CSP refuses nothing, and worker.js is fetched once before the first digit
    (a refused or unadopted boot script would leave the page starting a second worker)."""
    context = browser.new_context()
    context.add_init_script("window.__refused = []; addEventListener('securitypolicyviolation', "
                            "(e) => window.__refused.push(e.violatedDirective + ' ' + e.blockedURI))")
    page = context.new_page()
    requests = []
    page.on("request", lambda r: requests.append(r))
    page.goto(site["url"])
    page.evaluate("digitMorph.ready")
    assert page.evaluate("window.__refused") == []
    assert page.evaluate("window.digitMorphBoot && window.digitMorphBoot.worker instanceof Worker")
    first_frame = page.evaluate("performance.timeOrigin + digitMorph.firstFrameMs")
    workers = [r for r in requests if r.url.endswith("static/js/worker.js") and started(r) < first_frame]
    assert len(workers) == 1
    context.close()


def test_a_step_decoded_ahead_draws_what_the_step_asks_for(open_page):
    """Stepping the digit slider with the keys, the worker decodes the next step before it is asked
    (render.js guessNext): those frames come from it, and the same state decoded when asked (reached
    by a step the other way, which the guess gets wrong) draws the same digit; no tensor is left over."""
    page = open_page().page
    page.evaluate(IDLE)
    page.locator("#digit-slider").focus()
    page.keyboard.press("Home")
    page.evaluate(IDLE)
    tensors = page.evaluate("digitMorph.memory()")["numTensors"]
    ahead = page.evaluate("digitMorph.aheadFrames")
    for _ in range(6):
        page.keyboard.press("ArrowRight")
        page.evaluate(IDLE)
    assert page.evaluate("digitMorph.aheadFrames") - ahead >= 4  # every step after the first two
    guessed = pixels(page)
    ahead = page.evaluate("digitMorph.aheadFrames")
    for key in ("ArrowLeft", "ArrowRight"):  # back and forth: each guess wrong
        page.keyboard.press(key)
        page.evaluate(IDLE)
    assert page.evaluate("digitMorph.aheadFrames") == ahead
    asked = pixels(page)
    assert 50 < (guessed < 128).sum() < 500
    assert np.abs(guessed - asked).max() <= 1
    assert page.evaluate("digitMorph.memory()")["numTensors"] == tensors


# the first look (drawn under the live digit before the decoder), and the live digit; null: not drawn
# (also while a slow network has not yet delivered the canvas's part of the HTML)
FIRST_INK = """() => {
  const canvas = document.getElementById('digit-first');
  if (!canvas) return Array(784).fill(null);
  const d = canvas.getContext('2d').getImageData(0, 0, 28, 28).data;
  return Array.from({ length: 784 }, (_, i) => d[4 * i + 3] === 0 ? null : d[4 * i]);
}"""
LIVE_INK = """async () => {
  const d = await digitMorph.digitPixels();
  return Array.from({ length: 784 }, (_, i) => d[4 * i + 3] === 0 ? null : d[4 * i]);
}"""


def test_never_an_empty_frame_on_a_slow_network(browser, site):
    """On a slow phone network the pre-rendered grid's cell stands in for the first digit until the
    decoder draws it, and it is the same image (Keras drew it from the same code)."""
    context = browser.new_context(viewport={"width": 412, "height": 823})
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": 150,
                                                  "downloadThroughput": 1.6e6 / 8, "uploadThroughput": 0.75e6 / 8})
    page.goto(site["url"], wait_until="commit")
    early, start = None, time.monotonic()
    while time.monotonic() - start < 120:  # (a loaded machine is slow to get there; what counts is which comes first)
        if page.evaluate("typeof window.digitMorph") != "undefined" and page.evaluate("digitMorph.firstFrameMs") is not None:
            break
        ink = page.evaluate(FIRST_INK)
        if None not in ink:
            early = np.asarray(ink, float)
            break
        page.wait_for_timeout(25)
    assert early is not None, ("the digit stayed empty until the decoder drew it", time.monotonic() - start,
                               page.evaluate("window.digitMorph?.firstFrameMs"))
    assert page.evaluate("digitMorph.firstFrameMs") is None
    page.evaluate("digitMorph.ready")
    live = np.asarray(page.evaluate(LIVE_INK), float)
    assert 50 < (early < 128).sum() < 500
    assert np.abs(early - live).mean() < 0.02 * 255
    context.close()


def test_the_page_draws_the_digit_itself_where_a_worker_cannot(browser, open_page, site):
    """The worker draws the explorer's digit where the browser can hand it a canvas
    (transferControlToOffscreen); where it cannot, the page draws the same pixels."""
    state = "#digit=3.4&style=0.2"
    shown = open_page(state).page
    shown.evaluate(IDLE)  # the state from the URL is decoded after `ready`
    by_worker = np.asarray(shown.evaluate(LIVE_INK), float)
    context = browser.new_context()
    context.add_init_script("delete HTMLCanvasElement.prototype.transferControlToOffscreen")
    page = context.new_page()
    page.goto(site["url"] + state)
    page.evaluate("digitMorph.ready")
    page.evaluate(IDLE)
    by_page = np.asarray(page.evaluate(LIVE_INK), float)
    assert page.evaluate("typeof document.getElementById('digit').getContext('2d')") == "object"  # never handed over
    context.close()
    assert None not in by_worker.tolist() and 50 < (by_worker < 128).sum() < 500
    assert np.abs(by_worker - by_page).max() <= 1
