"""Style statistics and the digits x styles image grids (the proposal's figures 4-8)."""
import numpy as np

from training.model import NUM_CLASSES

PERCENTILES = (1, 5, 25, 50, 75, 95, 99)


def style_stats(style, labels):
    """Percentiles of the style values [n, k], overall and per class (by true label).

    `style_range` — the 1st and 99th percentile per dimension — is what the page's slider spans."""
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
    overall = pct(style)
    return {
        "style_range": [[overall["1"][d], overall["99"][d]] for d in range(style.shape[1])],
        "style_mean": [round(float(v), 6) for v in style.mean(axis=0)],
        "style_std": [round(float(v), 6) for v in style.std(axis=0)],
        "style_percentiles": overall,
        "style_percentiles_per_class": per_class,
    }


def grid_codes(style_range, rows):
    """Codes for a grid: one-hot digits across, `rows` styles down from low to high.

    With several style dimensions every dimension moves together along its own range."""
    style_range = np.asarray(style_range, dtype=np.float32)
    steps = np.linspace(0.0, 1.0, rows, dtype=np.float32)[:, None]
    styles = style_range[:, 0] + steps * (style_range[:, 1] - style_range[:, 0])  # [rows, k]
    onehot = np.eye(NUM_CLASSES, dtype=np.float32)
    codes = [np.concatenate([onehot[d], styles[r]]) for r in range(rows) for d in range(NUM_CLASSES)]
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


def save_grid(decoder, style_range, rows, path):
    """Decode the digits x styles grid with `decoder` and write it as a PNG."""
    codes = grid_codes(style_range, rows)
    images = decoder.predict(codes, batch_size=len(codes), verbose=0)
    write_png(path, tile(images, rows, NUM_CLASSES))
