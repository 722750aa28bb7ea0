"""The figures below the explorer, for every committed model: training watched (the run's samples
and curves, a scrubber by keyboard), the architecture (from model.json, the frozen classifier
marked, the current code), the baselines and the code as a compressor (from meta.json); loaded only after the first
frame, as they near the viewport; a model without the data says so; no console error."""
import json
import time

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from pagetools import COMMITTED, IDLE, ROOT

LAZY = ("training.json", "training.png")  # (model.json files: the page may load them for its own use)


def meta_of(name):
    return json.loads((ROOT / "converted_model" / name / "meta.json").read_text())


def reveal(page, box, seconds=20):
    """Scroll to the section until it is drawn for the page's model. Scrolled to again: a section
    above it that fills meanwhile can push it back out of view before the page's observer sees it
    (twice in CI, under load); a section that never finishes still fails after `seconds`."""
    deadline = time.monotonic() + seconds
    while True:
        page.locator(f"#{box}").scroll_into_view_if_needed()
        try:
            page.wait_for_function("(box) => document.getElementById(box).dataset.ready === window.digitMorph.model.name",
                                   arg=box, timeout=2_000)
            return page.locator(f"#{box}")
        except PlaywrightTimeout:
            if time.monotonic() > deadline:
                raise


def watch_requests(page):
    seen = []
    page.on("request", lambda r: seen.append(r.url))
    return seen


# Wait until the scrubber's canvas shows sprite frame `frame` (not wait_for_function: it evals a string,
# which the CSP refuses)
SHOWN = """async (frame) => {
    const end = performance.now() + 30000;
    while (document.querySelector('#watched canvas')?.dataset.frame !== String(frame) && performance.now() < end)
        await new Promise((r) => setTimeout(r, 20));
}"""


@pytest.mark.parametrize("name", COMMITTED)
def test_training_watched(open_page, name):
    watch = open_page(f"?model={name}")
    page, meta = watch.page, meta_of(name)
    box = reveal(page, "watched")
    if "training" not in meta:
        assert "without its training record" in box.inner_text()
        assert not watch.errors, watch.errors
        return
    data = json.loads((ROOT / "converted_model" / name / "training.json").read_text())
    slider = box.locator("input[type=range]")
    frames = data["frames"]
    assert slider.get_attribute("max") == str(len(frames) - 1)
    slider.focus()
    page.keyboard.press("Home")
    first = frames[0]
    unit = "epoch" if first["stage"] == "autoencoder" else "round"
    assert slider.get_attribute("aria-valuetext").startswith(f"{unit} 1 of {first['of']}")
    page.keyboard.press("ArrowRight")
    assert box.locator("output").inner_text().startswith(f"{unit} 2 of {first['of']}")
    page.keyboard.press("End")
    last = frames[-1]
    unit = {"refine": "round", "realism": "realism round"}.get(last["stage"], "epoch")
    assert slider.get_attribute("aria-valuetext").startswith(f"{unit} {last['number']} of {last['of']}")
    # the validation figure the scrubber says is the run's own
    curve = data["curves"].get(last["stage"], {})
    val = curve["val_bce_searched"][-1] if unit != "epoch" else data["curves"]["autoencoder"]["val_loss"][-1]
    assert f"validation BCE {val:.4f}" in slider.get_attribute("aria-valuetext")
    # the canvas shows that frame of the sprite (once it has decoded): ink on paper, and another frame differs
    page.evaluate(SHOWN, len(frames) - 1)
    grab = "() => Array.from(document.querySelector('#watched canvas').getContext('2d').getImageData(0, 0, 298, 88).data.filter((_, i) => i % 4 === 0))"
    end = page.evaluate(grab)
    assert min(end) < 80 and max(end) > 200
    page.keyboard.press("Home")
    page.evaluate(SHOWN, 0)
    assert page.evaluate(grab) != end
    assert box.locator("canvas").get_attribute("aria-label").startswith("The ten classes")
    assert box.locator("svg[role=img]").count() >= 1
    assert not watch.errors, watch.errors


@pytest.mark.parametrize("name", COMMITTED)
def test_architecture_marks_the_frozen_classifier_and_shows_the_code(open_page, name):
    watch = open_page(f"?model={name}")
    page, meta = watch.page, meta_of(name)
    box = reveal(page, "architecture")
    box.locator(".arch-details summary").click()  # (the tables stand behind a disclosure, under the drawing)
    captions = box.locator("caption").all_inner_texts()
    assert captions[0].startswith(f"Encoder · {meta['parameters']['encoder']:,} parameters, "
                                  f"{meta['parameters']['classifier']:,} of them frozen")
    assert captions[1].startswith(f"Decoder · {meta['parameters']['decoder']:,} parameters")
    frozen = box.locator("tr.frozen th").all_inner_texts()
    assert frozen and all(n.startswith("cls_") for n in frozen)
    # the style head that ships: the picker of stage 4 where the run chose it (training/pipeline/style_picker.py)
    trained_in = dict(row.split("\t")[0::4] for row in box.locator("tbody").first.locator("tr").all_inner_texts())
    picked = meta.get("style_head", {}).get("shipped") == "picker"
    assert (trained_in.get("style_pick_bins") == "stage 4") == picked and ("style_dense" in trained_in) != picked
    assert all(trained_in[name] == "stages 2 and 4" for name in ("style_pick_norm", "style_pick_dense") if picked)
    assert "28 × 28 × 1" in box.locator("tbody").first.inner_text()
    cells = box.locator(".arch-cell")
    assert cells.count() == meta["code_size"]
    page.evaluate("digitMorph.setState({ mode: 'walk', digit: 3 })")
    page.evaluate(IDLE)
    assert box.locator(".arch-cell.on").all_inner_texts() == [f"{meta['class_names'][3]}\n1.00"]
    assert f"{meta['class_names'][3]} 1.00" in box.locator(".arch-code").get_attribute("aria-label")
    assert not watch.errors, watch.errors


@pytest.mark.parametrize("name", COMMITTED)
def test_compression_chart_comes_from_meta(open_page, name):
    watch = open_page(f"?model={name}")
    page, meta = watch.page, meta_of(name)
    box = reveal(page, "squeeze")
    if "compression" not in meta:
        assert "No compression figures were measured for this model" in box.inner_text()
        assert not watch.errors, watch.errors
        return
    rows = meta["compression"]["rows"]
    assert box.locator(".point").count() == len(rows)
    ours = next(r for r in rows if r.get("ours"))
    assert f"{ours['bits_per_digit']} bits" in box.locator(".point.ours").text_content()
    assert f"BCE {ours['bce']:.4f}" in box.locator("svg[role=img]").get_attribute("aria-label")
    box.locator("summary").click()
    assert box.locator("tbody tr").count() == len(rows)
    assert not watch.errors, watch.errors


@pytest.mark.parametrize("name", COMMITTED)
def test_baselines_scale_shows_each_baseline_and_the_models_bce(open_page, name):
    watch = open_page(f"?model={name}")
    page, meta = watch.page, meta_of(name)
    box = reveal(page, "baselines")
    if "baselines" not in meta:
        assert "No baselines were measured for this model" in box.inner_text()
        assert not watch.errors, watch.errors
        return
    scores, ours = meta["baselines"]["test_bce"], meta["metrics"]["test_bce"]
    assert box.locator(".baseline").count() == len(scores)
    for key, value in scores.items():
        assert box.locator(f'.baseline[data-name="{key}"]').text_content().endswith(f"{value:.4f}")
    assert box.locator("svg .ours").text_content() == f"this model {ours:.4f}"
    label = box.locator("svg[role=img]").get_attribute("aria-label")
    assert f"this model {ours:.4f}" in label and all(f"{v:.4f}" in label for v in scores.values())
    assert f"{meta['baselines']['test_images']:,} test images" in box.locator("figcaption").inner_text()
    # the table, opened from the keyboard: every baseline and the model, highest BCE first
    table = box.locator("details.baselines-details")
    table.locator("summary").focus()
    page.keyboard.press("Enter")
    assert table.get_attribute("open") is not None
    cells = table.locator("tbody td").all_inner_texts()
    assert len(cells) == len(scores) + 1 and cells == sorted(cells, reverse=True)
    assert table.locator("tbody tr.ours").inner_text().split("\t") == ["this model", f"{ours:.4f}"]
    assert not watch.errors, watch.errors


def test_nothing_loads_before_the_first_frame_or_before_it_nears_the_viewport(browser, site):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    seen = watch_requests(page)
    page.goto(site["url"])
    page.evaluate("window.digitMorph.ready")
    page.evaluate(IDLE)
    assert not [u for u in seen if u.endswith(LAZY) or u.endswith("mnist/meta.json")], seen
    reveal(page, "squeeze")
    assert any(u.endswith("mnist/meta.json") for u in seen)
    context.close()


def test_a_model_without_the_data_says_so(browser, site):
    """index.html and meta.json as a model converted before training.json and compression existed."""
    context = browser.new_context()
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))

    def strip_index(route):
        body = route.fetch().text()
        start = body.index('<script type="application/json" id="models">') + len('<script type="application/json" id="models">')
        end = body.index("</script>", start)
        models = json.loads(body[start:end])
        for m in models:
            m.pop("training", None)
        route.fulfill(body=body[:start] + json.dumps(models) + body[end:], content_type="text/html")

    def strip_meta(route):
        meta = route.fetch().json()
        meta.pop("compression", None)
        meta.pop("baselines", None)
        route.fulfill(json=meta)

    page.route(site["url"], strip_index)
    page.route("**/meta.json", strip_meta)
    page.goto(site["url"])
    page.evaluate("window.digitMorph.ready")
    assert "without its training record" in reveal(page, "watched").inner_text()
    assert "No compression figures" in reveal(page, "squeeze").inner_text()
    assert "No baselines were measured" in reveal(page, "baselines").inner_text()
    assert not errors, errors
    context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_nothing_in_the_figures(open_page, scheme):
    from axe_playwright_python.sync_playwright import Axe
    page = open_page("?model=mnist_2style", color_scheme=scheme).page
    for box in ("watched", "architecture", "baselines", "squeeze"):
        reveal(page, box)
    page.locator("#squeeze summary").click()
    page.locator("#baselines summary").click()
    page.locator("#architecture summary").click()
    found = Axe().run(page, context={"include": [["#watched"], ["#architecture"], ["#baselines"],
                                                 ["#squeeze"]]}).response["violations"]
    assert [f"{v['id']}: {[n['target'] for n in v['nodes']][:5]}" for v in found] == []
    page.evaluate("document.getElementById('watched').append(document.createElement('input'))")  # the check can fail
    found = Axe().run(page, context={"include": [["#watched"]]}).response["violations"]
    assert any(v["id"] == "label" for v in found), found
