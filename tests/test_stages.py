"""The four stages on the shipped fixture's tiny run: each learns, the search beats the style head,
and what is frozen stays bit-identical."""
import csv
import json

import numpy as np
import pytest


def read_csv(path):
    with open(path) as f:
        return list(csv.DictReader(f))


def test_short_training_lowers_the_loss(tiny_run):
    ae = read_csv(tiny_run / "history_autoencoder.csv")
    assert float(ae[1]["loss"]) < float(ae[0]["loss"])
    assert float(ae[1]["val_loss"]) < float(ae[0]["val_loss"])


def test_the_searched_codes_beat_the_style_head_and_stage_three_lowers_them(tiny_run):
    m = json.loads((tiny_run / "metrics.json").read_text())
    # the picker learns the searched styles, so a shipped picker comes close to the search (how close
    # depends on how the CPU's kernels round); the regression head stays far behind
    for part in ("val", "test"):
        assert m[f"{part}_bce"] < m[f"{part}_bce_style_head"], part
    assert m["val_bce"] < m["style_head"]["val_bce_regression"] - 1e-3
    rounds = read_csv(tiny_run / "history_refine.csv")
    assert [int(r["round"]) for r in rounds] == [0, 1, 2]
    # each round lowers what the one before left; the first one may first pay for the critic, whose
    # cross-entropy on this 1-epoch classifier is as large as the reconstruction (on one CPU round 1
    # lowered stage 2's figure, on another it raised it)
    assert float(rounds[2]["train_bce_searched"]) < float(rounds[1]["train_bce_searched"])
    # the same search but for its first candidate, the shipped style head's value (stage 3 had the
    # regression head's): the same figure when that head ships; with the picker's candidate it may be far
    # better, and only a little worse (this 1-epoch classifier's soft class probabilities score it)
    last = float(rounds[-1]["val_bce_searched"])
    if m["style_head"]["shipped"] == "regression":
        assert last == pytest.approx(m["val_bce"], abs=1e-6)
    else:
        assert m["val_bce"] <= last + 2e-3


def test_stages_three_and_four_leave_the_encoder_s_layers_as_stage_two_left_them(tiny_run):
    """Every layer of the final encoder that stage 2 had is bit-identical to it: stage 3 trains the
    decoder alone, and stage 4's picker learns in copies of its own (tests/test_style_picker.py)."""
    import tf_keras

    from training.pipeline import checkpoints
    from training.pipeline import config as config_lib
    from training.pipeline import model as model_lib
    config = json.loads((tiny_run / "metrics.json").read_text())["config"]
    models = model_lib.build(config_lib.Preset(**{k: tuple(v) if isinstance(v, list) else v
                                                 for k, v in config.items()}), 1)
    checkpoints.load_weights(models.autoencoder, tiny_run / "checkpoints" / "autoencoder_002.weights.npz")
    final = tf_keras.models.load_model(tiny_run / "encoder.h5", compile=False)
    stage2 = {layer.name: layer for layer in models.encoder.layers}
    shared = [layer for layer in final.layers if layer.name in stage2 and layer.weights]
    assert {"cls_conv1", "cls_probs", "style_squeeze_conv"} <= {layer.name for layer in shared}
    for layer in shared:
        for before, after in zip(stage2[layer.name].weights, layer.weights, strict=True):
            np.testing.assert_array_equal(before.numpy(), after.numpy(), err_msg=before.name)
    decoder = tf_keras.models.load_model(tiny_run / "decoder.h5", compile=False)
    assert any(not np.array_equal(a.numpy(), b.numpy()) for a, b in zip(models.decoder.weights, decoder.weights))


def test_stage_two_leaves_the_frozen_classifier_bit_identical(tiny_run):
    """Weights saved when stage 1 ended == the same layers in the final encoder, BatchNorm
    moving statistics included (test_model shows the style head does learn meanwhile)."""
    import tf_keras

    from training.pipeline import checkpoints
    from training.pipeline import config as config_lib
    from training.pipeline import model as model_lib
    config = json.loads((tiny_run / "metrics.json").read_text())["config"]
    config = {k: tuple(v) if isinstance(v, list) else v for k, v in config.items()}
    stage1 = model_lib.build(config_lib.Preset(**config), 1).classifier
    checkpoints.load_weights(stage1, tiny_run / "checkpoints" / "classifier_001.weights.npz")
    final = tf_keras.models.load_model(tiny_run / "encoder.h5", compile=False)
    compared = []
    for layer in stage1.layers:
        for before, after in zip(layer.weights, final.get_layer(layer.name).weights, strict=True):
            np.testing.assert_array_equal(before.numpy(), after.numpy(), err_msg=before.name)
            compared.append(before.name)
    batchnorms = [layer for layer in stage1.layers if type(layer).__name__ == "BatchNormalization"]
    assert len(batchnorms) >= 3  # the trunk's three, and the class head's squeeze where the preset has one
    assert len(compared) >= 6 + 4 * len(batchnorms)  # conv kernels, BatchNorm arrays, dense and softmax weights
    assert sum("moving_mean" in n or "moving_variance" in n for n in compared) == 2 * len(batchnorms)
