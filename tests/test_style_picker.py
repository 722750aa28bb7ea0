"""Stage 4's style head (training/pipeline/style_picker.py): its bins, the style it outputs, what it leaves
alone, and the run's choice between it and the regression head."""
import json

import numpy as np
import pytest

from training.pipeline import config, style_picker


def test_bins_are_quantiles_and_each_holds_its_median():
    styles = np.random.default_rng(0).normal(size=(4000, 1)) ** 3  # long thin tails, as searched styles have
    edges = style_picker.bin_edges(styles, 16)
    index = style_picker.bin_of(styles, edges)
    assert len(edges[0]) == 17 and np.bincount(index).tolist() == [250] * 16
    medians = style_picker.bin_styles(styles, edges)
    assert np.all((edges[0][:-1] <= medians[:, 0]) & (medians[:, 0] <= edges[0][1:]))
    assert style_picker.bin_of(np.array([[-1e9], [1e9]]), edges).tolist() == [0, 15]  # beyond: the end bins


def test_two_style_values_are_binned_row_major_and_an_empty_cell_gets_its_middle():
    rng = np.random.default_rng(1)
    a = rng.random(3000)
    styles = np.stack([a, a + 0.01 * rng.random(3000)], 1)  # on a diagonal: off-diagonal cells are empty
    edges = style_picker.bin_edges(styles, 16)
    assert [len(e) for e in edges] == [5, 5]
    medians = style_picker.bin_styles(styles, edges)
    assert len(medians) == 16
    assert style_picker.bin_of(medians, edges).tolist() == list(range(16))  # each style lies in its own cell
    index = style_picker.bin_of(styles, edges)
    empty = sorted(set(range(16)) - set(index.tolist()))
    assert empty and all(b // 4 != b % 4 for b in empty)


@pytest.fixture(scope="module")
def small_encoder():
    from training.pipeline import model as model_lib
    p = config.Preset(conv_channels=(4, 4, 4), classifier_dense=8, squeeze_channels=2, style_hidden=8,
                         decoder_start=4, decoder_blocks=("up", 4, "up"))
    models = model_lib.build(p, 1)
    model_lib.freeze_classifier(models)
    return models.encoder


def test_the_sharpened_picker_outputs_the_likeliest_bin_s_median(small_encoder):
    import tf_keras as keras
    medians = np.array([[-3.0], [0.5], [7.0]], np.float32)
    trainer, picker = style_picker.build(keras, small_encoder, medians)
    bins = picker.get_layer("style_pick_bins")
    kernel, bias = bins.get_weights()
    bins.set_weights([kernel * 0, np.array([0.0, 0.2, 0.1], np.float32)])  # bin 1 leads, not by much
    images = np.random.default_rng(2).random((5, 28, 28, 1)).astype(np.float32)
    soft = picker.predict(images, verbose=0)[:, -1]
    style_picker.sharpen(picker, config.Preset().picker_sharpness)
    sharp = picker.predict(images, verbose=0)
    assert np.all(np.abs(soft - 0.5) > 1.0)  # unsharpened: an average of the three medians
    np.testing.assert_allclose(sharp[:, -1], 0.5, atol=0.05)
    np.testing.assert_array_equal(sharp[:, :10], small_encoder.predict(images, verbose=0)[:, :10])


def test_training_the_picker_leaves_the_regression_head_as_it_was(small_encoder):
    import tf_keras as keras
    before = {w.name: w.numpy().copy() for w in small_encoder.weights}
    trainer, picker = style_picker.build(keras, small_encoder, np.arange(4, dtype=np.float32)[:, None])
    copied = picker.get_layer("style_pick_dense").get_weights()[0].copy()
    np.testing.assert_array_equal(copied, small_encoder.get_layer("style_dense").get_weights()[0])  # starts as a copy
    trainer.compile(keras.optimizers.Adam(1e-2), "categorical_crossentropy")
    rng = np.random.default_rng(3)
    features = rng.normal(size=(64, trainer.input.shape[1])).astype(np.float32)
    trainer.fit(features, np.eye(4, dtype=np.float32)[rng.integers(0, 4, 64)], epochs=2, verbose=0)
    for w in small_encoder.weights:
        np.testing.assert_array_equal(w.numpy(), before[w.name], err_msg=w.name)
    assert not np.array_equal(picker.get_layer("style_pick_dense").get_weights()[0], copied)
    assert not {"style", "style_dense", "style_norm"} & {layer.name for layer in picker.layers}


def test_the_run_ships_the_head_that_draws_validation_better(tiny_run):
    import tf_keras
    m = json.loads((tiny_run / "metrics.json").read_text())
    head = m["style_head"]
    chosen = min(("picker", "regression"), key=lambda k: head[f"val_bce_{k}"])
    assert head["shipped"] == chosen and 1 < head["bins"] <= 128
    assert m["val_bce_style_head"] == pytest.approx(head[f"val_bce_{chosen}"], abs=1e-6)
    names = {layer.name for layer in tf_keras.models.load_model(tiny_run / "encoder.h5", compile=False).layers}
    assert ("style_pick_bins" in names) == (chosen == "picker") and ("style_dense" in names) == (chosen == "regression")
