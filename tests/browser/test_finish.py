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
