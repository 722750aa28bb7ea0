"""Accessibility as a measured property (issue 15): axe-core (axe-playwright-python, pinned in
requirements-test.txt) finds no violation on any committed model, light or dark, after a drawing, with
the nearest real images shown, and while Play runs."""
import pytest
from axe_playwright_python.sync_playwright import Axe
from pagetools import COMMITTED, IDLE, METAS, SHOWN

A_DRAWING = "Array.from({ length: 784 }, (_, i) => (i % 28 > 12 && i % 28 < 16 && i > 140 && i < 640) ? 1 : 0)"
AXE = Axe()


def violations(page):
    found = AXE.run(page).response["violations"]
    return [f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:5]}" for v in found]


@pytest.mark.parametrize("name", COMMITTED)
def test_axe_finds_nothing_after_a_drawing_and_during_play(open_page, name):
    """One page per model, light then dark (the page follows a change of scheme), with the box of the
    nearest real images open."""
    watch = open_page(f"?model={name}", color_scheme="light", viewport={"width": 1280, "height": 800})
    page = watch.page
    assert page.evaluate(f"digitMorph.encodeDrawing({A_DRAWING})") is not None
    page.evaluate("document.querySelectorAll('#atlas img').forEach((i) => { i.loading = 'eager'; })")
    page.click("#nearest-box summary")
    page.evaluate(SHOWN if "neighbours" in METAS[name] else IDLE)
    for scheme in ["light", "dark"]:
        page.emulate_media(color_scheme=scheme)
        page.evaluate(IDLE)
        assert page.evaluate("matchMedia('(prefers-color-scheme: dark)').matches") == (scheme == "dark")
        assert violations(page) == [], scheme
        page.click("#play")
        page.wait_for_timeout(300)
        assert page.locator("#play").inner_text() == "Pause"
        assert violations(page) == [], scheme
        page.click("#play")
    assert watch.errors == []


def test_axe_finds_nothing_on_a_phone(open_page):
    page = open_page(color_scheme="dark", viewport={"width": 390, "height": 844}).page
    page.evaluate(f"digitMorph.encodeDrawing({A_DRAWING})")
    page.evaluate(IDLE)
    assert violations(page) == []


def test_axe_would_see_a_violation(open_page):
    # the check can fail: a control without a name is found
    page = open_page().page
    page.evaluate("document.getElementById('digit-slider').removeAttribute('aria-label')")
    assert any(v.startswith("label ") for v in violations(page)), violations(page)
