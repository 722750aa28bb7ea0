"""Style statistics and the digits x styles image grids (the proposal's figures 4-8)."""
import numpy as np

from training.contract import GRID_GAP, NUM_CLASSES, PERCENTILES


def style_stats(style, labels):
    """Percentiles of the style values [n, k], overall and per class (by true label).

    `style_range` is the 1st and 99th percentile per dimension over all classes (it scales the page's
    code bar and the stored 8-bit styles); the per-class tables are where each class's digits live
    (classes sit in different parts of the overall range, so the page and the grids walk these)."""
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
        "style_mean": [round(float(v), 6) for v in style.mean(axis=0)],
        "style_std": [round(float(v), 6) for v in style.std(axis=0)],
        "style_percentiles": overall,
        "style_percentiles_per_class": per_class,
    }


def percentile_range(percentiles, dims):
    """[[1st, 99th percentile] per style dimension] from one of style_stats' percentile tables."""
    return [[percentiles["1"][d], percentiles["99"][d]] for d in range(dims)]


def class_tables(stats):
    """The 10 per-class percentile tables of style_stats() (the overall one for a class with no digits)."""
    per = stats["style_percentiles_per_class"]
    return [per.get(str(c), stats["style_percentiles"]) for c in range(NUM_CLASSES)]


def style_at(tables, unit):
    """The style at slider position `unit` (0..1; one per style dimension, or one for all) of each
    class, through its percentile table: 0 is the 1st percentile, 0.5 the median, 1 the 99th, linear
    in between, as the page's codes.js maps its sliders. Equal steps pass equal shares of a class's
    digits, so a long thin tail of rare styles gets the ends of the slider, not most of its length.
    tables: 10 percentile tables (class_tables()). Returns [10, k]."""
    out = []
    for table in tables:
        keys = sorted(table, key=float)
        q = np.array([float(k) for k in keys])
        values = np.array([table[k] for k in keys], np.float64)  # [knots, k]
        units = np.broadcast_to(np.asarray(unit, np.float64), values.shape[1:])
        out.append([np.interp(units[d], (q - q[0]) / (q[-1] - q[0]), values[:, d]) for d in range(len(units))])
    return np.array(out, np.float32)


def grid_codes(tables, rows):
    """Codes for a grid: one-hot digits across, `rows` styles down from low to high, each digit
    through its own percentile table. With several style dimensions every dimension moves together."""
    onehot = np.eye(NUM_CLASSES, dtype=np.float32)
    codes = []
    for u in np.linspace(0.0, 1.0, rows, dtype=np.float32):
        styles = style_at(tables, u)
        codes += [np.concatenate([onehot[d], styles[d]]) for d in range(NUM_CLASSES)]
    return np.stack(codes)


def tile(images, rows, cols, gap=GRID_GAP):
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

    from training.pipeline import runs
    runs.write_bytes(path, tf.io.encode_png(image).numpy())


def save_grid(decoder, tables, rows, path):
    """Decode the digits x styles grid with `decoder` and write it as a PNG."""
    codes = grid_codes(tables, rows)
    images = decoder.predict(codes, batch_size=len(codes), verbose=0)
    write_png(path, tile(images, rows, NUM_CLASSES))
