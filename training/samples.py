"""Style statistics and the digits x styles image grids (the proposal's figures 4-8)."""
import numpy as np

from training.model import NUM_CLASSES

PERCENTILES = (1, 5, 25, 50, 75, 95, 99)


def style_stats(style, labels):
    """Percentiles of the style values [n, k], overall and per class (by true label).

    `style_range` is the 1st and 99th percentile per dimension over all classes;
    `style_range_per_class` the same for each class, which is where that class's digits live
    (classes sit in different parts of the overall range, so the page and the grids use these)."""
    style = np.asarray(style, dtype=np.float64)
    if style.ndim != 2 or len(style) == 0:
        raise ValueError(f"style values must be a non-empty [n, k] array, got shape {style.shape}")

    def pct(values):
        return {str(q): [round(float(v), 6) for v in np.percentile(values, q, axis=0)] for q in PERCENTILES}

    per_class = {}
    for c in range(NUM_CLASSES):
        mine = style[labels == c]
        if len(mine):
            per_class[str(c)] = pct(mine)
    overall, dims = pct(style), style.shape[1]
    return {
        "style_range": percentile_range(overall, dims),
        "style_range_per_class": [percentile_range(per_class.get(c, overall), dims)
                                  for c in map(str, range(NUM_CLASSES))],
        "style_mean": [round(float(v), 6) for v in style.mean(axis=0)],
        "style_std": [round(float(v), 6) for v in style.std(axis=0)],
        "style_percentiles": overall,
        "style_percentiles_per_class": per_class,
    }


def percentile_range(percentiles, dims):
    """[[1st, 99th percentile] per style dimension] from one of style_stats' percentile tables."""
    return [[percentiles["1"][d], percentiles["99"][d]] for d in range(dims)]


def style_at(ranges, unit):
    """The style at position `unit` (0..1 per dimension) of each class's own range.
    ranges: [10, k, 2] per class, or [k, 2] shared by all. Returns [10, k]."""
    ranges = np.broadcast_to(np.asarray(ranges, np.float32), (NUM_CLASSES, *np.shape(ranges)[-2:]))
    return ranges[..., 0] + np.asarray(unit, np.float32) * (ranges[..., 1] - ranges[..., 0])


def grid_codes(ranges, rows):
    """Codes for a grid: one-hot digits across, `rows` styles down from low to high, each digit
    across its own range. With several style dimensions every dimension moves together."""
    onehot = np.eye(NUM_CLASSES, dtype=np.float32)
    codes = []
    for u in np.linspace(0.0, 1.0, rows, dtype=np.float32):
        styles = style_at(ranges, u)
        codes += [np.concatenate([onehot[d], styles[d]]) for d in range(NUM_CLASSES)]
    return np.stack(codes)


def tile(images, rows, cols, gap=2):
    """[rows*cols, 28, 28, 1] floats in [0, 1] -> one uint8 [H, W, 1] image, white gaps between."""
    h, w = images.shape[1:3]
    out = np.full((rows * (h + gap) - gap, cols * (w + gap) - gap, 1), 255, np.uint8)
    for i, img in enumerate(images):
        r, c = divmod(i, cols)
        out[r * (h + gap):r * (h + gap) + h, c * (w + gap):c * (w + gap) + w] = \
            np.clip(np.rint((1.0 - img) * 255), 0, 255).astype(np.uint8)  # dark ink on white
    return out


def write_png(path, image):
    import tensorflow as tf
    tf.io.write_file(str(path), tf.io.encode_png(image))


def save_grid(decoder, ranges, rows, path):
    """Decode the digits x styles grid with `decoder` and write it as a PNG."""
    codes = grid_codes(ranges, rows)
    images = decoder.predict(codes, batch_size=len(codes), verbose=0)
    write_png(path, tile(images, rows, NUM_CLASSES))
