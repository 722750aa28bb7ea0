"""Beyond the explorer: shared links, what style means, drawing your own digit, exports."""

import re

import numpy as np
import pytest
from pagetools import pixels


def test_a_shared_link_restores_the_state_exactly(open_page):
    page = open_page().page
    page.select_option("#from", "2")
    page.select_option("#to", "6")
    page.locator("#morph-slider").focus()
    page.keyboard.press("Home")
    for key in ["ArrowRight"] * 3 + ["Shift+ArrowRight"] * 5:  # a tenth of the way; Shift: a hundredth
        page.keyboard.press(key)
    page.locator("#style-slider").focus()
    page.keyboard.press("Home")
    page.select_option("#play-speed", "2")
    page.select_option("#grid-steps", "3")
    page.wait_for_timeout(400)  # the hash follows at most 4x a second
    url = page.url
    assert "#" in url
    drawn = pixels(page)

    other = open_page(url[url.index("?") if "?" in url else url.index("#"):]).page
    state = other.evaluate("digitMorph.state")
    assert state["mode"] == "pair" and (state["from"], state["to"]) == (2, 6)
    assert state["t"] == pytest.approx(0.35) and state["style"] == [0]
    assert other.input_value("#play-speed") == "2"
    assert other.input_value("#grid-steps") == "3" and other.evaluate("digitMorph.figure8.steps") == 3
    assert other.locator("#grid8-wrap").is_visible()
    assert pixels(other).tolist() == drawn.tolist()


def test_a_link_that_sets_only_some_values_keeps_the_rest(open_page):
    page = open_page("#model=mnist&digit=7&style=").page
    state = page.evaluate("digitMorph.state")
    assert state["digit"] == 7 and state["style"] == [0.5] and state["mode"] == "walk"


def test_style_meaning_is_shown_for_the_current_digit(open_page):
    page = open_page("#digit=7").page
    text = page.locator("#meaning").inner_text()
    assert text.startswith("7: higher style → ") and "(ρ = " in text
    page.locator("#digit-slider").focus()
    page.keyboard.press("Home")
    assert page.locator("#meaning").inner_text().startswith("0: ")
    page.locator("#atlas").scroll_into_view_if_needed()  # the atlas loads lazily, when seen
    sizes = page.evaluate("""() => Promise.all([...document.querySelectorAll('#atlas img')]
        .map((img) => img.decode().then(() => img.naturalWidth)))""")
    assert sizes and all(w > 0 for w in sizes)


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
    assert "bits against 784 bytes" in page.locator("#own-size").text_content()  # (behind "How it was stored")
    page.click("#own-explore")
    state = page.evaluate("digitMorph.state")
    assert state["mode"] == "walk" and state["digit"] == classes[-1]
    assert watch.errors == []


def test_a_drawing_is_stored_as_the_best_code_of_its_class(open_page):
    """The stored code is the best, by the page's own decoder, of the encoder's 8-bit style and
    every other 8-bit style of the class: checked against all 256 decoded here."""
    from helpers import FIXTURE
    test = np.load(FIXTURE)
    watch = open_page()
    page = watch.page
    lo, hi = page.evaluate("digitMorph.model.style_range")[0]
    gains = []
    for digit in test["x_test"][:6] / 255.0:
        result = page.evaluate("async (d) => { const r = await digitMorph.encodeDrawing(d, 28); "
                               "return { ...r, pixels: Array.from(r.pixels), code: Array.from(r.code) }; }",
                               digit.ravel().round(3).tolist())
        codes = np.zeros((256, 11), np.float32)
        codes[:, result["cls"]] = 1
        codes[:, 10] = lo + np.arange(256) / 255 * (hi - lo)
        images = np.array(page.evaluate("async (c) => Array.from(await digitMorph.decode(c))", codes.tolist()))
        x, y = np.array(result["pixels"]), np.clip(images.reshape(256, -1), 1e-7, 1 - 1e-7)
        every = -(x * np.log(y) + (1 - x) * np.log(1 - y)).mean(1)
        assert result["bce"] == pytest.approx(min(every.min(), result["headBce"]), abs=1e-6)
        assert result["bce"] <= result["headBce"]
        assert result["code"][10] == pytest.approx(codes[result["levels"][0], 10], abs=1e-4)
        gains.append(result["headBce"] - result["bce"])
    assert max(gains) > 1e-3, gains  # the search changes what is stored
    assert "the best of 257 such codes" in page.locator("#own-size").text_content()
    assert watch.errors == []


def test_a_drawing_shows_the_encoder_s_guess_while_its_class_is_searched(open_page):
    """The first drawing of a class waits for its 256 stored styles to be decoded (seconds on the
    plain-JS backend): the encoder's own guess is drawn meanwhile, then the searched code."""
    from helpers import FIXTURE
    digit = np.load(FIXTURE)["x_test"][0] / 255.0
    watch = open_page("?backend=cpu")
    page = watch.page
    page.evaluate("(d) => { window.pending = digitMorph.encodeDrawing(d, 28); }", digit.ravel().round(3).tolist())
    status = page.locator("#own-status")
    status.filter(has_text="First guess").wait_for(timeout=60_000)
    name = page.evaluate("digitMorph.model.class_names")
    assert re.fullmatch(r"First guess: (\w+), drawn from the encoder's own style; searching the 256 stored styles "
                        r"of \1 for a closer one…", status.inner_text()), status.inner_text()
    ink = page.evaluate("""() => { const c = document.getElementById('own-recon');
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let n = 0; for (let i = 3; i < d.length; i += 4) n += d[i] > 0; return n; }""")
    assert ink > 0 and page.is_disabled("#own-explore")  # the guess is drawn; nothing to explore yet
    result = page.evaluate("window.pending.then((r) => ({ cls: r.cls, bce: r.bce, headBce: r.headBce }))")
    assert status.inner_text().startswith(f"Looks like {name[result['cls']]}") and result["bce"] <= result["headBce"]
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
        width = int.from_bytes(data[16:20], "big")  # 28 pixels x k, k >= 10 (as sharp as the screen: test_sections.py)
        assert width % 28 == 0 and width >= 280, width
    page.locator("#export-status").filter(has_text="saved").wait_for()
    assert watch.errors == []
