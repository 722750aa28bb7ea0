"""Contact sheets of what training/realism.py measures, to see what its figures mean:
- NAME-grid.png: every class (across) at realism.GRID_STYLES style positions (down, 1st to 99th
  percentile);
- NAME-pad-corners.png (two style values): every class (across) at the pad's four corners (down: both
  axes at the 1st percentile; 1st/99th; 99th/1st; both at the 99th);
- NAME-morphs.png: the morph a -> b at t = 0.5 at the style slider's middle, a down and b across (the
  diagonal is left blank).
Written by python -m training.realism ... --sheet DIR.
"""
import numpy as np

from training import legibility, realism
from training.pipeline import samples
from training.meta import NUM_CLASSES

SCALE = 2  # each pixel drawn as SCALE x SCALE, so the strokes can be seen


def write(decoder, meta, prefix):
    """Write the sheets as PREFIX-grid.png and so on; prefix: a Path (its folder is created)."""
    prefix.parent.mkdir(parents=True, exist_ok=True)
    tables, dims = samples.class_tables(meta), meta["style_dims"]
    sheets = {"grid": (samples.grid_codes(tables, realism.GRID_STYLES), realism.GRID_STYLES)}
    if dims == 2:
        sheets["pad-corners"] = (realism.pure_codes(tables, [(0, 0), (0, 1), (1, 0), (1, 1)]), 4)
    middle = samples.style_at(tables, np.full(dims, legibility.DEFAULT_POSITION))
    pairs = [(a, b) for a in range(NUM_CLASSES) for b in range(NUM_CLASSES)]
    sheets["morphs"] = (np.array([legibility.morph_code(middle, a, b, 0.5) for a, b in pairs], np.float32), NUM_CLASSES)
    for name, (codes, rows) in sheets.items():
        images = decoder.predict(codes, batch_size=500, verbose=0)
        if name == "morphs":
            images[[a == b for a, b in pairs]] = 0  # a -> a is no morph
        image = samples.tile(images, rows, NUM_CLASSES).repeat(SCALE, 0).repeat(SCALE, 1)
        samples.write_png(f"{prefix}-{name}.png", image)
