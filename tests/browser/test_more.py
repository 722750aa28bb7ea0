"""Issue 16, on every committed model: the grid with in-between columns (inbetween_grid.js), the reader along
the way (classifier.js) and your style on every class (stylerow.js)."""
import io

import numpy as np
import pytest
from pagetools import COMMITTED, IDLE, METAS
from PIL import Image

from training.export import analysis, style_levels

# classes of ten the reader may read as another (see the reader test)
MISREADS = {"mnist": 0, "fashion_mnist": 1}
CANVAS = """(id) => { const c = document.getElementById(id);
    return [c.width, c.height, Array.from(c.getContext('2d').getImageData(0, 0, c.width, c.height).data.filter((_, i) => i % 4 === 0))]; }"""


def canvas_cells(page, canvas_id):
    """The canvas as [rows][columns] of 28 x 28 grey cells (2 px gaps)."""
    w, h, grey = page.evaluate(CANVAS, canvas_id)
    img = np.array(grey, float).reshape(h, w)
    cols, rows = (w + 2) // 30, (h + 2) // 30
    return np.array([[img[r * 30:r * 30 + 28, c * 30:c * 30 + 28] for c in range(cols)] for r in range(rows)])


def median_code(meta, cls):
    """Class `cls` at its median style."""
    code = [0.0] * (10 + meta["style_dims"])
    code[cls] = 1.0
    code[10:] = meta["style_percentiles_per_class"][str(cls)]["50"]
    return code


def wait_until(page, condition, seconds=60):
    """Poll a JS condition (wait_for_function would evaluate a string, which the page's CSP refuses)."""
    page.evaluate(f"""async () => {{
        for (const end = performance.now() + {seconds * 1000}; !({condition});) {{
            if (performance.now() > end) throw new Error('timed out waiting for the condition');
            await new Promise((r) => setTimeout(r, 20));
        }}
    }}""")


def download(page, button):
    with page.expect_download(timeout=60_000) as info:
        page.click(button)
    return info.value.suggested_filename, Image.open(io.BytesIO(open(info.value.path(), "rb").read()))


@pytest.mark.parametrize("name", COMMITTED)
def test_the_grid_with_in_between_columns(open_page, name):
    watch = open_page(f"?model={name}")
    page = watch.page
    names = METAS[name]["class_names"]
    page.select_option("#grid-steps", "3")
    page.locator(f'#grid8-wrap[data-drawn="{name}:3"][aria-busy="false"]').wait_for(timeout=60_000)
    assert page.locator("#grid").is_hidden() and page.locator("#grid8").is_visible()
    assert page.locator("#grid8-cells [role=row]").count() == 11
    assert page.locator("#grid8-cells [role=gridcell]").count() == 11 * 37
    cells = canvas_cells(page, "grid8")
    assert cells.shape[:2] == (11, 37)
    # every in-between column differs from both neighbours; the middle of a morph from both ends
    diff = np.abs(cells[:, 1:] - cells[:, :-1]).mean(axis=(2, 3))  # [row, column boundary]
    assert diff.min() > 1.0, diff.min()
    assert np.abs(cells[:, 2] - cells[:, 0]).mean() > 5 and np.abs(cells[:, 2] - cells[:, 4]).mean() > 5
    # whole columns are the classes' grid (drawn by render.js, hidden now)
    classic = canvas_cells(page, "grid")
    assert np.abs(cells[:, ::4] - classic).max() <= 3
    # keyboard: one tab stop, arrows, End, Enter explores the mixture
    first = page.locator("#grid8-cells [tabindex='0']")
    assert first.count() == 1
    first.focus()
    for key in ["ArrowRight", "ArrowRight", "ArrowDown"]:
        page.keyboard.press(key)
    focused = page.evaluate("document.activeElement.getAttribute('aria-label')")
    assert focused.startswith(f"50 % {names[0]}, 50 % {names[1]}, ") and focused.endswith(" percentile of style"), focused
    page.keyboard.press("Enter")
    state = page.evaluate("digitMorph.state")
    assert (state["mode"], state["digit"], state["from"], state["to"], state["t"]) == ("walk", 0.5, 0, 1, 0.5)
    assert state["style"] == [0.1] * METAS[name]["style_dims"]
    assert page.locator("#grid8-cells [aria-selected=true]").count() == 1 and page.locator("#grid8-mark").is_visible()
    assert page.evaluate("document.activeElement.id") == "digit-slider"  # Enter takes the focus to the explorer
    page.locator("#grid8-cells [tabindex='0']").focus()  # (the grid's tab stop is the cell last used)
    page.keyboard.press("End")
    assert page.evaluate("document.activeElement.getAttribute('aria-label')").startswith(f"{names[9]}, ")
    # exported as the page shows it
    filename, png = download(page, "#export-grid")
    assert filename == "grid-3-between.png" and png.size == ((37 * 30 - 2) * 3, (11 * 30 - 2) * 3)
    # one mixture between neighbours: 19 columns; back to the classes alone
    page.select_option("#grid-steps", "1")
    page.locator(f'#grid8-wrap[data-drawn="{name}:1"][aria-busy="false"]').wait_for(timeout=60_000)
    assert canvas_cells(page, "grid8").shape[:2] == (11, 19)
    page.select_option("#grid-steps", "0")
    assert page.locator("#grid").is_visible() and page.locator("#grid8-wrap").is_hidden()
    assert watch.errors == []


@pytest.mark.parametrize("name", COMMITTED)
def test_the_reader_reads_the_frames_and_the_morph(open_page, name):
    watch = open_page(f"?model={name}")
    page = watch.page
    meta = METAS[name]
    names = meta["class_names"]
    page.locator("#reader-box").scroll_into_view_if_needed()  # (it loads once seen)
    assert page.evaluate("digitMorph.reader.loaded") is True
    # a pure class's code reads as that class, for every class (of Fashion-MNIST, whose decoder was trained
    # without the critic, one class at most: its median sandal reads as an ankle boot)
    reads = [int(np.argmax(page.evaluate("async (c) => digitMorph.reader.read(await digitMorph.decode([c]))",
                                         median_code(meta, cls)))) for cls in range(10)]
    assert sum(r != cls for cls, r in enumerate(reads)) <= MISREADS[meta["dataset"]], reads
    # the explorer's frame is read as it is drawn
    a, b = 3, 8
    page.evaluate("digitMorph.setState({ mode: 'walk', digit: 3 })")
    wait_until(page, "digitMorph.reader.reading?.cls === 3")
    assert page.locator("#reader-text").inner_text().startswith(f"reads as {names[3]} · ")
    page.locator("#reader-live").filter(has_text=f"reads as {names[3]}").wait_for()
    # along a -> b: P(a) falls, P(b) rises; the strip is made once, not per frame
    page.evaluate(f"digitMorph.setState({{ mode: 'pair', from: {a}, to: {b}, t: 0 }})")
    wait_until(page, f"digitMorph.reader.strip?.a === {a} && digitMorph.reader.strip?.b === {b}")
    strip = page.evaluate("digitMorph.reader.strip")
    pa, pb = np.array(strip["pa"]), np.array(strip["pb"])
    assert len(pa) == 21 and pa[0] > 0.5 > pa[-1] and pb[0] < 0.5 < pb[-1], (pa, pb)
    assert pa[:10].mean() > pa[11:].mean() + 0.3 and pb[:10].mean() + 0.3 < pb[11:].mean(), (pa, pb)
    text = page.locator("#reader-strip-text").inner_text()  # in plain words; the canvas's text says more
    assert text.startswith(f"Reads {names[a]} up to t = "), text
    said = page.locator("#reader-strip").get_attribute("aria-label")
    assert said.startswith(f"{names[a]} → {names[b]}: read as {names[a]} for t 0–"), said
    made = page.evaluate("digitMorph.reader.made")
    page.locator("#morph-slider").focus()
    for _ in range(3):
        page.keyboard.press("ArrowRight")  # (a tenth of the way a press)
    page.evaluate(IDLE)
    label = page.locator("#reader-strip").get_attribute("aria-label")
    assert label.startswith(said.split(" Now at")[0]) and label.endswith("Now at t = 0.3."), label
    page.wait_for_timeout(400)
    assert page.evaluate("digitMorph.reader.made") == made, "moving t does not remake the strip"
    page.keyboard.press("End")
    wait_until(page, f"digitMorph.reader.reading?.cls === {b}")
    assert watch.errors == []


def test_the_reader_loads_only_once_it_is_on_screen(open_page):
    watch = open_page(viewport={"width": 390, "height": 500})
    page = watch.page
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    page.wait_for_timeout(1500)
    assert not [u for u in requests if "/encoder/" in u], "the encoder is not part of the first load"
    assert page.locator("#reader-text").inner_text() == "Reads once in view."
    page.locator("#reader-box").scroll_into_view_if_needed()
    assert page.evaluate("digitMorph.reader.loaded") is True
    wait_until(page, "digitMorph.reader.reading !== null")
    assert watch.errors == []


@pytest.mark.parametrize("name", COMMITTED)
def test_your_style_on_every_class(open_page, name):
    watch = open_page(f"?model={name}")
    page = watch.page
    meta = METAS[name]
    assert page.is_disabled("#own-row-make")
    # a drawing: class 2 as the model draws it a little below its median style
    code = median_code(meta, 2)
    code[10:] = [(lo + mid) / 2 for lo, mid in zip(meta["style_percentiles_per_class"]["2"]["25"], code[10:])]
    drawing = page.evaluate("async (c) => Array.from(await digitMorph.decode([c]))", code)
    result = page.evaluate("async (d) => digitMorph.encodeDrawing(d, 28)", drawing)
    assert result["cls"] == 2
    button = page.locator("#own-row-make")
    assert button.inner_text() == ("Your style on every digit" if meta["dataset"] == "mnist" else "Your style on every class")
    button.focus()
    page.keyboard.press("Enter")
    page.locator("#own-row-status").filter(has_text="Each class at").wait_for()
    row = page.evaluate("digitMorph.styleRow.row")
    assert len(row["codes"]) == 10 and row["cls"] == 2
    # the drawing's slant and width, measured as training measures them; its own class as stored, every
    # other at the stored style training's side of the rule picks (training/export/style_levels.py)
    drawn = analysis.traits(np.array(page.evaluate("Array.from(digitMorph.drawing.pixels)")).reshape(1, 28, 28))
    assert row["slant"] == pytest.approx(drawn["slant"][0], abs=1e-6) and row["width"] == drawn["width"][0]
    status = page.locator("#own-row-status").inner_text()
    assert status.startswith("Each class at the stored style nearest your drawing's slant (") and \
        f"then its width ({row['width']} pixels); class {meta['class_names'][2]} as your drawing is stored." in status
    assert row["levels"][2] == result["levels"]
    expected = style_levels.row_levels(meta, meta["level_traits"], row["slant"], row["width"])
    assert [q for c, q in enumerate(row["levels"]) if c != 2] == [q for c, q in enumerate(expected) if c != 2]
    # ten images, each read as its class; together they lean as the drawing does
    cells = canvas_cells(page, "own-row")
    assert cells.shape[:2] == (1, 10)
    images = np.array(row["pixels"]).reshape(10, 784)
    assert abs(analysis.traits(images.reshape(10, 28, 28))["slant"].mean() - row["slant"]) < 0.1
    reads = [int(np.argmax(page.evaluate("(p) => digitMorph.reader.read(p)", img.tolist()))) for img in images]
    assert sum(r != cls for cls, r in enumerate(reads)) <= MISREADS[meta["dataset"]], reads
    filename, png = download(page, "#own-row-png")
    assert filename == "your-style.png" and png.size == ((10 * 30 - 2) * 4, 28 * 4)
    assert watch.errors == []


def test_a_model_converted_without_the_rows_table_says_how_to_add_it(open_page):
    meta = {k: v for k, v in METAS["mnist"].items() if k != "level_traits"}
    watch = open_page("?model=mnist", before=lambda p: p.route("**/models/mnist/meta.json", lambda r: r.fulfill(json=meta)))
    page = watch.page
    drawing = page.evaluate("async (c) => Array.from(await digitMorph.decode([c]))", median_code(meta, 4))
    page.evaluate("async (d) => digitMorph.encodeDrawing(d, 28)", drawing)
    page.click("#own-row-make")
    page.locator("#own-row-status").filter(has_text="converted without").wait_for()
    assert page.locator("#own-row-status").inner_text() == (
        "This model was converted without the table the row picks from; "
        "python -m training.style_row converted_model/mnist --write adds it.")
    assert page.locator("#own-row").is_hidden() and page.is_disabled("#own-row-png")
    assert watch.errors == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_nothing_in_the_three_features(open_page, scheme):
    from test_axe import violations
    watch = open_page("?model=mnist_2style", color_scheme=scheme, viewport={"width": 1280, "height": 800})
    page = watch.page
    page.select_option("#grid-steps", "3")
    page.evaluate("digitMorph.setState({ mode: 'pair', from: 4, to: 9, t: 0.4 })")
    page.locator("#reader-box").scroll_into_view_if_needed()  # (it loads once seen)
    wait_until(page, "digitMorph.reader.strip?.a === 4")
    drawing = page.evaluate("async (c) => Array.from(await digitMorph.decode([c]))", median_code(METAS["mnist_2style"], 7))
    page.evaluate("async (d) => digitMorph.encodeDrawing(d, 28)", drawing)
    page.click("#own-row-make")
    page.locator("#own-row-status").filter(has_text="Each class at").wait_for()
    page.locator('#grid8-wrap[aria-busy="false"]').wait_for()
    page.evaluate(IDLE)
    assert violations(page) == []
    assert watch.errors == []


def test_another_model_redraws_the_grid_and_reloads_the_reader(open_page):
    if "fashion" not in COMMITTED:
        pytest.skip("needs the fashion model")
    watch = open_page("?model=mnist")
    page = watch.page
    page.select_option("#grid-steps", "3")
    page.locator('#grid8-wrap[data-drawn="mnist:3"][aria-busy="false"]').wait_for(timeout=60_000)
    drawing = page.evaluate("async (c) => Array.from(await digitMorph.decode([c]))", median_code(METAS["mnist"], 4))
    page.evaluate("async (d) => digitMorph.encodeDrawing(d, 28)", drawing)
    page.click("#own-row-make")
    page.locator("#own-row").wait_for()
    page.select_option("#model-picker", "fashion")
    page.locator('#grid8-wrap[data-drawn="fashion:3"][aria-busy="false"]').wait_for(timeout=60_000)
    label = page.locator("#grid8-cells [role=gridcell]").nth(2).get_attribute("aria-label")
    assert label.startswith("50 % T-shirt/top, 50 % Trouser, "), label
    wait_until(page, "document.getElementById('reader-box').dataset.loaded?.startsWith('fashion@')")
    page.evaluate("digitMorph.setState({ mode: 'walk', digit: 1 })")
    wait_until(page, "digitMorph.reader.reading?.cls === 1")
    assert page.locator("#reader-text").inner_text().startswith("reads as Trouser · ")
    assert page.locator("#own-row-make").inner_text() == "Your style on every class"
    assert watch.errors == []
