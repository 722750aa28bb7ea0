"""The page under faults: no WebGL, a lost WebGL context, a model that fails to load, odd URL
states, and a long session of slider moves."""

import numpy as np
from pagetools import IDLE, pixels

from bench.chromium import NO_WEBGL_FLAGS, WEBGL_FLAGS, launch


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


def test_losing_the_webgl_context_falls_back_and_keeps_decoding(open_page):
    watch = open_page("?backend=webgl")
    page = watch.page
    assert page.evaluate("digitMorph.backend") == "webgl"
    page.evaluate("digitMorph.loseWebglContext()")  # in the worker, as a GPU reset would
    page.evaluate("""async () => {
        while (digitMorph.backend !== 'wasm' || digitMorph.loading) await new Promise((r) => setTimeout(r, 20));
    }""")
    assert "WebGL was lost" in page.locator("#status").inner_text()
    before = pixels(page)
    page.locator("#digit-slider").focus()
    page.keyboard.press("End")
    assert np.abs(pixels(page) - before).sum() > 1000
    assert [e for e in watch.errors if "WebGL" not in e and "context" not in e.lower()] == []


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


ODD = ["NaN", "-Infinity", "Infinity", "1e308", "-1e308", "<img src=x onerror=alert(1)>", "", "0x10",
       "%00", "'\"><script>x()</script>", "[]", "{}", "null", "undefined", "9" * 400, "-0", "1,2,3", "🙂"]
KEYS = ["model", "mode", "digit", "from", "to", "t", "style", "play", "what", "speed", "between", "x", "__proto__", "constructor"]


def test_300_odd_url_states_never_break_the_page(open_page):
    import random
    from urllib.parse import quote
    rng = random.Random(0)
    watch = open_page()
    page = watch.page
    hashes = []
    for _ in range(300):
        pairs = [(rng.choice(KEYS), rng.choice(ODD + [str(rng.uniform(-1e6, 1e6)), "mnist", "pair", "nope"]))
                 for _ in range(rng.randint(1, 8))]
        hashes.append("#" + "&".join(f"{quote(k)}={quote(v)}" for k, v in pairs))
    states = page.evaluate("""async (hashes) => {
        const out = [];
        for (const h of hashes) {
            location.hash = h;
            await new Promise((r) => setTimeout(r, 0));
            out.push({ ...digitMorph.state, between: digitMorph.figure8.steps });
        }
        return out;
    }""", hashes)
    page.evaluate(IDLE)
    for s in states:
        assert s["mode"] in ("walk", "pair")
        assert 0 <= s["digit"] <= 9 and 0 <= s["t"] <= 1
        assert s["from"] in range(10) and s["to"] in range(10)
        assert all(0 <= v <= 1 for v in s["style"]) and len(s["style"]) == 1
        assert s["between"] in (0, 1, 3, 5)  # the Columns menu's numbers only
    assert watch.errors == []
    assert page.locator("img[src=x], script:not([src]):not(#models):not(#boot)").count() == 0  # no markup from the URL
    assert page.evaluate("digitMorph.model.name") == "mnist"
    assert np.any(pixels(page) < 200)


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
