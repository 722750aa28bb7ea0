"""Your handwriting as a font (issue 37): for every committed model at the explorer's median style, and
for three drawn digits, the font the page makes parses, passes the OpenType Sanitizer, loads with
FontFace and keeps its outlines honest (fontcheck.py); FreeType's rendering of its glyphs, made
MNIST-like, is read by the independent reader (training/reader.py, never the model's own classifier).
One page load per model: the mnist one also checks the lazy loading, the drawings, the downloads and axe."""
import base64
import gzip
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest
from axe_playwright_python.sync_playwright import Axe
from fontcheck import DIGITS, as_mnist, decoded_holes, font_faults, holes, render
from pagetools import COMMITTED, METAS, ROOT

READS_AT_LEAST = 9  # of the ten glyphs, read as themselves
LAZY_BUDGET = 80 * 1000  # the font's code, gzip
BUILD = "async (source) => digitMorph.font.build(source)"
# words only the font's code holds: area.js's, opentype.js's, d3-contour's
MARKERS = [b"traced where the ink crosses", b"When creating a new Font object", b"invalid size"]
OUR_FACES = """() => [...document.fonts].filter((f) => /Morph /.test(f.family))
    .map((f) => [f.family.replace(/^"|"$/g, ''), f.status])"""


@pytest.fixture(scope="module")
def reader():
    from training import reader as reader_lib
    loaded = {}

    def read(dataset, images):
        if dataset not in loaded:
            loaded[dataset] = reader_lib.load(ROOT / reader_lib.FOLDERS[dataset])[0]
        return loaded[dataset].predict(np.stack(images)[..., None], verbose=0).argmax(1)
    return read


def check(page, built, meta, reader, label):
    """The font `built` (digitMorph.font.build's result): its faults, holes and the reader's reads."""
    otf = base64.b64decode(built["otf"])
    faults, _ = font_faults(otf, meta["name"], icons=meta["dataset"] != "mnist")
    assert not faults, f"{label}: " + "\n".join(faults)
    images = np.array(built["images"], np.float32).reshape(10, 28, 28)
    renders = [render(otf, d) for d in DIGITS]
    wrong = [(d, holes(r), decoded_holes(i)) for d, r, i in zip(DIGITS, renders, images) if holes(r) != decoded_holes(i)]
    assert not wrong, f"{label}: holes (glyph, rendered, decoded) differ: {wrong}"
    # the page loaded it, and only it of its fonts
    assert page.evaluate(OUR_FACES) == [[built["family"], "loaded"]]
    assert page.evaluate("(f) => document.fonts.check(`32px \"${f}\"`, '0123456789')", built["family"])
    reads = reader(meta["dataset"], [as_mnist(r) for r in renders])
    right = int(np.sum(reads == np.arange(10)))
    print(f"font {label}: the reader reads {right}/10 ({reads.tolist()}); made in {built['decodeMs']:.0f} + "
          f"{built['fileMs']:.0f} ms, {len(otf)} bytes")
    return right, reads


def test_the_font_of_the_median_style_and_of_three_drawings(open_page, site, reader):
    """mnist: nothing of the font before the page's first digit, its code within budget; the explorer's
    median style and the fonts of the first test 2, 4 and 7 drawn; the text box, the downloads, axe."""
    from helpers import FIXTURE
    requests = []
    watch = open_page("?model=mnist", viewport={"width": 1280, "height": 800}, accept_downloads=True,
                      before=lambda p: p.on("request", lambda r: requests.append(r.url)))
    page = watch.page
    meta = METAS["mnist"]
    before = set(requests)
    assert page.evaluate("digitMorph.font.open()") is True
    built = page.evaluate(BUILD, "explorer")
    dist = Path(site["dist"])
    scripts = lambda urls: {u: (dist / u.split("/", 3)[3]).read_bytes() for u in urls if "/static/js/" in u}
    lazy = scripts(set(requests) - before)
    # the font's code came with it, and none of it with the page's first digit
    assert all(m in b"".join(lazy.values()) for m in MARKERS), list(lazy)
    assert not [(u, m) for u, code in scripts(before).items() for m in MARKERS if m in code]
    weight = sum(len(gzip.compress(code, 9)) for code in lazy.values())
    print(f"font code: {len(lazy)} files, {weight} bytes gzip")
    assert weight <= LAZY_BUDGET, weight
    assert built["family"] == "Digit Morph mnist style 0.50" and built["file"] == "digit-morph-mnist-style-0.50.otf"
    right, reads = check(page, built, meta, reader, "mnist, median style")
    assert right >= READS_AT_LEAST, reads

    test = np.load(FIXTURE)
    for cls in (2, 4, 7):
        digit = test["x_test"][int(np.flatnonzero(test["y_test"] == cls)[0])] / 255.0
        assert page.evaluate("async (d) => (await digitMorph.encodeDrawing(d, 28)).cls", digit.ravel().round(3).tolist()) == cls
        assert page.evaluate("digitMorph.styleRow.make().then((r) => r.cls)") == cls
        drawn = page.evaluate(BUILD, "drawing")
        assert drawn["family"] == f"Digit Morph mnist style of your {cls}"
        right, reads = check(page, drawn, meta, reader, f"mnist, the drawn {cls}")
        assert right >= READS_AT_LEAST, reads

    # on screen: the typed text follows the style, and the downloads are what the page built
    page.locator("#font-box").scroll_into_view_if_needed()
    page.select_option("#font-source", "explorer")
    page.evaluate("digitMorph.setState({ style: [0.2] })")
    page.locator("#font-status").filter(has_text="style 0.20").wait_for()
    # a style dragged on: one build at a time, the newest style next, not one build per step
    builds = page.evaluate("digitMorph.font.builds")
    page.evaluate("() => { for (let u = 0.3; u < 0.71; u += 0.05) digitMorph.setState({ style: [u] }); }")
    page.locator("#font-status").filter(has_text="style 0.70").wait_for()
    assert 1 <= page.evaluate("digitMorph.font.builds") - builds <= 2
    page.evaluate("digitMorph.setState({ style: [0.2] })")
    page.locator("#font-status").filter(has_text="style 0.20").wait_for()
    page.fill("#font-text", "12 345")
    assert page.get_attribute("#font-line", "aria-label") == "12 345, written in the font “Digit Morph mnist style 0.20”"
    ink = page.evaluate("""() => { const c = document.getElementById('font-line');
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let n = 0; for (let i = 3; i < d.length; i += 4) n += d[i] > 128; return n; }""")
    assert ink > 500, ink
    with page.expect_download() as info:
        page.click("#font-otf")
    assert info.value.suggested_filename == "digit-morph-mnist-style-0.20.otf"
    assert font_faults(Path(info.value.path()).read_bytes(), "mnist")[0] == []
    assert page.evaluate(OUR_FACES) == [["Digit Morph mnist style 0.20", "loaded"]]
    assert "Digit Morph mnist style 0.20" in page.evaluate("getComputedStyle(document.getElementById('font-text')).fontFamily")
    with page.expect_download() as info:
        page.click("#font-svg")
    svg = ET.fromstring(Path(info.value.path()).read_bytes())
    assert info.value.suggested_filename.endswith(".svg") and svg.find("{http://www.w3.org/2000/svg}path").get("d").startswith("M")
    found = Axe().run(page).response["violations"]
    assert found == [], [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in found]
    assert watch.errors == []


@pytest.mark.parametrize("name", [n for n in COMMITTED if n != "mnist"])
def test_the_font_of_every_other_model(open_page, reader, name):
    """The explorer's median style; a Fashion-MNIST font is ten clothing icons, read by its own reader
    as a figure (the issue asks the reader's ≥ 9 of 10 of the digit models)."""
    watch = open_page(f"?model={name}")
    page = watch.page
    meta = METAS[name]
    built = page.evaluate(BUILD, "explorer")
    right, reads = check(page, built, meta, reader, f"{name}, median style")
    if meta["dataset"] == "mnist":
        assert right >= READS_AT_LEAST, reads
    else:
        assert page.locator("#font-title").inner_text() == "A style as a font of ten clothing icons"
        # another model: the part's words and glyphs follow it
        page.select_option("#model-picker", "mnist")
        page.locator("#font-status").filter(has_text="“Digit Morph mnist style 0.50”").wait_for()
        assert page.locator("#font-title").inner_text() == "Your handwriting as a font"
    assert watch.errors == []
