"""What the browser tests share: paths, the committed models, and reading the drawn digit."""
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
MODEL = ROOT / "converted_model" / "mnist"
COMMITTED = sorted(p.name for p in (ROOT / "converted_model").iterdir() if (p / "meta.json").is_file())
ARTIFACTS = ROOT / "tests" / "artifacts"  # screenshots, to look at

# the explorer's digit as shown (the page's worker draws it: digitMorph.digitPixels asks it), red channel
DIGIT_PIXELS = "async () => (await digitMorph.digitPixels()).filter((_, i) => i % 4 === 0)"
# two animation frames and a task: whatever the last input started is drawn by then
IDLE = "() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(r, 50))))"


def pixels(page):
    page.evaluate(IDLE)
    return np.array(page.evaluate(DIGIT_PIXELS))
