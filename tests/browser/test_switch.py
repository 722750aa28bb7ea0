"""Switching backend or model (issue 15 item 4): the page says it is busy, never shows the old
backend's decode time under the new name, says when WebGL is a software renderer, and an export
asked for meanwhile waits for the model instead of failing."""
from pagetools import IDLE

WATCH_STATUS = """() => {
    window.texts = [];
    window.busy = [];
    const status = document.getElementById('status'), pickers = document.querySelector('.pickers');
    new MutationObserver(() => window.texts.push(status.textContent))
        .observe(status, { childList: true, characterData: true, subtree: true });
    new MutationObserver(() => window.busy.push(pickers.getAttribute('aria-busy')))
        .observe(pickers, { attributes: true, attributeFilter: ['aria-busy'] });
}"""
WAIT_IDLE = """async () => {  // (not wait_for_function: it evals a string, the CSP refuses)
    const t0 = performance.now();
    while (digitMorph.loading && performance.now() - t0 < 60000) await new Promise((r) => setTimeout(r, 20));
}"""


def test_a_backend_switch_is_busy_until_done_and_names_a_software_renderer(open_page):
    watch = open_page()  # wasm: headless Chromium's WebGL is SwiftShader, a software renderer
    page = watch.page
    page.evaluate(IDLE)
    assert page.evaluate("digitMorph.webgl.software") is True
    assert page.locator("#backend-picker option[value=webgl]").inner_text() == "WebGL (software, slow)"
    page.evaluate(WATCH_STATUS)
    page.select_option("#backend-picker", "webgl")
    page.evaluate(WAIT_IDLE)
    page.evaluate(IDLE)
    texts, busy = page.evaluate("window.texts"), page.evaluate("window.busy")
    assert busy == ["true", "false"], busy  # busy at once, until the new backend has drawn
    # first it says what it does, then the new backend's own times, never the old backend's
    assert texts[0] == "wasm · starting webgl…", texts
    first_time = next(i for i, t in enumerate(texts) if "last decode" in t)
    assert all(t.startswith("webgl") for t in texts[first_time:]), texts
    assert all("loading" not in t and "starting" not in t for t in texts[first_time:]), texts
    assert page.get_attribute(".pickers", "aria-busy") == "false"
    assert page.get_attribute(".viewer", "aria-busy") == "false"
    assert page.locator("#status").inner_text().startswith("webgl (software renderer) · last decode")
    assert watch.errors == []


def test_an_export_asked_for_while_a_model_loads_waits_for_it(open_page):
    watch = open_page()
    page = watch.page
    page.evaluate(IDLE)
    with page.expect_download(timeout=60000) as download:
        loading = page.evaluate("""() => {
            const picker = document.getElementById('model-picker');
            picker.value = 'fashion';
            picker.dispatchEvent(new Event('change'));
            document.getElementById('export-gif').click();
            return digitMorph.loading;
        }""")
    assert loading is True
    assert download.value.suggested_filename == "digit-morph.gif"
    page.locator("#export-status").filter(has_text="saved").wait_for()
    assert page.locator("#export-status").inner_text() == "GIF saved"
    assert watch.errors == []
