"""What "style" means, measured: correlate each style value with traits computed from the images.

Spearman's rho (the slider walks each class's styles by percentile, so order is the question), for the
traits slant, width, height, thickness, ink, x_offset and y_offset of a 28x28 digit (ink in [0, 1]);
see docs/ARCHITECTURE.md, "Notes by module", for how each trait is computed.
"""
import numpy as np

from training.contract import ATLAS_QUANTILES, NUM_CLASSES

TRAITS = ("slant", "width", "height", "thickness", "ink", "x_offset", "y_offset")


def _neighbours(b):
    """P2..P9 of Zhang-Suen (clockwise from the pixel above) for a batch of padded images."""
    c = b[:, 1:-1, 1:-1]
    up, down = b[:, :-2, 1:-1], b[:, 2:, 1:-1]
    left, right = b[:, 1:-1, :-2], b[:, 1:-1, 2:]
    ul, ur, dl, dr = b[:, :-2, :-2], b[:, :-2, 2:], b[:, 2:, :-2], b[:, 2:, 2:]
    return c, [up, ur, right, dr, down, dl, left, ul]


def skeletonize(binary):
    """Zhang-Suen thinning of a batch [n, h, w] of 0/1 images, vectorised over the batch."""
    img = np.pad(binary.astype(np.uint8), ((0, 0), (1, 1), (1, 1)))
    while True:
        changed = False
        for step in (0, 1):
            c, p = _neighbours(img)
            count = sum(q.astype(np.int32) for q in p)
            transitions = sum(((p[i] == 0) & (p[(i + 1) % 8] == 1)).astype(np.int32) for i in range(8))
            p2, p4, p6, p8 = p[0], p[2], p[4], p[6]
            if step == 0:
                cond = (p2 * p4 * p6 == 0) & (p4 * p6 * p8 == 0)
            else:
                cond = (p2 * p4 * p8 == 0) & (p2 * p6 * p8 == 0)
            remove = (c == 1) & (count >= 2) & (count <= 6) & (transitions == 1) & cond
            if remove.any():
                img[:, 1:-1, 1:-1][remove] = 0
                changed = True
        if not changed:
            return img[:, 1:-1, 1:-1]


def traits(images):
    """images [n, 28, 28(, 1)] in [0, 1] -> {trait: [n]}"""
    x = np.asarray(images, np.float64).reshape(len(images), 28, 28)
    ink = x.sum(axis=(1, 2)) + 1e-9
    rows, cols = np.mgrid[0:28, 0:28]
    cy = (x * rows).sum(axis=(1, 2)) / ink
    cx = (x * cols).sum(axis=(1, 2)) / ink
    dy, dx = rows[None] - cy[:, None, None], cols[None] - cx[:, None, None]
    mu11 = (x * dx * dy).sum(axis=(1, 2)) / ink
    mu02 = (x * dy * dy).sum(axis=(1, 2)) / ink
    binary = x > 0.5
    has_col, has_row = binary.any(axis=1), binary.any(axis=2)

    def extent(mask):
        first = mask.argmax(axis=1)
        last = mask.shape[1] - 1 - mask[:, ::-1].argmax(axis=1)
        return np.where(mask.any(axis=1), last - first + 1, 0)

    skeleton = skeletonize(binary).sum(axis=(1, 2))
    return {
        "slant": -mu11 / np.maximum(mu02, 1e-9),  # rows grow downwards: a right lean has mu11 < 0
        "width": extent(has_col).astype(float),
        "height": extent(has_row).astype(float),
        "thickness": binary.sum(axis=(1, 2)) / np.maximum(skeleton, 1),
        "ink": ink,
        "x_offset": cx - 13.5,
        "y_offset": cy - 13.5,
    }


def _pearson(a, b):
    a, b = a - a.mean(), b - b.mean()
    denominator = np.sqrt((a * a).sum() * (b * b).sum())
    return float((a * b).sum() / denominator) if denominator > 0 else 0.0


def _ranks(values):
    """Ranks 0..n-1, ties sharing their mean rank."""
    order = np.argsort(values, kind="stable")
    ranks = np.empty(len(values))
    ranks[order] = np.arange(len(values))
    _, group = np.unique(values, return_inverse=True)
    return (np.bincount(group, ranks) / np.bincount(group))[group]


def spearman(a, b):
    return _pearson(_ranks(np.asarray(a)), _ranks(np.asarray(b)))


def correlations(style, labels, measured):
    """Spearman's rho between each style dimension and each trait, over all digits and within each class."""
    def table(mask):
        return [{t: round(spearman(style[mask, d], measured[t][mask]), 3) for t in TRAITS}
                for d in range(style.shape[1])]
    return {"overall": table(np.ones(len(labels), bool)),
            "per_class": {str(c): table(labels == c) for c in range(NUM_CLASSES) if (labels == c).sum() > 2}}


def atlas(images, style, labels, dim=0):
    """Real digits at style quantiles: for each class, the digit nearest each quantile of its own
    style values (dimension `dim`). Returns [10 * len(ATLAS_QUANTILES), 28, 28, 1], row-major by class."""
    picks = []
    for c in range(NUM_CLASSES):
        idx = np.flatnonzero(labels == c)
        values = style[idx, dim]
        for q in ATLAS_QUANTILES:
            picks.append(idx[np.abs(values - np.percentile(values, q)).argmin()])
    return np.asarray(images)[picks]


def describe(images, style, labels):
    """Everything meta.json keeps about what style means."""
    measured = traits(images)
    return {"traits": list(TRAITS), "method": "spearman",
            "correlations": correlations(np.asarray(style), np.asarray(labels), measured),
            "atlas_quantiles": list(ATLAS_QUANTILES)}
