"""The page in real Chromium: it starts clean, decodes what Keras decodes, reacts to every control,
keeps memory flat, falls back when WebGL or the model is missing, and looks finished."""
import json
from pathlib import Path

import numpy as np
import pytest
from helpers import PARITY_BOUNDS

from bench.chromium import NO_WEBGL_FLAGS, WEBGL_FLAGS, launch

ROOT = Path(__file__).resolve().parents[2]
MODEL = ROOT / "converted_model" / "mnist"
ARTIFACTS = ROOT / "tests" / "artifacts"  # screenshots, to look at

DIGIT_PIXELS = """() => Array.from(document.getElementById('digit').getContext('2d')
    .getImageData(0, 0, 28, 28).data.filter((_, i) => i % 4 === 0))"""
IDLE = "() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(r, 50))))"


def pixels(page):
    page.evaluate(IDLE)
    return np.array(page.evaluate(DIGIT_PIXELS))


def test_page_starts_clean_on_the_backend_it_should(open_page):
    watch = open_page()
    page = watch.page
    info = page.evaluate("digitMorph.webgl")
    assert info["available"] and info["software"], info  # SwiftShader: a software renderer
    assert page.evaluate("digitMorph.backend") == "wasm"  # so auto must not pick WebGL here
    assert page.locator("#status").inner_text().startswith("wasm")
    assert page.evaluate("digitMorph.model.name") == "mnist"
    pixels(page)
    assert watch.errors == []
    assert watch.foreign == []
    assert page.locator("#error").is_hidden()


@pytest.mark.parametrize("backend", ["wasm", "webgl", "cpu"])
def test_decoded_images_equal_keras_within_the_parity_bound(open_page, backend):
    page = open_page(f"?backend={backend}").page
    assert page.evaluate("digitMorph.backend") == backend
    shapes = json.loads((MODEL / "parity" / "shapes.json").read_text())
    codes = np.fromfile(MODEL / "parity" / "codes.f32", "<f4").reshape(shapes["codes"])
    expected = np.fromfile(MODEL / "parity" / "decoded.f32", "<f4").reshape(len(codes), -1)
    got = np.array(page.evaluate("async (c) => Array.from(await digitMorph.decode(c))", codes.tolist()))
    bound = PARITY_BOUNDS[json.loads((MODEL / "meta.json").read_text())["quantization"]]["pixels"]
    assert np.abs(got.reshape(expected.shape) - expected).max() <= bound


def test_every_control_changes_the_drawn_digit(open_page):
    page = open_page().page
    start = pixels(page)
    page.locator("#digit-slider").focus()
    page.keyboard.press("End")  # real input events: the slider goes to 9
    assert page.evaluate("digitMorph.state.digit") == 9
    after_digit = pixels(page)
    assert np.abs(after_digit - start).sum() > 1000

    page.locator("#style-slider").focus()
    page.keyboard.press("Home")
    after_style = pixels(page)
    assert np.abs(after_style - after_digit).sum() > 1000

    page.select_option("#from", "3")
    page.select_option("#to", "8")
    assert page.evaluate("digitMorph.state.mode") == "pair"
    three = pixels(page)
    page.locator("#morph-slider").focus()
    page.keyboard.press("End")
    eight = pixels(page)
    assert np.abs(eight - three).sum() > 1000
    state = page.evaluate("digitMorph.state")
    assert (state["from"], state["to"], state["t"]) == (3, 8, 1)


def test_grid_has_every_cell_drawn(open_page):
    page = open_page().page
    page.evaluate(IDLE)
    cells = page.evaluate("""() => {
        const ctx = document.getElementById('grid').getContext('2d');
        const out = [];
        for (let r = 0; r < 11; r++) for (let c = 0; c < 10; c++) {
            const d = ctx.getImageData(c * 30, r * 30, 28, 28).data;
            let ink = 0;
            for (let i = 0; i < d.length; i += 4) ink += 255 - d[i];
            out.push(ink);
        }
        return out;
    }""")
    assert len(cells) == 110
    assert min(cells) > 28 * 28 * 255 * 0.03, "a cell with (almost) no ink was not drawn"


def test_tensors_do_not_leak_over_1000_slider_moves(open_page):
    page = open_page().page
    page.evaluate(IDLE)
    before = page.evaluate("digitMorph.memory().numTensors")
    slider = page.locator("#digit-slider")
    slider.focus()
    for i in range(1000):
        page.keyboard.press("ArrowRight" if (i // 100) % 2 == 0 else "ArrowLeft")
    page.evaluate(IDLE)
    assert page.evaluate("digitMorph.memory().numTensors") == before


def test_play_animates_and_pauses(open_page):
    page = open_page().page
    first = pixels(page)
    page.click("#play")
    assert page.get_attribute("#play", "aria-pressed") == "true"
    page.wait_for_timeout(600)
    page.click("#play")
    assert page.get_attribute("#play", "aria-pressed") == "false"
    moved = pixels(page)
    assert np.abs(moved - first).sum() > 100
    assert moved.tolist() == pixels(page).tolist(), "paused: the digit stays still"


def test_without_webgl_the_page_falls_back_to_wasm(playwright_instance, open_page):
    browser = launch(playwright_instance, NO_WEBGL_FLAGS)
    try:
        watch = open_page("?backend=webgl", browser_=browser)
        page = watch.page
        assert page.evaluate("digitMorph.webgl.available") is False
        assert page.evaluate("digitMorph.backend") == "wasm"
        assert np.any(pixels(page) < 200), "a digit is drawn"
        assert [e for e in watch.errors if "WebGL" not in e] == []
    finally:
        browser.close()


def test_a_model_that_fails_to_load_shows_a_message_and_the_preview(browser, site):
    context = browser.new_context()
    page = context.new_page()
    uncaught = []
    page.on("pageerror", lambda e: uncaught.append(str(e)))
    page.route("**/decoder/model.json", lambda route: route.abort())
    page.goto(site["url"])
    page.wait_for_selector("#error:not([hidden])")
    assert "could not be loaded" in page.locator("#error").inner_text()
    width = page.evaluate("""async () => {  // (not wait_for_function: it evals a string, the CSP refuses)
        const img = document.getElementById('preview');
        if (!img.complete) await new Promise((r) => img.addEventListener('load', r, { once: true }));
        return img.naturalWidth;
    }""")
    assert width > 0
    assert uncaught == []
    context.close()


@pytest.mark.parametrize("name,viewport,scheme", [
    ("desktop", {"width": 1280, "height": 900}, "light"),
    ("desktop-dark", {"width": 1280, "height": 900}, "dark"),
    ("phone", {"width": 390, "height": 844}, "light"),
])
def test_screenshots_and_layout(open_page, name, viewport, scheme):
    extra = {"is_mobile": True, "has_touch": True} if name == "phone" else {}
    page = open_page(viewport=viewport, color_scheme=scheme, **extra).page
    page.evaluate(IDLE)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"page-{name}.png"), full_page=True)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= viewport["width"], "no sideways scrolling"
    corner = page.evaluate("Array.from(document.getElementById('digit').getContext('2d').getImageData(0,0,1,1).data)")
    assert (corner[0] < 80) == (scheme == "dark"), "the digit's paper follows the colour scheme"
    for selector in ("#digit-slider", "#morph-slider", "#style-slider", "#model-picker", "#backend-picker"):
        element = page.locator(selector)
        assert element.get_attribute("aria-label") or element.evaluate("e => !!e.closest('label')"), selector
    assert page.get_by_role("button", name="Play", exact=True).count() == 1


COMMITTED = sorted(p.name for p in (ROOT / "converted_model").iterdir() if (p / "meta.json").is_file())


@pytest.mark.parametrize("name", COMMITTED)
def test_every_committed_model_works_with_its_own_controls(open_page, name):
    watch = open_page(f"?model={name}")
    page = watch.page
    meta = json.loads((ROOT / "converted_model" / name / "meta.json").read_text())
    assert page.evaluate("digitMorph.model.name") == name
    assert page.input_value("#model-picker") == name
    options = page.eval_on_selector_all("#from option", "os => os.map((o) => o.textContent)")
    assert options == meta["class_names"]
    two_d = meta["style_dims"] == 2
    assert page.locator("#style-2d").is_visible() == two_d
    assert page.locator("#style-1d").is_visible() == (not two_d)
    before = pixels(page)
    if two_d:
        page.locator("#style-2d").focus()
        for key in ["ArrowUp"] * 20 + ["ArrowRight"] * 20:
            page.keyboard.press(key, delay=0)
        style = page.evaluate("digitMorph.state.style")
        assert style == pytest.approx([0.9, 0.9])
    else:
        page.locator("#style-slider").focus()
        page.keyboard.press("End")
    assert np.abs(pixels(page) - before).sum() > 1000
    assert watch.errors == []


def test_switching_models_redraws_with_the_new_model(open_page):
    if len(COMMITTED) < 2:
        pytest.fail("the site should ship more than one model to pick from")
    page = open_page().page
    first = pixels(page)
    other = next(n for n in COMMITTED if n != "mnist")
    page.select_option("#model-picker", other)
    page.evaluate("""async (name) => {  // (wait_for_function would eval a string: the CSP refuses)
        while (digitMorph.model.name !== name || digitMorph.loading) await new Promise((r) => setTimeout(r, 20));
    }""", other)
    assert page.evaluate("digitMorph.model.name") == other
    assert np.abs(pixels(page) - first).sum() > 0


def test_a_shared_link_restores_the_state_exactly(open_page):
    page = open_page().page
    page.select_option("#from", "2")
    page.select_option("#to", "6")
    page.locator("#morph-slider").focus()
    for _ in range(35):
        page.keyboard.press("ArrowRight")
    page.locator("#style-slider").focus()
    page.keyboard.press("Home")
    page.select_option("#play-speed", "2")
    page.wait_for_timeout(400)  # the hash follows at most 4x a second
    url = page.url
    assert "#" in url
    drawn = pixels(page)

    other = open_page(url[url.index("?") if "?" in url else url.index("#"):]).page
    state = other.evaluate("digitMorph.state")
    assert state["mode"] == "pair" and (state["from"], state["to"]) == (2, 6)
    assert state["t"] == pytest.approx(0.35) and state["style"] == [0]
    assert other.input_value("#play-speed") == "2"
    assert pixels(other).tolist() == drawn.tolist()


def test_a_link_that_sets_only_some_values_keeps_the_rest(open_page):
    page = open_page("#model=mnist&digit=7&style=").page
    state = page.evaluate("digitMorph.state")
    assert state["digit"] == 7 and state["style"] == [0.5] and state["mode"] == "walk"


def test_style_meaning_is_shown_for_the_current_digit(open_page):
    page = open_page("#digit=7").page
    text = page.locator("#meaning").inner_text()
    assert text.startswith("7: ") and "(r = " in text
    page.locator("#digit-slider").focus()
    page.keyboard.press("Home")
    assert page.locator("#meaning").inner_text().startswith("0: ")
    sizes = page.evaluate("""() => Promise.all([...document.querySelectorAll('#atlas img')]
        .map((img) => img.decode().then(() => img.naturalWidth)))""")
    assert sizes and all(w > 0 for w in sizes)


ODD = ["NaN", "-Infinity", "Infinity", "1e308", "-1e308", "<img src=x onerror=alert(1)>", "", "0x10",
       "%00", "'\"><script>x()</script>", "[]", "{}", "null", "undefined", "9" * 400, "-0", "1,2,3", "🙂"]
KEYS = ["model", "mode", "digit", "from", "to", "t", "style", "play", "what", "speed", "x", "__proto__", "constructor"]


def test_1000_odd_url_states_never_break_the_page(open_page):
    import random
    from urllib.parse import quote
    rng = random.Random(0)
    watch = open_page()
    page = watch.page
    hashes = []
    for _ in range(1000):
        pairs = [(rng.choice(KEYS), rng.choice(ODD + [str(rng.uniform(-1e6, 1e6)), "mnist", "pair", "nope"]))
                 for _ in range(rng.randint(1, 8))]
        hashes.append("#" + "&".join(f"{quote(k)}={quote(v)}" for k, v in pairs))
    states = page.evaluate("""async (hashes) => {
        const out = [];
        for (const h of hashes) {
            location.hash = h;
            await new Promise((r) => setTimeout(r, 0));
            out.push(digitMorph.state);
        }
        return out;
    }""", hashes)
    page.evaluate(IDLE)
    for s in states:
        assert s["mode"] in ("walk", "pair")
        assert 0 <= s["digit"] <= 9 and 0 <= s["t"] <= 1
        assert s["from"] in range(10) and s["to"] in range(10)
        assert all(0 <= v <= 1 for v in s["style"]) and len(s["style"]) == 1
    assert watch.errors == []
    assert page.locator("img[src=x], script:not([src]):not(#models)").count() == 0  # no markup from the URL
    assert page.evaluate("digitMorph.model.name") == "mnist"
    assert np.any(pixels(page) < 200)


def test_losing_the_webgl_context_falls_back_and_keeps_decoding(open_page):
    watch = open_page("?backend=webgl")
    page = watch.page
    assert page.evaluate("digitMorph.backend") == "webgl"
    page.evaluate("tf.backend().gpgpu.gl.getExtension('WEBGL_lose_context').loseContext()")
    page.evaluate("""async () => {
        while (digitMorph.backend !== 'wasm' || digitMorph.loading) await new Promise((r) => setTimeout(r, 20));
    }""")
    assert "WebGL was lost" in page.locator("#status").inner_text()
    before = pixels(page)
    page.locator("#digit-slider").focus()
    page.keyboard.press("End")
    assert np.abs(pixels(page) - before).sum() > 1000
    assert [e for e in watch.errors if "WebGL" not in e and "context" not in e.lower()] == []


def test_10000_slider_moves_keep_tensors_and_heap_flat(playwright_instance, open_page):
    browser = launch(playwright_instance, WEBGL_FLAGS + ["--js-flags=--expose-gc", "--enable-precise-memory-info"])
    try:
        page = open_page(browser_=browser).page
        soak = """async (moves) => {
            const slider = document.getElementById('digit-slider');
            for (let i = 0; i < moves; i++) {
                slider.value = String((i % 900) / 100);
                slider.dispatchEvent(new Event('input', { bubbles: true }));
                if (i % 10 === 0) await new Promise((r) => setTimeout(r, 0));  // let decodes finish
            }
            await new Promise((r) => setTimeout(r, 200));
            gc();
            return { tensors: digitMorph.memory().numTensors, heap: performance.memory.usedJSHeapSize };
        }"""
        warm = page.evaluate(soak, 1000)
        after = page.evaluate(soak, 10000)
        assert after["tensors"] == warm["tensors"]
        assert after["heap"] - warm["heap"] < 1_000_000, (warm, after)
    finally:
        browser.close()


def test_drawn_digits_are_recognised_like_mnist(open_page):
    """Real MNIST test digits pasted into the drawing pad go through the same preprocessing as a
    drawing (bounding box to 20x20, centre of mass to the centre) and the encoder in the browser."""
    from helpers import FIXTURE
    test = np.load(FIXTURE)
    x, y = test["x_test"][:300] / 255.0, test["y_test"][:300]
    watch = open_page()
    page = watch.page
    classes = page.evaluate("""async (digits) => {
        const out = [];
        for (const d of digits) out.push((await digitMorph.encodeDrawing(d, 28)).cls);
        return out;
    }""", [d.ravel().round(3).tolist() for d in x])
    accuracy = np.mean(np.array(classes) == y)
    assert accuracy >= 0.97, accuracy
    assert "Looks like" in page.locator("#own-status").inner_text()
    assert "bits against 784 bytes" in page.locator("#own-size").inner_text()
    page.click("#own-explore")
    state = page.evaluate("digitMorph.state")
    assert state["mode"] == "pair" and state["from"] == classes[-1] == state["to"]
    assert watch.errors == []


def test_drawing_with_the_pointer_and_undo(open_page):
    page = open_page().page
    page.locator("#own-pad").scroll_into_view_if_needed()
    pad = page.locator("#own-pad").bounding_box()
    page.mouse.move(pad["x"] + pad["width"] * 0.5, pad["y"] + pad["height"] * 0.15)
    page.mouse.down()
    page.mouse.move(pad["x"] + pad["width"] * 0.5, pad["y"] + pad["height"] * 0.85, steps=12)
    page.mouse.up()
    page.locator("#own-status").filter(has_text="Looks like").wait_for()
    assert page.locator("#own-status").inner_text().startswith("Looks like 1")
    page.click("#own-undo")
    page.locator("#own-status").filter(has_text="Draw a digit").wait_for()
    assert page.is_disabled("#own-explore")


@pytest.mark.parametrize("button,name,magic", [
    ("#export-digit", "digit.png", b"\x89PNG\r\n\x1a\n"),
    ("#export-grid", "grid.png", b"\x89PNG\r\n\x1a\n"),
    ("#export-gif", "digit-morph.gif", b"GIF89a"),
    ("#export-webm", "digit-morph.webm", b"\x1a\x45\xdf\xa3"),  # the EBML header of WebM
])
def test_exports_download_real_files(open_page, tmp_path, button, name, magic):
    watch = open_page()
    page = watch.page
    with page.expect_download(timeout=60_000) as info:
        page.click(button)
    download = info.value
    assert download.suggested_filename == name
    path = tmp_path / name
    download.save_as(path)
    data = path.read_bytes()
    assert data.startswith(magic) and len(data) > 1000
    if name == "digit-morph.gif":
        assert data.count(b"\x21\xf9\x04") == 60, "one graphic control block per frame"
    if name == "digit.png":
        assert int.from_bytes(data[16:20], "big") == 280  # 28 pixels x 10, crisp
    page.locator("#export-status").filter(has_text="saved").wait_for()
    assert watch.errors == []
