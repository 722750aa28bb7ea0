"""Keyboard and screen readers (issue 15 item 7): what each control announces, the 2-D pad and the
grid by keyboard alone, every part of the page reachable with Tab."""
import re

import pytest
from pagetools import IDLE

ORDINAL = r"\d+(st|nd|rd|th)"


def attr(page, selector, name):
    return page.get_attribute(selector, name)


def test_sliders_announce_the_mix_of_classes_and_where_the_style_sits(open_page):
    page = open_page().page
    page.evaluate("digitMorph.setState({ mode: 'walk', digit: 3.3, style: [0.2] })")
    assert attr(page, "#digit-slider", "aria-valuetext") == "70 % 3, 30 % 4"
    assert page.locator("#digit-out").inner_text() == "70 % 3, 30 % 4"
    page.evaluate("digitMorph.setState({ digit: 5 })")
    assert attr(page, "#digit-slider", "aria-valuetext") == "5"
    page.evaluate("digitMorph.setState({ mode: 'pair', from: 1, to: 7, t: 0.4 })")
    assert attr(page, "#morph-slider", "aria-valuetext") == "60 % 1, 40 % 7"
    # the style in words, not in model units: where it sits among the dominant class's styles
    low = attr(page, "#style-slider", "aria-valuetext")
    assert re.fullmatch(rf"style: {ORDINAL} percentile of 1s( — .+)?", low), low
    page.evaluate("digitMorph.setState({ style: [0.9] })")
    high = attr(page, "#style-slider", "aria-valuetext")
    assert int(re.search(r"\d+", high).group()) > int(re.search(r"\d+", low).group()), (low, high)


def test_fashion_sliders_name_the_classes(open_page):
    page = open_page("?model=fashion").page
    page.evaluate("digitMorph.setState({ mode: 'walk', digit: 1.25 })")
    assert attr(page, "#digit-slider", "aria-valuetext") == "75 % Trouser, 25 % Pullover"
    assert re.fullmatch(rf"style: {ORDINAL} percentile of Trousers( — .+)?",
                        attr(page, "#style-slider", "aria-valuetext"))


def test_page_up_and_down_land_on_whole_digits(open_page):
    page = open_page().page
    page.evaluate("digitMorph.setState({ mode: 'walk', digit: 3.3 })")
    page.locator("#digit-slider").focus()
    seen = []
    for key in ["PageUp", "PageUp", "PageDown", "PageDown", "PageDown"]:
        page.keyboard.press(key)
        seen.append(page.evaluate("digitMorph.state.digit"))
    assert seen == [4, 5, 4, 3, 2]
    page.keyboard.press("ArrowRight")  # a tenth of a digit; Shift+arrow reaches every blend
    assert page.evaluate("digitMorph.state.digit") == pytest.approx(2.1)
    page.keyboard.press("Shift+ArrowRight")
    assert page.evaluate("digitMorph.state.digit") == pytest.approx(2.11)
    page.evaluate("digitMorph.setState({ digit: 8.5 })")
    page.keyboard.press("PageUp")
    page.keyboard.press("PageUp")
    assert page.evaluate("digitMorph.state.digit") == 9


def test_the_style_pad_works_by_keyboard_and_says_where_it_is(open_page):
    page = open_page("?model=mnist_2style").page
    page.evaluate("digitMorph.setState({ mode: 'walk', digit: 5, style: [0.5, 0.5] })")
    pad = page.locator("#style-2d")
    assert pad.get_attribute("role") == "slider"
    assert (pad.get_attribute("aria-valuemin"), pad.get_attribute("aria-valuemax")) == ("0", "100")
    pad.focus()

    def where():
        return page.evaluate("digitMorph.state.style"), pad.get_attribute("aria-valuenow"), pad.get_attribute("aria-valuetext")

    page.keyboard.press("Home")
    style, now, text = where()
    assert style == [0, 0.5] and now == "0"
    assert re.fullmatch(rf"style 1: {ORDINAL} percentile of 5s( — .+)?; style 2: {ORDINAL} percentile of 5s( — .+)?", text), text
    page.keyboard.press("End")
    style, now, _ = where()
    assert style == [1, 0.5] and now == "100"
    # style 1 of the 5s follows their slant (|rho| > 0.5 in meta.json): at the right edge the text says
    # which way they lean, as the measured sign says
    slant = page.evaluate("digitMorph.model.style_meaning.correlations.per_class['5'][0].slant")
    assert abs(slant) > 0.5
    side = "right" if slant > 0 else "left"
    assert f"style 1: 99th percentile of 5s — leans more to the {side}" in where()[2]
    page.keyboard.press("PageUp")
    assert where()[0] == [1, 1]
    page.keyboard.press("PageDown")
    assert where()[0] == [1, 0]
    page.keyboard.press("ArrowLeft")  # 5 % a press; Shift: 2 %
    page.keyboard.press("Shift+ArrowUp")
    style, now, _ = where()
    assert style == [pytest.approx(0.95), pytest.approx(0.02)] and now == "95"
    # and the dot shows it: at the bottom right of the pad, less a step
    box, dot = pad.bounding_box(), page.locator("#style-2d .dot").bounding_box()
    assert abs(dot["x"] + dot["width"] / 2 - (box["x"] + 0.95 * box["width"])) < 3
    assert abs(dot["y"] + dot["height"] / 2 - (box["y"] + 0.98 * box["height"])) < 3


def tab_stops(page, most=60):
    """What Tab reaches, in order, from the top of the page round to the first stop again."""
    page.locator("body").focus()
    stops = []
    for _ in range(most):
        page.keyboard.press("Tab")
        stop = page.evaluate("""(() => { const e = document.activeElement;
            if (e.tagName === 'SUMMARY') return `summary:${e.textContent}`;
            return e.id || `${e.getAttribute('role')}:${e.getAttribute('aria-label')}`; })()""")
        if stops and stop == stops[0]:
            break
        stops.append(stop)
    return stops


def test_tab_reaches_the_grid_and_the_drawing_pad_and_the_grid_works_by_keyboard(open_page):
    page = open_page().page
    page.evaluate(IDLE)
    stops = tab_stops(page)
    assert "own-pad" in stops, stops
    cells = [s for s in stops if s.startswith("gridcell:")]
    assert cells == ["gridcell:0, 1st percentile of style"], stops  # one tab stop for the whole grid
    page.locator("[role=gridcell][tabindex='0']").focus()
    for key in ["ArrowRight", "ArrowRight", "ArrowDown", "End", "ArrowLeft"]:
        page.keyboard.press(key)
    assert page.evaluate("document.activeElement.getAttribute('aria-label')").startswith("8, ")
    page.keyboard.press("Enter")
    state = page.evaluate("digitMorph.state")
    assert (state["mode"], state["digit"], state["from"], state["to"], state["t"]) == ("walk", 8, 8, 9, 0)
    assert state["style"] == [pytest.approx(0.1)]
    assert page.locator("#grid-mark").is_visible()
    assert page.get_attribute("[role=gridcell][aria-selected=true]", "aria-label").startswith("8, ")
    # the tab stop stays on the cell last used
    assert page.evaluate("[...document.querySelectorAll('[role=gridcell][tabindex=\"0\"]')].length") == 1


def test_the_drawing_pad_clears_and_undoes_by_keyboard(open_page):
    page = open_page().page
    page.evaluate("digitMorph.encodeDrawing(Array.from({ length: 784 }, (_, i) => (i % 28 > 12 && i % 28 < 16 && i > 140 && i < 640) ? 1 : 0))")
    assert page.evaluate("digitMorph.drawing") is not None
    page.locator("#own-pad").focus()
    page.keyboard.press("Delete")
    page.locator("#own-status").filter(has_text="in the box").wait_for()
    assert page.evaluate("digitMorph.drawing") is None


def test_no_aria_label_without_a_role_and_every_image_has_its_size(open_page):
    page = open_page().page
    page.locator("#atlas img").first.wait_for(state="attached")
    bad = page.evaluate("""() => [...document.querySelectorAll('div[aria-label], span[aria-label], canvas[aria-label]')]
        .filter((e) => !e.getAttribute('role')).map((e) => e.id)""")
    assert bad == []
    sizes = page.evaluate("""() => [...document.querySelectorAll('img')].map((i) => [i.id || i.src,
        i.getAttribute('width'), i.getAttribute('height')])""")
    assert sizes and all(w and h for _, w, h in sizes), sizes
    # and the sizes are the images' own
    page.evaluate("""() => Promise.all([...document.querySelectorAll('#atlas img')].map((i) => {
        i.loading = 'eager'; return i.decode(); }))""")
    real = page.evaluate("""() => [...document.querySelectorAll('#atlas img')].map((i) => [i.naturalWidth, i.naturalHeight,
        Number(i.getAttribute('width')), Number(i.getAttribute('height'))])""")
    assert all(a == c and b == d for a, b, c, d in real), real
