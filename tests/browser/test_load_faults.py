"""Loading the model under faults (issue 12, item 7): backend switches and model loads that
overlap, a drawing made while a model loads, a model switch with a drawing on the pad, and
missing or damaged files that must be named in the message."""
import hashlib
import json
import re

import numpy as np
import pytest
from pagetools import IDLE, ROOT, pixels

SHARD = "decoder/group1-shard1of1.bin"
WAIT_IDLE = """async () => {  // (not wait_for_function: it evals a string, the CSP refuses)
    const t0 = performance.now();
    await new Promise((r) => setTimeout(r, 50));
    while (digitMorph.loading && performance.now() - t0 < 60000) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 300));  // time for a late uncaught error to show
}"""
PICK = """async ([id, values, delay]) => {
    const picker = document.getElementById(id);
    for (const [i, v] of values.entries()) {
        if (i) await new Promise((r) => setTimeout(r, delay));
        picker.value = v;
        picker.dispatchEvent(new Event('change', { bubbles: true }));
    }
}"""


def digit_of(label):
    from helpers import FIXTURE
    data = np.load(FIXTURE)
    index = int(np.flatnonzero(data["y_test"] == label)[0])
    return (data["x_test"][index] / 255.0).ravel().round(3).tolist()


def wait_for_drawing(page, model):
    """The drawing's result for `model`, once the page has one."""
    return page.evaluate("""async (model) => {
        const t0 = performance.now();
        while (digitMorph.drawing?.model !== model && performance.now() - t0 < 60000) await new Promise((r) => setTimeout(r, 20));
        return digitMorph.drawing;
    }""", model)


# a quick wasm reload may still be drawing its grid when the cpu switch disposes its model; one page
# takes the cases in turn, each from where the last ended
SWITCHES = [(["wasm", "cpu"], 20), (["wasm", "cpu"], 50), (["wasm", "cpu"], 100), (["cpu", "wasm"], 200), (["wasm", "wasm"], 50)]


def test_two_backend_switches_in_quick_succession_end_on_the_last(open_page):
    watch = open_page()
    page = watch.page
    for picks, delay in SWITCHES:
        page.evaluate(PICK, ["backend-picker", picks, delay])
        page.evaluate(WAIT_IDLE)
        assert watch.errors == []
        assert page.evaluate("digitMorph.backend") == picks[-1], (picks, delay)
        assert page.locator("#status").inner_text().startswith(picks[-1])
        assert page.locator("#error").is_hidden()
        before = pixels(page)
        page.locator("#digit-slider").focus()
        page.keyboard.press("End" if page.evaluate("digitMorph.state.digit") < 5 else "Home")
        assert np.abs(pixels(page) - before).sum() > 1000, ("the page still decodes", picks, delay)


def test_a_model_pick_between_backend_switches_waits_its_turn(open_page):
    watch = open_page()
    page = watch.page
    page.evaluate(PICK, ["backend-picker", ["cpu"], 0])
    page.evaluate(PICK, ["model-picker", ["mnist_2style"], 0])
    page.evaluate(PICK, ["backend-picker", ["wasm"], 0])
    page.evaluate(WAIT_IDLE)
    assert watch.errors == []
    assert page.evaluate("[digitMorph.backend, digitMorph.model.name]") == ["wasm", "mnist_2style"]
    assert np.any(pixels(page) < 200)


def test_a_drawing_made_while_the_model_loads_is_encoded_once_it_is_ready(open_page):
    watch = open_page()
    page = watch.page
    result = page.evaluate("""async (digit) => {
        const picker = document.getElementById('model-picker');
        picker.value = 'mnist_2style';
        picker.dispatchEvent(new Event('change', { bubbles: true }));
        const r = await digitMorph.encodeDrawing(digit, 28);  // the model is loading now
        return r && { model: r.model, cls: r.cls, style: r.style };
    }""", digit_of(7))
    assert result is not None, page.locator("#own-status").inner_text()
    assert result["model"] == "mnist_2style" and result["cls"] == 7 and len(result["style"]) == 2
    assert page.locator("#own-status").inner_text().startswith("Looks like 7")
    assert watch.errors == []


def test_a_model_switch_drops_the_old_drawings_result_and_encodes_it_again(open_page):
    watch = open_page()
    page = watch.page
    page.evaluate("(d) => digitMorph.encodeDrawing(d, 28)", digit_of(1))
    assert page.locator("#own-status").inner_text().startswith("Looks like 1")
    just_after = page.evaluate("""() => {
        const picker = document.getElementById('model-picker');
        picker.value = 'fashion';
        picker.dispatchEvent(new Event('change', { bubbles: true }));
        return { status: document.getElementById('own-status').textContent,
                 explore: document.getElementById('own-explore').disabled, drawing: digitMorph.drawing };
    }""")
    assert "Looks like 1" not in just_after["status"]
    assert just_after["explore"] is True and just_after["drawing"] is None
    result = wait_for_drawing(page, "fashion")
    assert result and result["model"] == "fashion"
    names = page.evaluate("digitMorph.model.class_names")
    assert page.locator("#own-status").inner_text().startswith(f"Looks like {names[result['cls']]}")
    assert watch.errors == []


def test_explore_from_here_never_applies_a_code_to_another_model(open_page):
    watch = open_page()
    page = watch.page
    page.evaluate("(d) => digitMorph.encodeDrawing(d, 28)", digit_of(1))
    before = page.evaluate("""() => {
        const picker = document.getElementById('model-picker');
        picker.value = 'mnist_2style';
        picker.dispatchEvent(new Event('change', { bubbles: true }));
        const before = digitMorph.state;
        document.getElementById('own-explore').click();  // the 1-style result must not reach the 2-style model
        return before;
    }""")
    after = page.evaluate("digitMorph.state")
    assert [after[k] for k in ("mode", "digit", "from", "to")] == [before[k] for k in ("mode", "digit", "from", "to")]
    assert len(after["style"]) == 2 and all(0 <= v <= 1 for v in after["style"])
    result = wait_for_drawing(page, "mnist_2style")
    page.click("#own-explore")
    state = page.evaluate("digitMorph.state")
    assert (state["mode"], state["digit"]) == ("walk", result["cls"])  # (explore sets the walk: issue 35 item 4)
    assert len(state["style"]) == 2 and all(0 <= v <= 1 for v in state["style"])
    assert watch.errors == []


def fresh_page(browser, site):
    context = browser.new_context()
    page = context.new_page()
    uncaught = []
    page.on("pageerror", lambda e: uncaught.append(f"{e}\n{e.stack}"))
    return context, page, uncaught


def error_text(page):
    page.wait_for_selector("#error:not([hidden])")
    return page.locator("#error").inner_text()


def preview_shown(page):
    return page.evaluate("""async () => {
        const img = document.getElementById('preview');
        if (img.hidden) return false;
        if (!img.complete) await new Promise((r) => img.addEventListener('load', r, { once: true }));
        return img.naturalWidth > 0;
    }""")


def test_a_missing_shard_is_named(browser, site):
    context, page, uncaught = fresh_page(browser, site)
    page.route(f"**/models/mnist/{SHARD}", lambda route: route.fulfill(status=404, body="not found"))
    page.goto(site["url"])
    text = error_text(page)
    assert f"models/mnist/{SHARD}: 404" in text, text
    assert "Uint16Array" not in text
    assert preview_shown(page)
    assert uncaught == []
    context.close()


def test_a_short_shard_is_named(browser, site):
    context, page, uncaught = fresh_page(browser, site)
    data = (site["dist"] / "models" / "mnist" / SHARD).read_bytes()
    page.route(f"**/models/mnist/{SHARD}", lambda route: route.fulfill(status=200, body=data[:-10]))
    page.goto(site["url"])
    text = error_text(page)
    assert "models/mnist/decoder/" in text and f"{len(data) - 10} bytes" in text, text
    assert preview_shown(page)
    assert uncaught == []
    context.close()


@pytest.mark.parametrize("path, named", [
    ("vendor/tfjs/core.js", "the TensorFlow.js runtime file vendor/tfjs/core.js is missing"),
    ("static/js/worker.js", "static/js/worker.js could not start"),
])
def test_a_missing_runtime_file_is_named(browser, site, path, named):
    context, page, uncaught = fresh_page(browser, site)
    page.route(f"**/{path}", lambda route: route.fulfill(status=404, body="not found"))
    page.goto(site["url"])
    text = error_text(page)
    assert named in text, text
    assert "is not a function" not in text
    assert preview_shown(page)
    assert uncaught == []
    context.close()


def test_a_missing_backend_file_falls_back_and_says_why(browser, site):
    context, page, uncaught = fresh_page(browser, site)
    warnings = []
    page.on("console", lambda m: warnings.append(m.text) if m.type == "warning" else None)
    page.route("**/vendor/tfjs/backend-wasm.js", lambda route: route.fulfill(status=404, body="not found"))
    page.goto(site["url"] + "?backend=wasm")
    page.evaluate("digitMorph.ready")
    assert page.evaluate("digitMorph.backend") == "cpu"
    assert any("vendor/tfjs/backend-wasm.js" in w for w in warnings), warnings
    assert uncaught == []
    context.close()


def with_hashes(page, site):
    """Serve index.html with meta.weights_sha256 for every model: as the build embeds it if it
    does, computed here from dist/ otherwise. -> whether the build embedded it."""
    html = (site["dist"] / "index.html").read_text(encoding="utf-8")
    match = re.search(r'(<script type="application/json" id="models">)(.*?)(</script>)', html, re.S)
    models = json.loads(match.group(2))
    embedded = all("weights_sha256" in m for m in models)
    if not embedded:
        for m in models:
            folder = site["dist"] / "models" / m["name"]
            m["weights_sha256"] = {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
                                   for p in sorted(folder.glob("*coder/*.bin"))}
        text = json.dumps(models).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
        html = html[:match.start(2)] + text + html[match.end(2):]
        page.route(site["url"], lambda route: route.fulfill(status=200, content_type="text/html", body=html))
    return embedded


def garbage_like(path):
    data = path.read_bytes()
    return np.random.default_rng(0).integers(0, 256, len(data), dtype=np.uint8).tobytes()


def test_the_shard_hashes_pass_on_the_real_files(browser, site):
    context, page, uncaught = fresh_page(browser, site)
    with_hashes(page, site)
    page.goto(site["url"])
    page.evaluate("digitMorph.ready")
    assert page.evaluate("Object.keys(digitMorph.model.weights_sha256).sort()") == \
        sorted(["decoder/group1-shard1of1.bin", "encoder/group1-shard1of1.bin"])
    assert page.locator("#error").is_hidden()
    result = page.evaluate("async (d) => (await digitMorph.encodeDrawing(d, 28))?.cls", digit_of(3))
    assert result == 3, page.locator("#own-status").inner_text()
    assert uncaught == []
    context.close()


def test_a_shard_of_the_right_length_with_garbage_is_detected(browser, site):
    context, page, uncaught = fresh_page(browser, site)
    with_hashes(page, site)
    garbage = garbage_like(site["dist"] / "models" / "mnist" / SHARD)
    page.route(f"**/models/mnist/{SHARD}", lambda route: route.fulfill(status=200, body=garbage))
    page.goto(site["url"])
    text = error_text(page)
    assert f"models/mnist/{SHARD}: content does not match meta.json (corrupted download?)" in text, text
    assert preview_shown(page)
    assert uncaught == []
    context.close()


def test_a_damaged_encoder_shard_is_named_when_a_drawing_needs_it(browser, site):
    context, page, uncaught = fresh_page(browser, site)
    with_hashes(page, site)
    shard = "encoder/group1-shard1of1.bin"
    garbage = garbage_like(site["dist"] / "models" / "mnist" / shard)
    page.route(f"**/models/mnist/{shard}", lambda route: route.fulfill(status=200, body=garbage))
    page.goto(site["url"])
    page.evaluate("digitMorph.ready")
    assert page.evaluate("async (d) => digitMorph.encodeDrawing(d, 28)", digit_of(3)) is None
    status = page.locator("#own-status").inner_text()
    assert f"models/mnist/{shard}: content does not match meta.json" in status, status
    assert uncaught == []
    context.close()


def test_the_status_line_counts_the_models_bytes_while_it_loads(browser, site):
    context, page, uncaught = fresh_page(browser, site)
    page.add_init_script("""
        window.statusTexts = [];
        document.addEventListener('DOMContentLoaded', () => {
            const status = document.getElementById('status');
            new MutationObserver(() => window.statusTexts.push(status.textContent))
                .observe(status, { childList: true, characterData: true, subtree: true });
        });""")
    page.goto(site["url"])
    page.evaluate("digitMorph.ready")
    page.evaluate(IDLE)
    counts = [tuple(map(int, m.groups())) for t in page.evaluate("window.statusTexts")
              if (m := re.search(r"loading the model… (\d+) / (\d+) KB", t))]
    total = round((site["dist"] / "models" / "mnist" / SHARD).stat().st_size / 1024)
    assert counts and counts[0][0] == 0 and counts[-1] == (total, total), counts
    assert page.locator("#status").inner_text().startswith("wasm · last decode")
    assert uncaught == []
    context.close()
