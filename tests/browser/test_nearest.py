"""The nearest real training images beside the explorer's image (web/static/js/explorer/nearest.js, issue 16):
on every committed model the three shown are real images of the model's shipped index, the three
nearest to the decoded image (as NumPy finds them), nearest first; the index is fetched only once
the box is opened after the first frame, once; a model without an index says so."""
import io
import json
import statistics

import numpy as np
import pytest
from pagetools import COMMITTED, IDLE, METAS, ROOT, SHOWN, pixels
from PIL import Image

DESKTOP = {"width": 1280, "height": 800}


def index_of(name):
    folder = ROOT / "converted_model" / name
    about = json.loads((folder / "neighbours.json").read_text())
    per = about["per_class"]
    sheet = np.asarray(Image.open(io.BytesIO((folder / "neighbours.png").read_bytes())))
    images = sheet.reshape(10, 28, per, 28).transpose(0, 2, 1, 3).reshape(10 * per, 784)
    return about, images


def open_model(browser, site, name, requests):
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    page.on("request", lambda r: "neighbours" in r.url and requests.append(r.url))
    page.goto(f"{site['url']}?model={name}")
    page.evaluate("window.digitMorph.ready")
    return context, page


STATES = [{"mode": "walk", "digit": 3}, {"mode": "walk", "digit": 4.5}, {"mode": "pair", "from": 2, "to": 7, "t": 0.3}]


@pytest.mark.parametrize("name", [n for n in COMMITTED if "neighbours" in METAS[n]])
def test_the_three_shown_are_the_nearest_real_index_images(browser, site, name):
    requests = []
    context, page = open_model(browser, site, name, requests)
    page.evaluate(IDLE)
    assert requests == [], "the index was fetched before the box was opened"
    about, images = index_of(name)
    ink, paper = np.array([20, 24, 40]), np.array([255, 255, 255])  # light mode's colours (draw.js)
    page.click("#nearest-box summary")
    times = []
    for i, state in enumerate(STATES):
        style = [0.5] * METAS[name]["style_dims"]
        style[0] = [0.2, 0.5, 0.9][i]
        page.evaluate("(s) => digitMorph.setState(s)", {**state, "style": style})
        page.evaluate(IDLE)
        shown = page.evaluate(SHOWN)
        decoded = np.array(page.evaluate("() => Array.from(document.getElementById('nearest').lastQuery)"))
        # the image searched for is the one on screen (drawn in light mode: red = 255 - 235 v)
        assert np.abs(255 - 235 * decoded - pixels(page)).max() <= 1
        distances = np.sqrt(((images / 255.0 - decoded[None, :]) ** 2).sum(axis=1))
        expected = np.argsort(distances, kind="stable")[:3]
        assert [s["row"] for s in shown] == list(expected), (state, [s["distance"] for s in shown], distances[expected])
        assert [s["distance"] for s in shown] == pytest.approx(distances[expected], abs=1e-4)
        assert shown[0]["distance"] <= shown[1]["distance"] <= shown[2]["distance"]
        for s in shown:
            cls, col = divmod(s["row"], about["per_class"])
            assert s["source"] == about["source_indices"][cls][col]
            name_of = METAS[name]["class_names"][cls]
            assert s["caption"] == f"{name_of}\n{s['distance']:.2f}"
            assert f"a {name_of} (training image {s['source']}), at distance {s['distance']:.2f}" in s["label"]
            # the thumbnail is that image, drawn in the page's ink on its paper
            drawn = paper[0] + (ink[0] - paper[0]) * images[s["row"]] / 255.0
            assert np.abs(np.array(s["red"]) - drawn).max() <= 1
        times.append(float(page.evaluate("() => document.getElementById('nearest').dataset.ms")))
    note = page.locator("#nearest-note").inner_text()
    assert f"{about['per_class']} per class" in note and "A copy would be at 0" in note
    # the yardstick for the class on screen (the last state's: a 2 -> 7 morph at t = 0.3 is mostly a 2)
    ref = page.locator("#nearest-ref").inner_text()
    two = METAS[name]["class_names"][2]
    assert ref == f"Real {two}s outside the sample: {about['reference']['p50_per_class'][2]:.2f} from their nearest (median)"
    # fetched once each, sprite and json, however many frames followed
    for i in range(30):
        page.evaluate("(d) => digitMorph.setState({ mode: 'walk', digit: d })", (i * 0.31) % 9)
    page.evaluate(IDLE)
    page.evaluate(SHOWN)
    assert sorted(u.rsplit("/", 1)[-1] for u in requests) == ["neighbours.json", "neighbours.png"], requests
    print(f"{name}: search over {len(images)} images {statistics.median(times):.2f} ms (median of {len(times)})")
    context.close()


@pytest.mark.parametrize("name", COMMITTED)
def test_opening_the_box_moves_nothing_else_and_a_model_without_an_index_says_so(browser, site, name):
    requests = []
    context, page = open_model(browser, site, name, requests)
    page.evaluate(IDLE)
    page.click("#nearest-box summary")  # a click: what it opens is excused as following input
    page.wait_for_timeout(600)
    shifts = page.evaluate("""async () => {
        const shifts = [];
        // what this box could cause: a move inside the box, or the sections below pushed up or down
        // (the controls beside it, or a text that only moves sideways, are not its doing)
        const mine = (s) => {
            const el = s.node?.nodeType === 1 ? s.node : s.node?.parentElement;
            return el?.closest('#nearest-box') || (s.previousRect.y !== s.currentRect.y && !el?.closest('.controls'));
        };
        new PerformanceObserver((list) => shifts.push(...list.getEntries().filter((e) => e.sources.some(mine))
            .map((e) => [e.value, e.sources.map((s) => `${s.node?.parentElement?.id || s.node?.parentElement?.className || s.node?.nodeName} `
                + `${s.previousRect.y}->${s.currentRect.y} h ${s.previousRect.height}->${s.currentRect.height}`)])))
            .observe({ type: 'layout-shift' });
        for (let i = 0; i < 20; i++) {
            digitMorph.setState({ digit: (i * 0.37) % 9 });
            await new Promise((r) => setTimeout(r, 60));
        }
        return shifts;
    }""")
    assert shifts == []
    note = page.locator("#nearest-note").inner_text()
    if "neighbours" in METAS[name]:
        assert "A copy would be at 0" in note
    else:
        assert "converted without an index of training images" in page.locator("#nearest-missing").inner_text()
        assert requests == []
        assert page.locator("#nearest").evaluate("(e) => getComputedStyle(e).visibility") == "hidden"
    context.close()
