"""Every text of the page fits the model shown (issue 15 items 5 and 6): Fashion-MNIST has no
digits or handwriting, class names are shown whole, a phone never scrolls sideways, and the words
follow the number of style values."""
import re

import pytest
from pagetools import COMMITTED, IDLE, METAS

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
FASHION = [name for name, meta in METAS.items() if meta["dataset"] == "fashion_mnist"]
A_DRAWING = "Array.from({ length: 784 }, (_, i) => (i % 28 > 12 && i % 28 < 16 && i > 140 && i < 640) ? 1 : 0)"

# Everything the page says: its text, and what it says to screen readers and in tooltips (the model
# picker lists every model, so its options are left out; "Digit Morph" is the site's name).
EVERY_WORD = """() => {
    const said = [document.title, document.body.innerText];
    for (const e of document.querySelectorAll('[aria-label], [aria-valuetext], [alt], [title]')) {
        if (e.closest('#model-picker')) continue;
        for (const a of ['aria-label', 'aria-valuetext', 'alt', 'title']) if (e.hasAttribute(a)) said.push(e.getAttribute(a));
    }
    for (const o of document.querySelectorAll('#model-picker option')) said[1] = said[1].replace(o.textContent, '');
    return said.join('\\n').replaceAll('Digit Morph', '');
}"""


@pytest.mark.parametrize("name", FASHION)
def test_fashion_says_nothing_of_digits_or_handwriting(open_page, name):
    page = open_page(f"?model={name}", viewport=DESKTOP).page
    page.evaluate(f"digitMorph.encodeDrawing({A_DRAWING})")
    page.evaluate("digitMorph.setState({ mode: 'walk', digit: 4.5 })")
    page.locator("#meaning li").first.wait_for()
    words = page.evaluate(EVERY_WORD)
    found = sorted({m.group() for m in re.finditer(r"[^\n]{0,30}(digit|handwrit)[^\n]{0,30}", words, re.I)})
    assert found == [], found
    assert "Every item × every style" in words


def test_mnist_still_talks_of_digits(open_page):
    page = open_page("?model=mnist").page
    assert page.locator("#grid-title").inner_text() == "Every digit × every style"
    assert page.locator("#own-status").inner_text() == "Draw a digit in the box."
    assert "handwritten digits" in page.locator(".tagline").inner_text()


def test_switching_model_changes_the_words(open_page):
    page = open_page("?model=mnist").page
    page.select_option("#model-picker", FASHION[0])
    page.evaluate("""async () => {  // (not wait_for_function: it evals a string, the CSP refuses)
        while (digitMorph.loading || digitMorph.model?.dataset !== 'fashion_mnist') await new Promise((r) => setTimeout(r, 20));
    }""")
    assert page.locator("#grid-title").inner_text() == "Every item × every style"
    assert page.locator("#walk-box legend").inner_text() == "Class"
    assert page.locator("#own-status").inner_text() == "Draw an item in the box."


# Each bar's label: its text, whether its whole text is shown, and whether it lies inside its bar.
BAR_LABELS = """(id) => [...document.querySelectorAll(`#${id} .bar`)].map((bar) => {
    const label = bar.querySelector('.label'), b = bar.getBoundingClientRect(), l = label.getBoundingClientRect();
    return [label.textContent, label.scrollHeight <= label.clientHeight + 1 && label.scrollWidth <= label.clientWidth + 1,
            l.left >= b.left - 1 && l.right <= b.right + 1 && l.top >= b.top - 1 && l.bottom <= b.bottom + 1];
})"""


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE])
@pytest.mark.parametrize("name", COMMITTED)
def test_class_names_are_whole_and_nothing_scrolls_sideways(open_page, name, viewport):
    page = open_page(f"?model={name}", viewport=viewport).page
    page.evaluate(f"digitMorph.encodeDrawing({A_DRAWING})")
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    meta = METAS[name]
    for bars in ["code", "own-code"]:
        labels = page.evaluate(BAR_LABELS, bars)
        assert [t for t, _, _ in labels][:10] == meta["class_names"], labels
        if meta["dataset"] == "fashion_mnist":  # (one-character digits need no such care)
            assert all(whole and inside for _, whole, inside in labels), labels
            # the names are long: each class bar shows the class's picture, its name a tooltip
            icons = page.evaluate(f"[...document.querySelectorAll('#{bars} .label.icon')].map((l) => "
                                  "[l.title, getComputedStyle(l).backgroundImage])")
            assert [t for t, _ in icons] == meta["class_names"] and all("preview.png" in b for _, b in icons), icons
    ticks = page.evaluate("[...document.querySelectorAll('#walk-box .ticks span')].map((s) => s.textContent)")
    assert ticks == meta["class_names"]


TWO_STYLES = [name for name, meta in METAS.items() if meta["style_dims"] == 2]


# Each code bar's value: its text, and whether it fits inside its bar's width.
BAR_VALUES = """() => [...document.querySelectorAll('#code .bar')].map((bar) => {
    const value = bar.querySelector('.value');
    return [value.textContent, value.scrollWidth <= value.clientWidth + 1];
})"""


@pytest.mark.parametrize("name", COMMITTED)
def test_the_code_s_values_fit_their_bars_at_the_style_s_ends(open_page, name):
    """The widest values a bar shows are a style's ends (the 2-style pad reaches -22.9 and 17.1)."""
    page = open_page(f"?model={name}", viewport=DESKTOP).page
    for end in [0, 1]:
        page.evaluate("(s) => digitMorph.setState({ mode: 'walk', digit: 8, style: s })", [end] * METAS[name]["style_dims"])
        page.evaluate(IDLE)
        assert page.evaluate("digitMorph.state.style") == [end] * METAS[name]["style_dims"]
        values = page.evaluate(BAR_VALUES)
        assert all(text and fits for text, fits in values), (end, values)


@pytest.mark.parametrize("name", COMMITTED)
def test_how_this_works_counts_the_numbers_the_decoder_sees(open_page, name):
    page = open_page(f"?model={name}").page
    k = METAS[name]["style_dims"]
    assert f"into {10 + k} numbers" in page.locator("#how").text_content()
    assert page.locator("#code .bar").count() == 10 + k
    assert ("style values moving together" in page.locator(".grid-box [data-text=grid-note]").inner_text()) == (k > 1)


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE])
@pytest.mark.parametrize("name", TWO_STYLES)
def test_the_style_pad_has_named_axes_and_a_readout_in_words(open_page, name, viewport):
    page = open_page(f"?model={name}", viewport=viewport).page
    pad = page.locator("#style-2d").bounding_box()
    x_axis, y_axis = page.locator(".pad-box .axis.x"), page.locator(".pad-box .axis.y")
    x, y = x_axis.bounding_box(), y_axis.bounding_box()
    assert x["y"] >= pad["y"] + pad["height"] - 1 and pad["x"] - 1 <= x["x"] + x["width"] / 2 <= pad["x"] + pad["width"] + 1
    assert y["x"] + y["width"] <= pad["x"] + 1 and pad["y"] - 1 <= y["y"] + y["height"] / 2 <= pad["y"] + pad["height"] + 1
    page.evaluate("digitMorph.setState({ mode: 'walk', digit: 3, style: [0.9, 0.1] })")
    # each end of each axis named in words (what that value changes most, measured), never a number
    ends = [axis.locator("span").all_text_contents() for axis in (x_axis, y_axis)]
    assert all(len(e) == 2 and all(re.fullmatch(r"[a-z ]+\d?", w) for w in e) and e[0] != e[1] for e in ends), ends
    lines = page.locator("#style-2d-out span").all_inner_texts()
    assert [line[:7] for line in lines] == ["style 1", "style 2"], lines
    assert not re.search(r"\d\.\d|percentile", " ".join(lines)), lines
    assert page.locator("#style-2d-out span").nth(0).bounding_box()["y"] > pad["y"] + pad["height"]
