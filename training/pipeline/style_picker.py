"""Stage 4's style head: it names the bin of the searched style instead of regressing the style.

A head that outputs a number lands between the two ends of a class's curve where the best style jumps;
this one learns which bin (a quantile of the searched styles) an image's style falls in, a choice that
can jump, and outputs that bin's median (a sharpened softmax, then a fixed Dense). Plain
layers, so TF.js runs it as it is. The run ships whichever head draws the validation set better
(stages.py, pick_styles). See docs/TRAINING.md.
"""
import numpy as np

COPIED = ("style_norm", "style_dense")  # the regression head's layers between its features and its output
PREFIX = "style_pick"


def bin_edges(styles, count):
    """-> one array of edges per style value: quantiles of the training styles, about count ** (1 / k)
    bins per value (fewer where many styles are the same value)."""
    per_value = int(np.floor(count ** (1 / styles.shape[1]) + 1e-9))
    return [np.unique(np.quantile(styles[:, d], np.linspace(0, 1, per_value + 1)))
            for d in range(styles.shape[1])]


def bin_of(styles, edges):
    """The bin of each row of styles (row-major over the style values; outside the edges: the end bin)."""
    index = np.zeros(len(styles), np.int64)
    for d, e in enumerate(edges):
        inside = np.clip(np.searchsorted(e, styles[:, d], side="right") - 1, 0, len(e) - 2)
        index = index * (len(e) - 1) + inside
    return index


def bin_styles(styles, edges):
    """Each bin's median training style; a bin no style falls in (two values' bins cross) gets its middle."""
    index = bin_of(styles, edges)
    middles = np.meshgrid(*[(e[:-1] + e[1:]) / 2 for e in edges], indexing="ij")
    middles = np.stack([m.ravel() for m in middles], 1)
    return np.array([np.median(styles[index == b], 0) if np.any(index == b) else middles[b]
                     for b in range(len(middles))], np.float32)


def _features(encoder):
    """What the style heads start from: the style head's flattened feature map."""
    return encoder.get_layer(COPIED[0]).input


def features_model(keras, encoder):
    """image -> _features."""
    return keras.Model(encoder.input, _features(encoder))


def build(keras, encoder, medians):
    """-> (trainer: features -> bin probabilities, encoder: image -> [class probabilities, picked style]).
    Both use the same new layers: training the trainer trains the encoder's picker."""
    copies, names = [], {layer.name for layer in encoder.layers}
    for name in COPIED:
        if name not in names:
            continue  # a preset without style_hidden has no style_dense
        layer = encoder.get_layer(name)
        copy = layer.__class__.from_config({**layer.get_config(), "name": name.replace("style", PREFIX, 1)})
        copies.append((copy, layer.get_weights()))
    bins = keras.layers.Dense(len(medians), activation="softmax", name=f"{PREFIX}_bins")
    medians_layer = keras.layers.Dense(medians.shape[1], use_bias=False, trainable=False, name=PREFIX)

    def probabilities(x):
        for layer, _ in copies:
            x = layer(x)
        return bins(x)

    features = _features(encoder)
    inputs = keras.Input(features.shape[1:], name="style_features")
    trainer = keras.Model(inputs, probabilities(inputs), name="style_picker")
    style = medians_layer(probabilities(features))
    code = keras.layers.Concatenate(name="code")([encoder.get_layer("cls_probs").output, style])
    picker = keras.Model(encoder.input, code, name="encoder")
    for layer, weights in copies:
        layer.set_weights(weights)
    medians_layer.set_weights([medians])
    return trainer, picker


def sharpen(picker, sharpness):
    """Scale the bins' logits by `sharpness` (once, after training): the softmax then all but picks, but
    stays smooth at near-ties."""
    bins = picker.get_layer(f"{PREFIX}_bins")
    kernel, bias = bins.get_weights()
    bins.set_weights([kernel * sharpness, bias * sharpness])
