"""What the browser tests share: paths, the committed models, and reading the drawn digit."""
import json
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
MODEL = ROOT / "converted_model" / "mnist"
COMMITTED = sorted(p.name for p in (ROOT / "converted_model").iterdir() if (p / "meta.json").is_file())
ARTIFACTS = ROOT / "tests" / "artifacts"  # screenshots, to look at
METAS = {name: json.loads((ROOT / "converted_model" / name / "meta.json").read_text()) for name in COMMITTED}

# the explorer's digit as shown (the page's worker draws it: digitMorph.digitPixels asks it), red channel
DIGIT_PIXELS = "async () => (await digitMorph.digitPixels()).filter((_, i) => i % 4 === 0)"
# two animation frames and a task: whatever the last input started is drawn by then
IDLE = "() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(r, 50))))"


def pixels(page):
    page.evaluate(IDLE)
    return np.array(page.evaluate(DIGIT_PIXELS))


def switch_model(page, name):
    """Pick another model in the page's picker and wait until the page shows it."""
    page.select_option("#model-picker", name)
    page.evaluate("""async (name) => {  // (not wait_for_function: it evals a string, the CSP refuses)
        while (digitMorph.loading || digitMorph.model?.name !== name) await new Promise((r) => setTimeout(r, 20));
    }""", name)


# the three figures once they show the search for the newest decoded image
SHOWN = """async () => {
    const box = document.getElementById('nearest');
    for (let i = 0; i < 400; i++) {
        await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 20)));
        const figs = [...box.querySelectorAll('figure')];
        if (figs.every((f) => f.dataset.row !== undefined) && box.dataset.frame === box.dataset.decoded) {
            return figs.map((f) => ({
                row: Number(f.dataset.row), source: Number(f.dataset.source), distance: Number(f.dataset.distance),
                caption: f.querySelector('figcaption').textContent, label: f.querySelector('canvas').getAttribute('aria-label'),
                red: Array.from(f.querySelector('canvas').getContext('2d').getImageData(0, 0, 28, 28).data.filter((_, i) => i % 4 === 0)),
            }));
        }
    }
    throw new Error('the nearest images were not shown');
}"""
