"""How slant and width move along each class's style: the decoded slant and width at every stored style the
page's search tries (meta.json -> level_traits), and the rule "your style on every digit" picks by.

Each class shows the stored style nearest the drawing's slant, then its width; the page's
web/static/js/explorer/style_levels.js implements the same rule (tests/cases/rules.json holds cases for both).
"""
import numpy as np

from training.export.analysis import traits
from training.contract import NUM_CLASSES, ROW_SLANT_TOLERANCE
from training.pipeline import encoding

SLANT_DECIMALS = 2  # what meta.json keeps of each slant (the page downloads it); widths are whole pixels


def table(decoder, meta):
    """-> {"slant": [10][points], "width": [10][points]}: each class's one-hot code at every point of the
    level lattice (encoding.level_lattice), decoded by `decoder` and measured as style_meaning's traits are."""
    levels = encoding.level_lattice(meta["style_dims"])
    styles = encoding.from_levels(levels, meta["style_range"])
    out = {"slant": [], "width": []}
    for c in range(NUM_CLASSES):
        codes = np.zeros((len(levels), NUM_CLASSES + meta["style_dims"]), np.float32)
        codes[:, c], codes[:, NUM_CLASSES:] = 1, styles
        measured = traits(decoder.predict(codes, batch_size=512, verbose=0))
        out["slant"].append([round(float(v), SLANT_DECIMALS) + 0.0 for v in measured["slant"]])
        out["width"].append([int(v) for v in measured["width"]])
    return out


def bounds(meta, c):
    """-> (low, high, median): the levels nearest class c's 1st, 99th and 50th percentile style, per dimension."""
    per_class = meta["style_percentiles_per_class"].get(str(c), meta["style_percentiles"])
    return tuple(encoding.to_levels([per_class[q]], meta["style_range"])[0].tolist() for q in ("1", "99", "50"))


def pick_level(levels, slant, width, low, high, median, target_slant, target_width):
    """The index of the stored style a class shows for a drawing: among the lattice points `levels` within
    [low, high] on every dimension (all of them when none is), those whose slant is within ROW_SLANT_TOLERANCE
    of the nearest to target_slant; of these the nearest width, then the nearest the median (the sum of the
    level differences), then the first."""
    inside = [all(lo <= v <= hi for v, lo, hi in zip(p, low, high)) for p in levels]
    candidates = [i for i in range(len(levels)) if inside[i]] or list(range(len(levels)))
    nearest = min(abs(slant[i] - target_slant) for i in candidates)
    near = [i for i in candidates if abs(slant[i] - target_slant) <= nearest + ROW_SLANT_TOLERANCE]
    return min(near, key=lambda i: (abs(width[i] - target_width),
                                    sum(abs(v - m) for v, m in zip(levels[i], median)), i))


def row_levels(meta, level_traits, target_slant, target_width):
    """-> [10][style_dims]: the stored levels of every class for a drawing of this slant and width."""
    levels = encoding.level_lattice(meta["style_dims"]).tolist()
    return [levels[pick_level(levels, level_traits["slant"][c], level_traits["width"][c], *bounds(meta, c),
                              target_slant, target_width)] for c in range(NUM_CLASSES)]
