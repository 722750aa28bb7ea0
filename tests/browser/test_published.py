"""The site holds what the page loads and nothing foreign (issue 33, item 2): every request the page
makes, lazy ones included, is a file of the built site, and outside models/ and vendor/ (each checked
file by file by build.py) the site holds only build.STATIC and what the build generates."""
import re
from pathlib import Path
from urllib.parse import urlparse

import build
from pagetools import COMMITTED

SCROLL_DOWN = """async () => {  // by screens, so every figure that loads near the viewport loads
    for (let y = 0; y < document.body.scrollHeight; y += innerHeight / 2) {
        scrollTo(0, y);
        await new Promise((r) => setTimeout(r, 150));
    }
}"""
SETTLED = """async () => {
    const t0 = performance.now();
    while (digitMorph.loading && performance.now() - t0 < 60000) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 500));
}"""
GENERATED = {"index.html", ".nojekyll", build.SITE_MARKER, *build.LEGAL}
BUNDLED = re.compile(r"static/js/(main|worker|chunk-[A-Z0-9]+)\.js")  # web/runtime/build.mjs's output


def test_every_request_is_a_file_of_the_site_and_the_site_holds_nothing_else(browser, site):
    dist = Path(site["dist"])
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    requests, answers = [], {}
    page.on("request", lambda r: requests.append(r.url))
    page.on("response", lambda r: answers.__setitem__(r.url, r.status))
    try:
        page.goto(site["url"])
        page.evaluate("digitMorph.ready")
        page.evaluate(SCROLL_DOWN)  # the story's figures, the atlas, the reader (and so the encoder)
        page.click("#nearest-box summary")  # the index of real training images
        page.evaluate("(d) => digitMorph.encode(d)", [[0.0] * 784])
        with page.expect_download(timeout=60_000):
            page.click("#export-gif")  # gifenc
        # (not webgl: a software renderer here, slow; test_runtime loads every model on every backend)
        for backend in ("cpu", "wasm"):  # (wasm last: the models below load faster on it)
            page.evaluate("(b) => digitMorph.setBackend(b)", backend)
            page.evaluate(SETTLED)
        for name in COMMITTED:
            page.select_option("#model-picker", name)
            page.evaluate(SETTLED)
    finally:
        context.close()
    origin = site["url"].rstrip("/")
    assert [u for u in requests if not u.startswith(origin)] == [], "requests off the site"
    paths = {urlparse(u).path.lstrip("/") or "index.html" for u in requests}
    assert [p for p in paths if not (dist / p).is_file()] == [], "requests for files the site does not hold"
    assert {u: s for u, s in answers.items() if s != 200} == {}
    # the requests reached the lazy parts: the encoder, the neighbours, gifenc, every backend and model
    for wanted in ("encoder/model.json", "neighbours.png", "atlas1.png", "training.png", "vendor/gifenc/gifenc.esm.js",
                   "backend-wasm.js", ".wasm", "backend-cpu.js", *(f"models/{n}/decoder/model.json" for n in COMMITTED)):
        assert any(p.endswith(wanted) for p in paths), wanted

    held = {str(p.relative_to(dist)) for p in dist.rglob("*") if p.is_file()}
    others = {p for p in held if not p.startswith(("models/", "vendor/"))}
    assert sorted(p for p in others - GENERATED - {f"static/{rel}" for rel in build.STATIC}
                  if not BUNDLED.fullmatch(p)) == []
    assert {f"static/{rel}" for rel in build.STATIC} <= paths, "an allow-listed file the page never loads"
