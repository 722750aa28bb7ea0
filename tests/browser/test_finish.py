"""A finished page (issue 15): nothing jumps, controls behave as people expect, texts fit the model."""
import pytest
from pagetools import ARTIFACTS, IDLE

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}

# Layout shifts (the browser's own measure, as in Cumulative Layout Shift) while the page decodes
# new states and plays. setState and a scripted click are not user input, so no shift is excused
# as following one.
SHIFTS_WHILE_DECODING_AND_PLAYING = """async () => {
    const shifts = [];
    new PerformanceObserver((list) => {
        for (const e of list.getEntries()) {
            shifts.push({ value: e.value, sources: e.sources.map((s) => s.node?.id || s.node?.parentElement?.id || s.node?.nodeName) });
        }
    }).observe({ type: 'layout-shift' });
    const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
    for (let i = 0; i < 40; i++) {
        digitMorph.setState({ digit: (i * 0.37) % 9, style: digitMorph.state.style.map((_, d) => ((i + d) * 0.13) % 1) });
        await sleep(60);
    }
    document.getElementById('play').click();
    await sleep(3000);
    document.getElementById('play').click();
    await sleep(300);
    return shifts;
}"""


def shot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


@pytest.mark.parametrize("query,viewport", [
    ("?model=fashion", DESKTOP), ("?backend=webgl", DESKTOP), ("", PHONE), ("?model=mnist_2style", PHONE),
])
def test_nothing_moves_while_the_page_decodes_and_plays(open_page, query, viewport):
    watch = open_page(query, viewport=viewport)
    page = watch.page
    page.evaluate(IDLE)
    shifts = page.evaluate(SHIFTS_WHILE_DECODING_AND_PLAYING)
    assert shifts == [], shifts
    assert watch.errors == []


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE])
def test_a_longer_status_line_moves_nothing(open_page, viewport):
    page = open_page("?model=fashion", viewport=viewport).page
    page.evaluate(IDLE)
    boxes = """() => ['.pickers', 'main', '#status'].map((s) => {
        const r = document.querySelector(s).getBoundingClientRect();
        return [r.x, r.y, r.width, r.height];
    })"""
    before = page.evaluate(boxes)
    for text in ["wasm", "wasm · last decode 9.8 ms", "wasm · last decode 10.2 ms",
                 "webgl (WebGL was lost) · loading the model… 1,234 / 1,790 KB and a good deal more text than fits"]:
        page.evaluate("(t) => { document.getElementById('status').textContent = t; }", text)
        assert page.evaluate(boxes) == before, text


PLAY_FRAMES = """async (frames) => {  // play for a few animation frames, then pause
    const play = document.getElementById('play');
    play.click();
    for (let i = 0; i < frames; i++) await new Promise((r) => requestAnimationFrame(r));
    play.click();
    return digitMorph.state;
}"""


@pytest.mark.parametrize("what,start,key", [
    ("digit", {"mode": "walk", "digit": 6}, "digit"),
    ("digit", {"mode": "pair", "from": 2, "to": 5, "t": 0.6}, "t"),
    ("style", {"mode": "walk", "digit": 3, "style": [0.6]}, "style"),
])
def test_play_goes_on_from_where_the_explorer_is(open_page, what, start, key):
    page = open_page().page
    page.select_option("#play-what", what)
    page.evaluate("(s) => digitMorph.setState(s)", start)
    value = lambda s: s[key][0] if key == "style" else s[key]  # noqa: E731
    # a frame moves the phase by 0.01 at most (a cycle's length and the frame cap bound it): the digit by
    # 0.18, t by 0.02, the style by 0.06. Starting over would jump to 0 (or 0.06).
    bound = {"digit": 0.2 * 5, "t": 0.02 * 5, "style": 0.06 * 5}[key]
    first = page.evaluate("digitMorph.state")
    after = page.evaluate(PLAY_FRAMES, 4)
    assert value(after) != value(first), "it played"
    assert abs(value(after) - value(first)) < bound, (first, after)
    again = page.evaluate(PLAY_FRAMES, 4)  # and from where it paused, the same way
    assert value(again) != value(after)
    assert abs(value(again) - value(after)) < bound, (after, again)
    assert (value(again) - value(after)) * (value(after) - value(first)) > 0, "same direction"


def test_moving_a_slider_during_play_pauses_it(open_page):
    page = open_page().page
    page.click("#play")
    page.wait_for_timeout(300)
    page.locator("#digit-slider").focus()
    page.keyboard.press("Home")
    assert page.locator("#play").inner_text().endswith("Play"), "paused"
    page.wait_for_timeout(300)
    assert page.evaluate("digitMorph.state.digit") == 0, "the animation did not undo the move"


def test_play_with_reduced_motion_lands_on_whole_digits(open_page):
    page = open_page(reduced_motion="reduce").page
    page.select_option("#play-what", "both")
    page.evaluate("digitMorph.setState({ digit: 3.16 })")
    seen = page.evaluate("""async () => {
        const seen = new Set();
        document.getElementById('play').click();
        const t0 = performance.now();
        while (performance.now() - t0 < 2500) {
            seen.add(digitMorph.state.digit);
            await new Promise((r) => requestAnimationFrame(r));
        }
        document.getElementById('play').click();
        return [...seen];
    }""")
    assert 3.16 in seen and len(seen) >= 4, seen  # it stepped, from where it was
    assert all(abs(d - round(d)) < 1e-6 for d in seen if d != 3.16), seen


def test_a_grid_click_brings_the_explorer_into_view_and_marks_the_cell(open_page):
    page = open_page(viewport=DESKTOP).page
    page.evaluate(IDLE)
    grid = page.locator("#grid")
    grid.scroll_into_view_if_needed()
    assert page.evaluate("document.getElementById('digit').getBoundingClientRect().bottom") < 0, "explorer out of view"
    box = grid.bounding_box()
    col, row = 3, 5
    page.mouse.click(box["x"] + (col * 30 + 14) / 298 * box["width"], box["y"] + (row * 30 + 14) / 328 * box["height"])
    state = page.evaluate("digitMorph.state")
    assert (state["mode"], state["digit"], state["from"], state["to"], state["t"]) == ("walk", 3, 3, 4, 0)
    assert state["style"] == [pytest.approx(0.5)]
    page.wait_for_timeout(1200)  # the smooth scroll
    digit = page.evaluate("(() => { const r = document.getElementById('digit').getBoundingClientRect(); return [r.top, r.bottom]; })()")
    assert digit[0] >= 0 and digit[1] <= DESKTOP["height"], digit
    mark, cell = page.locator("#grid-mark"), grid.bounding_box()
    assert mark.is_visible()
    m = mark.bounding_box()
    centre = ((m["x"] + m["width"] / 2 - cell["x"]) / cell["width"] * 298, (m["y"] + m["height"] / 2 - cell["y"]) / cell["height"] * 328)
    assert abs(centre[0] - (col * 30 + 14)) < 2 and abs(centre[1] - (row * 30 + 14)) < 2, centre
    shot(page, "grid-click")
    page.locator("#morph-slider").focus()
    page.keyboard.press("End")  # the morph slider now goes somewhere, and the mark goes
    assert page.evaluate("digitMorph.state.t") == 1
    assert mark.is_hidden()
