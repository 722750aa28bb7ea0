"""Below the explorer (issue 35 items 8 and 9): every grid labelled on both axes and, wider than its
box, scrolling inside a labelled area with a sign that it does (the page never pans sideways); the
digit PNG as crisp as the screen shows it; each section opening with the sentence it proves, its
figures read from the model's files when drawn; the architecture drawn, its table behind a
disclosure; the charts as wide as their card. One page load for each."""
import io
import json

import numpy as np
from PIL import Image
from pagetools import IDLE, ROOT
from test_story import reveal

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 3, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1280, "height": 800}}
META = json.loads((ROOT / "converted_model" / "mnist" / "meta.json").read_text())
RECORD = json.loads((ROOT / "converted_model" / "mnist" / "training.json").read_text())

# each label's centre and the centre of the cell it names, across (columns) or down (rows)
ALIGNED = """(wrap) => {
    const box = (e) => e.getBoundingClientRect();
    const cells = document.querySelectorAll(`#${wrap} [role=row]`);
    const cols = [...document.querySelectorAll(`#${wrap} .col-labels span`)].map((s, c) => [
        box(s).left + box(s).width / 2, box(cells[0].children[c]).left + box(cells[0].children[c]).width / 2]);
    const rows = [...document.querySelectorAll(`#${wrap} .row-labels span`)].map((s, r) => [
        box(s).top + box(s).height / 2, box(cells[r].children[0]).top + box(cells[r].children[0]).height / 2]);
    return [...cols, ...rows].every(([a, b]) => Math.abs(a - b) < 1.5);
}"""


def labels(page, wrap, axis):
    return page.locator(f"#{wrap} .{axis}-labels span").all_inner_texts()


def test_grids_are_labelled_scroll_in_their_own_area_and_the_digit_png_is_as_crisp_as_the_screen(open_page, tmp_path):
    page = open_page("?autoplay=0", accept_downloads=True, **PHONE).page
    names = META["class_names"]
    assert labels(page, "grid-wrap", "col") == names
    rows = labels(page, "grid-wrap", "row")
    assert (len(rows), rows[0], rows[5], rows[-1]) == (11, "1st", "50th", "99th")
    assert page.evaluate(ALIGNED, "grid-wrap")
    assert page.locator("#grid-wrap .grid-scroll[role=region]").get_attribute("aria-label")
    assert page.locator("#grid-cells [role=gridcell]").first.bounding_box()["width"] >= 24
    # the widest grid: wider than a phone, it scrolls inside its labelled area and says so
    page.select_option("#grid-steps", "5")
    page.locator('#grid8-wrap[data-drawn="mnist:5"][aria-busy="false"]').wait_for(timeout=60_000)
    area = page.locator("#grid8-wrap .grid-scroll[role=region]")
    area.scroll_into_view_if_needed()
    assert area.get_attribute("aria-label")
    cols = labels(page, "grid8-wrap", "col")
    assert len(cols) == 55 and cols[::6] == names and set(cols) - set(names) == {""}
    assert page.evaluate(ALIGNED, "grid8-wrap")
    cell = page.locator("#grid8-cells [role=gridcell]").first.bounding_box()
    assert cell["width"] >= 24 and cell["height"] >= 24, cell
    wide = "(e) => [e.scrollWidth, e.clientWidth, document.documentElement.scrollWidth]"
    inner, shown, whole = area.evaluate(wide)
    assert inner > shown and whole <= 390, (inner, shown, whole)
    assert page.locator("#grid8-wrap .scroll-hint").is_visible()
    assert "more-right" in page.locator("#grid8-wrap").get_attribute("class")
    area.evaluate("(e) => { e.scrollLeft = e.scrollWidth; }")
    page.locator("#grid8-wrap:not(.more-right)").wait_for()
    label = page.locator("#grid8-wrap .row-labels").bounding_box()  # (the row labels stay in view)
    assert label["x"] >= area.bounding_box()["x"] - 1
    # the digit PNG: 28 x 28 blocks of k x k pixels, k >= 8, at least as sharp as the screen shows the digit
    page.evaluate("digitMorph.setState({ mode: 'walk', digit: 3 })")
    with page.expect_download(timeout=60_000) as info:
        page.click("#export-digit")
    info.value.save_as(tmp_path / "digit.png")
    png = np.array(Image.open(io.BytesIO((tmp_path / "digit.png").read_bytes())).convert("L")).astype(int)
    k = png.shape[0] // 28
    assert png.shape == (28 * k, 28 * k) and k >= 8, png.shape
    blocks = png.reshape(28, k, 28, k)
    assert (blocks.max(axis=(1, 3)) == blocks.min(axis=(1, 3))).all(), "each pixel a k x k block"
    assert blocks[:, 0, :, 0].min() < 60 < 200 < blocks[:, 0, :, 0].max()
    shown_px = page.evaluate("document.getElementById('digit').getBoundingClientRect().width * devicePixelRatio")
    assert 28 * k >= shown_px, (k, shown_px)


def retrained(route):
    """meta.json as a retrained model would write it: other figures, which the sentences must follow."""
    meta = route.fetch().json()
    meta["metrics"]["test_bce"] = 0.1234
    next(r for r in meta["compression"]["rows"] if r["codec"].startswith("PNG"))["bits_per_digit"] = 1500.4
    meta["realism"]["test"]["in_betweens"]["fd"] = 12.34
    route.fulfill(json=meta)


SECTIONS = ["grid-box", "own-box", "meaning-box", "story-box"]
# the sentence a section opens with: the paragraph after its heading, or its drawn body's first
LEADS = """(classes) => [...document.querySelectorAll(classes.map((c) => `main > section.${c}`).join(', '))].map((s) => {
    const next = s.querySelector('h2').nextElementSibling;
    const lead = next.matches('p.lead') ? next : next.firstElementChild;
    return lead?.matches('p.lead') ? lead.textContent : `no lead in ${s.getAttribute('aria-labelledby')}`;
})"""


# a figure's box width, then each of its charts' drawn width (its viewBox) and shown width
CHART_WIDTHS = """(id) => [document.getElementById(id).clientWidth,
    ...[...document.querySelectorAll(`#${id} svg.plot`)].map((s) => [s.viewBox.baseVal.width, s.getBoundingClientRect().width])]"""


def test_the_sections_below_open_with_what_they_prove_from_the_models_own_files(open_page):
    watch = open_page("?autoplay=0&model=mnist", before=lambda p: p.route("**/models/mnist/meta.json", retrained), **DESKTOP)
    page = watch.page
    for box in ("watched", "architecture", "baselines", "squeeze"):
        reveal(page, box)
    leads = page.evaluate(LEADS, SECTIONS)
    assert len(leads) == 7 and all(len(text) > 40 and not text.startswith("no lead") for text in leads), leads
    watched, architecture, baselines, squeeze = leads[3:]
    last = "realism" if "realism" in RECORD["curves"] else "refine"
    points = RECORD["curves"]["autoencoder"]["val_loss"][0], RECORD["curves"][last]["val_bce_searched"][-1]
    unit = "realism round" if last == "realism" else "round"
    assert f"fell from {points[0]:.4f} after the first epoch to {points[1]:.4f} after the last {unit}" in watched, watched
    assert f"{RECORD['curves']['classifier']['val_accuracy'][-1] * 100:.2f}% validation accuracy" in watched
    assert f"An encoder of {META['parameters']['encoder']:,} parameters" in architecture
    assert f"into {META['code_size']} numbers" in architecture and f"a decoder of {META['parameters']['decoder']:,}" in architecture
    pca = META["baselines"]["test_bce"]["PCA, 11 components"]
    assert baselines.startswith("This model reconstructs the test images closer than every rule") and \
        f"0.1234 against {pca:.4f}" in baselines, baselines
    realism = page.locator("#baselines .realism")
    assert "at a distance of 12.3 from real handwriting" in realism.locator("p").inner_text()
    assert realism.locator("tbody tr").count() == 3  # the grid, the in-betweens, real digits
    assert squeeze.startswith("Stored as its code, a test image takes 12 bits") and "1,500 (PNG)" in squeeze, squeeze
    # the architecture drawn: encoder, then the code of 10 + k numbers, then the decoder; the table behind a disclosure
    box = page.locator("#architecture")
    order = box.evaluate("(b) => [...b.querySelector('.arch-diagram').children].map((e) => e.className)")
    assert order[:3] == ["arch-part", "arch-code-box", "arch-part"], order
    assert box.locator(".arch-cell").count() == META["code_size"]
    assert box.locator(".arch-lane-name").all_inner_texts() == ["classifier (frozen) → 10", "style head → 1"]
    assert box.locator(".arch-block").count() >= 15
    assert not box.locator("table").first.is_visible()
    box.locator(".arch-details summary").click()
    assert box.locator("table").first.is_visible()
    # each chart as wide as its card, drawn for that width (its text at its size), on a narrower screen too
    for viewport in ({"width": 1280, "height": 800}, {"width": 700, "height": 800}):
        page.set_viewport_size(viewport)
        page.evaluate(IDLE)
        for chart in ("watched", "baselines", "squeeze"):
            widths = page.evaluate(CHART_WIDTHS, chart)
            assert len(widths) > 1 and all(abs(w - widths[0]) <= 1 for pair in widths[1:] for w in pair), (chart, widths)
    assert not watch.errors, watch.errors
