"""The handwriting font (issue 37): what building one costs and what its code weighs, and the docs' picture.

    python -m bench.font [--model mnist] [--picture docs/font.png]

Building a font is the page's whole path from a style to the .otf file's bytes: the ten classes decoded,
traced, fitted with curves, and opentype.js writing the file; the median of FONT_RUNS styles, on the
page's own backend. Its code is every script the font part loads (none before it is used), gzip -9.
`make bench` measures both with the rest; --picture writes a line of text typed in two styles.
"""
import argparse
import gzip
import io
import json
import statistics
import sys
import tempfile
from pathlib import Path

from PIL import Image

from bench.chromium import WEBGL_FLAGS, launch
from bench.screens import sheet
from bench.site import served
from training import cli

FONT_RUNS = 5
STYLES = (0.3, 0.4, 0.6, 0.7, 0.2)  # a new style each time: nothing built before is reused
BUDGETS = {"build_ms": 1000, "code_gzip": 80 * 1000}
BUILD = "async (source) => digitMorph.font.build(source)"


def measure_font(browser, url, model="mnist"):
    """-> {build_ms: {median, min, max}, code_gzip, code_files} on a fresh page of `model`."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    responses = []
    page.on("response", lambda r: responses.append(r))
    page.goto(f"{url}?autoplay=0#model={model}")
    page.evaluate("window.digitMorph.ready")
    seen = {r.url for r in responses}
    page.evaluate(BUILD, "explorer")  # its code loaded and the decoder's batch of ten seen once
    code = {r.url: len(gzip.compress(r.body(), 9, mtime=0)) for r in responses
            if r.url not in seen and r.url.endswith(".js") and r.status == 200}
    dims = page.evaluate("digitMorph.model.style_dims")
    times = []
    for u in STYLES[:FONT_RUNS]:
        page.evaluate("(style) => digitMorph.setState({ style })", [u] * dims)
        built = page.evaluate(BUILD, "explorer")
        times.append(built["decodeMs"] + built["fileMs"])
    context.close()
    return {"build_ms": {"median": statistics.median(times), "min": min(times), "max": max(times)},
            "code_gzip": sum(code.values()), "code_files": len(code)}


def budgets_failed(font):
    return [f"{what}: {font[what]['median'] if what == 'build_ms' else font[what]:g} (≤ {bound:g} wanted)"
            for what, bound in BUDGETS.items()
            if (font[what]["median"] if what == "build_ms" else font[what]) > bound]


def picture(browser, url, path, text="08.12.2026  19.99", styles=(0.1, 0.9)):
    """The typed line as the page draws it, in two styles of mnist, one above the other, labelled."""
    context = browser.new_context(viewport={"width": 900, "height": 900}, device_scale_factor=2)
    page = context.new_page()
    page.goto(f"{url}?autoplay=0#model=mnist")
    page.evaluate("window.digitMorph.ready")
    page.locator("#font-box").scroll_into_view_if_needed()
    page.fill("#font-text", text)
    shots = []
    for u in styles:
        page.evaluate("(u) => digitMorph.setState({ style: [u] })", u)
        page.locator("#font-status").filter(has_text=f"style {u:.2f}").wait_for()
        page.wait_for_timeout(100)
        family = page.evaluate("digitMorph.font.build('explorer').then((f) => f.family)")
        shots.append((f"“{family}”: the explorer's style slider at {u:.2f}",
                       Image.open(io.BytesIO(page.locator("#font-line").screenshot())).convert("RGB")))
    context.close()
    sheet(shots, path, width=max(im.width for _, im in shots), across=False, label_height=28)


def arguments(argv):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", default="mnist")
    ap.add_argument("--picture", help="also write the picture of a line typed in two styles here (PNG)")
    return ap.parse_args(argv)


@cli.main
def main(argv=None):
    args = arguments(argv)
    from playwright.sync_api import sync_playwright
    with tempfile.TemporaryDirectory() as tmp, served(Path(tmp) / "dist") as url:
        with sync_playwright() as p:
            browser = launch(p, WEBGL_FLAGS)
            font = measure_font(browser, url, args.model)
            if args.picture:
                picture(browser, url, args.picture)
            browser.close()
    print(json.dumps(font, indent=2))
    failed = budgets_failed(font)
    for line in failed:
        print(f"BUDGET FAILED: font {line}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
