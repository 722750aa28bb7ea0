"""Contact sheets of what training/realism.py measures, to see what its figures mean (written by
python -m training.realism ... --sheet DIR): NAME-grid.png, every class (across) at the grid's style
positions (down); NAME-pad-corners.png (two style values), every class at the pad's four corners;
NAME-morphs.png, the morph a -> b at t = 0.5 at the style slider's middle, a down and b across (the
diagonal left blank). realism.py builds the codes; this module only draws them.
"""
import numpy as np

from training.pipeline import samples
from training.contract import NUM_CLASSES

SCALE = 2  # each pixel drawn as SCALE x SCALE, so the strokes can be seen


def write(decoder, sheets, prefix):
    """Write {name: (codes, rows)} as PREFIX-name.png; prefix: a Path (its folder is created)."""
    prefix.parent.mkdir(parents=True, exist_ok=True)
    for name, (codes, rows) in sheets.items():
        images = decoder.predict(codes, batch_size=500, verbose=0)
        if name == "morphs":
            pairs = [(a, b) for a in range(NUM_CLASSES) for b in range(NUM_CLASSES)]
            images[[a == b for a, b in pairs]] = 0  # a -> a is no morph
        image = samples.tile(images, rows, NUM_CLASSES).repeat(SCALE, 0).repeat(SCALE, 1)
        samples.write_png(f"{prefix}-{name}.png", image)
