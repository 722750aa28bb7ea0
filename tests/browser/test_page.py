"""The explorer in real Chromium: it starts clean, decodes what Keras decodes, reacts to every
control, draws the whole grid, plays, keeps tensors flat, and looks finished on desktop and phone."""
import json

import numpy as np
import pytest
from helpers import PARITY_BOUND
from pagetools import ARTIFACTS, COMMITTED, IDLE, MODEL, ROOT, pixels


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
    assert np.abs(got.reshape(expected.shape) - expected).max() <= PARITY_BOUND["pixels"]


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

    page.select_option("#from", "3")  # a picked end of the morph is shown
    assert page.evaluate("digitMorph.state.mode") == "pair"
    three = pixels(page)
    page.select_option("#to", "8")
    eight = pixels(page)
    assert np.abs(eight - three).sum() > 1000
    state = page.evaluate("digitMorph.state")
    assert (state["from"], state["to"], state["t"]) == (3, 8, 1)
    page.locator("#morph-slider").focus()
    page.keyboard.press("Home")
    assert pixels(page).tolist() == three.tolist()


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


def test_a_slider_moved_while_the_grid_draws_is_answered_before_the_grid_ends(open_page):
    # on the plain-JS backend the grid takes seconds here (on wasm, in the worker, it can end before
    # the key press arrives): the slider's frame must still come after one row at most
    page = open_page("?backend=cpu").page
    page.evaluate(IDLE)
    page.locator("#digit-slider").focus()
    frames = len(page.evaluate("digitMorph.frameLatencies()"))
    page.evaluate("""() => {
        window.gridDone = false;
        digitMorph.drawGrid().then(() => { window.gridDone = true; });
    }""")
    page.keyboard.press("ArrowRight")  # a real input event, queued behind whatever the grid is doing
    grid_done_at_frame = page.evaluate("""async (n) => {
        while (digitMorph.frameLatencies().length <= n) await new Promise((r) => setTimeout(r, 0));
        return window.gridDone;
    }""", frames)
    assert grid_done_at_frame is False, "the slider's frame waited for the whole grid"
    page.evaluate("""async () => { while (!window.gridDone) await new Promise((r) => setTimeout(r, 10)); }""")


def test_tensors_do_not_leak_over_300_key_presses(open_page):
    """A leak shows at the first press that leaks (the count must not move at all); the presses go
    both ways through a morph and a class change (test_faults.py soaks 10,000 moves for the heap)."""
    page = open_page().page
    page.evaluate("digitMorph.reader.loaded")  # the reader's encoder loads after the first frame: its weights first
    page.evaluate(IDLE)
    before = page.evaluate("digitMorph.memory().numTensors")
    slider = page.locator("#digit-slider")
    slider.focus()
    for i in range(300):
        page.keyboard.press("ArrowRight" if (i // 100) % 2 == 0 else "ArrowLeft")
    page.evaluate(IDLE)
    assert page.evaluate("digitMorph.memory().numTensors") == before


def test_play_animates_and_pauses(open_page):
    page = open_page().page
    first = pixels(page)
    page.click("#play")
    assert page.locator("#play").inner_text().endswith("Pause")  # it names what a press does next
    page.wait_for_timeout(600)
    page.click("#play")
    assert page.locator("#play").inner_text().endswith("Play")
    moved = pixels(page)
    assert np.abs(moved - first).sum() > 100
    assert moved.tolist() == pixels(page).tolist(), "paused: the digit stays still"


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
    corner = page.evaluate("digitMorph.digitPixels()")[:4]
    assert (corner[0] < 80) == (scheme == "dark"), "the digit's paper follows the colour scheme"
    for selector in ("#digit-slider", "#morph-slider", "#style-slider", "#model-picker", "#backend-picker"):
        element = page.locator(selector)
        assert element.get_attribute("aria-label") or element.evaluate("e => !!e.closest('label')"), selector
    assert page.get_by_role("button", name="Play", exact=True).count() == 1


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
        for key in ["ArrowUp"] * 8 + ["ArrowRight"] * 8:  # (5 % a press)
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
