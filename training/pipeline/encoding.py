"""Encoding by search, and the figures it gives: the only place an image gets its code and a score.

An image's code is its class probabilities and the best of two styles: the style head's, and the best
point of its most likely class's curve (its one-hot code on a fixed grid of styles), scored for every
image at once. Training uses it (stage 3, every figure, conversion's check of the shipped weights);
`python -m training.encoding` prints what it gains. See docs/TRAINING.md, "Encoding by search".
"""
import numpy as np  # noqa: E402

from training.contract import BCE_EPSILON as EPS  # noqa: E402
from training.contract import NUM_CLASSES, STYLE_BITS  # noqa: E402


def bce_per_image(x, recon):
    """Binary cross-entropy per image, the mean over its pixels (Keras' loss, clip included)."""
    import tensorflow as tf
    return tf.reduce_mean(tf.keras.losses.binary_crossentropy(x, recon), axis=[1, 2]).numpy()


def make_grid(styles, points, keep):
    """{"low", "high", "points", "keep"}: a grid spanning the given styles widened by a tenth each side
    (points, keep: the preset's search_points and search_keep)."""
    lo, hi = styles.min(0), styles.max(0)
    pad = 0.1 * (hi - lo)
    return {"low": [float(v) for v in lo - pad], "high": [float(v) for v in hi + pad], "points": int(points),
            "keep": int(keep)}


def grid_styles(grid):
    """The grid's style values, (points, style_dims): points per axis is points ** (1 / dims)."""
    dims = len(grid["low"])
    per_axis = int(round(grid["points"] ** (1 / dims)))
    axes = [np.linspace(a, b, per_axis, dtype=np.float32) for a, b in zip(grid["low"], grid["high"])]
    return np.stack([g.ravel() for g in np.meshgrid(*axes, indexing="ij")], 1)


def decode_bce(decoder, codes, x):
    return bce_per_image(x, decoder.predict(codes, batch_size=1000, verbose=0))


class Curves:
    """The decoder's images along each class's curve (its one-hot code at every grid style), decoded on
    first use and kept: searches with the same decoder share them (stage 3 searches the training and the
    validation set after each round; 10 x 1,024 decodes each time otherwise)."""

    def __init__(self, decoder, grid):
        self.decoder, self.grid, self.styles = decoder, grid, grid_styles(grid)
        self.keep = grid.get("keep", 1)  # a run from before search_keep was recorded kept one
        self._logs = {}

    def logs(self, c):
        """-> (log r, log(1 - r)) [points, pixels] of class c's curve, r clipped as Keras' loss clips it."""
        if c not in self._logs:
            curve = np.zeros((len(self.styles), NUM_CLASSES + self.styles.shape[1]), np.float32)
            curve[:, c], curve[:, NUM_CLASSES:] = 1, self.styles
            self._logs[c] = clipped_logs(self.decoder.predict(curve, batch_size=1000, verbose=0))
        return self._logs[c]


def clipped_logs(images):
    """-> (log r, log(1 - r)) [images, pixels], r clipped as Keras' loss clips it."""
    r = np.clip(images.reshape(len(images), -1), EPS, 1 - EPS)
    return np.log(r), np.log(1 - r)


def bce(x, recon):
    """Mean per-pixel binary cross-entropy of reconstructions (both [n, ...], in [0, 1]): the NumPy BCE
    every figure outside a TensorFlow graph uses (clipped_logs and log_likelihoods are its parts)."""
    log_r, log_not_r = clipped_logs(recon)
    flat = x.reshape(len(x), -1)
    return float(np.mean(-(flat * log_r + (1 - flat) * log_not_r)))


def log_likelihoods(flat, logs):
    """The sum over pixels of x log r + (1 - x) log(1 - r) for every image x [n, pixels] and every r of
    logs (clipped_logs) at once: [n, len(r)]; minus it over the pixel count is their BCE per pixel.
    In float64, as one product x (log r - log(1 - r)) + sum log(1 - r): in float32 each BLAS kernel (picked
    by the CPU or OPENBLAS_CORETYPE) summed in its own order and moved which grid point scored best."""
    log_r, log_not_r = (np.asarray(a, np.float64) for a in logs)
    return np.asarray(flat, np.float64) @ (log_r - log_not_r).T + log_not_r.sum(1)


def improve(curves, codes, x, codes_bce=None):
    """-> (codes, BCE per image): each code's style replaced by a better one from the curves' grid where
    there is one, decoded by the curves' decoder. The probabilities never change; the result is never
    worse than `codes`. codes_bce: the BCE per image of `codes` with this decoder, when the caller has it."""
    decoder = curves.decoder
    keep = curves.keep
    candidates = _candidates(curves, codes, x, keep)
    best = codes.copy()
    best_bce = (decode_bce(decoder, codes, x) if codes_bce is None else codes_bce).copy()
    for k in range(keep):
        # decoded only where the candidate is a new style: late in stage 3 most of the best
        # candidates are the style the image has, whose BCE is known (no better than its own)
        new = np.flatnonzero(np.any(candidates[:, k] != codes[:, NUM_CLASSES:], 1)
                             & np.any(candidates[:, k] != best[:, NUM_CLASSES:], 1))
        trial = codes[new]
        trial[:, NUM_CLASSES:] = candidates[new, k]
        trial_bce = decode_bce(decoder, trial, x[new]) if len(new) else np.zeros(0, np.float32)
        wins = trial_bce < best_bce[new]
        best[new[wins]], best_bce[new[wins]] = trial[wins], trial_bce[wins]
    return best, best_bce


def refresh(curves, codes, x):
    """-> improve(curves, codes, x)[0], the codes alone, for codes an earlier decoder's search found
    (stage 3's rounds): only images whose best curve point is not their style are decoded, with their
    style and with the new one. improve decodes every image once more to return its BCE: on the
    training set that costs ~12 s a round here, and late in stage 3 ~85% of the images keep their style."""
    candidates = _candidates(curves, codes, x, 1)[:, 0]
    new = np.flatnonzero(np.any(candidates != codes[:, NUM_CLASSES:], 1))
    if not len(new):
        return codes.copy()
    trial = codes[new]
    trial[:, NUM_CLASSES:] = candidates[new]
    wins = new[decode_bce(curves.decoder, trial, x[new]) < decode_bce(curves.decoder, codes[new], x[new])]
    best = codes.copy()
    best[wins, NUM_CLASSES:] = candidates[wins]
    return best


def _candidates(curves, codes, x, keep):
    """-> [n, keep, style dims]: each image's `keep` best styles on the curve of its most likely class."""
    styles = curves.styles
    flat = x.reshape(len(x), -1).astype(np.float32)
    classes = codes[:, :NUM_CLASSES].argmax(1)
    candidates = np.zeros((len(x), keep, styles.shape[1]), np.float32)
    for c in np.unique(classes):
        rows = np.where(classes == c)[0]
        candidates[rows] = styles[_top(log_likelihoods(flat[rows], curves.logs(c)), keep)]
    return candidates


def _top(score, keep):
    """The indices of each row's `keep` highest scores, highest first (a partial sort: rows are 1,024 long)."""
    top = np.argpartition(-score, keep - 1, axis=1)[:, :keep]
    order = np.argsort(-np.take_along_axis(score, top, 1), 1, kind="stable")
    return np.take_along_axis(top, order, 1)


def to_levels(style, style_range):
    """Style values [n, k] -> their STYLE_BITS-bit levels over style_range (as the page stores a drawing)."""
    lo, hi = np.asarray(style_range, np.float64).T
    top = 2 ** STYLE_BITS - 1
    return np.rint(np.clip((np.asarray(style, np.float64) - lo) / (hi - lo), 0, 1) * top).astype(np.int64)


def from_levels(levels, style_range):
    lo, hi = np.asarray(style_range, np.float64).T
    return lo + np.asarray(levels, np.float64) / (2 ** STYLE_BITS - 1) * (hi - lo)


def level_lattice(dims):
    """The stored levels the page's search tries (search.js latticeLevels): all of them for one style value,
    ~as many on a lattice for more; [points, dims], the last dimension fastest."""
    top = 2 ** STYLE_BITS
    per_axis = max(2, round(top ** (1 / dims)))
    axis = np.rint(np.linspace(0, top - 1, per_axis)).astype(int)
    return np.stack(np.meshgrid(*[axis] * dims, indexing="ij"), -1).reshape(-1, dims)


def encode(encoder, curves, x):
    """-> (style head's codes, their BCE per image, searched codes, their BCE per image)."""
    codes = encoder.predict(x, batch_size=1000, verbose=0)
    head_bce = decode_bce(curves.decoder, codes, x)
    best, best_bce = improve(curves, codes, x, codes_bce=head_bce)
    return codes, head_bce, best, best_bce


def figures(encoder, curves, split):
    """Accuracy of the class output; mean per-pixel binary cross-entropy of the reconstruction from
    the searched codes (bce) and from the style head's own (bce_style_head)."""
    head, head_bce, _, bce = encode(encoder, curves, split.x)
    return {"accuracy": round(float(np.mean(head[:, :NUM_CLASSES].argmax(1) == split.y)), 6),
            "bce": round(float(bce.mean()), 6), "bce_style_head": round(float(head_bce.mean()), 6)}
