"""The model's code layout, cost, and freezing."""
import numpy as np
import pytest

from training.pipeline import config
from training.pipeline import model as model_lib


@pytest.fixture(scope="module")
def keras():
    import tf_keras
    tf_keras.utils.set_random_seed(0)
    return tf_keras


@pytest.mark.parametrize("style_dims", [1, 2])
def test_code_layout_and_shapes(keras, style_dims):
    m = model_lib.build(config.preset("default"), style_dims)
    x = np.random.default_rng(0).random((4, 28, 28, 1), dtype=np.float32)
    code = m.encoder.predict(x, verbose=0)
    assert code.shape == (4, 10 + style_dims)
    np.testing.assert_allclose(code[:, :10].sum(axis=1), 1.0, rtol=1e-5)  # class probabilities first
    image = m.decoder.predict(code, verbose=0)
    assert image.shape == (4, 28, 28, 1) and image.min() >= 0 and image.max() <= 1
    assert m.decoder.input_shape == (None, 10 + style_dims)


def test_multiply_adds_by_hand(keras):
    p = config.Preset(decoder_start=2, decoder_blocks=("up", 3, "up"))
    decoder = model_lib.build_decoder(p, 1)
    dense = 11 * 7 * 7 * 2
    conv = 14 * 14 * 3 * 3 * 2 * 3
    out = 28 * 28 * 3 * 3 * 3 * 1
    assert model_lib.multiply_adds(decoder) == dense + conv + out


def test_default_decoder_is_cheap_enough_for_every_slider_step(keras):
    decoder = model_lib.build_decoder(config.preset("default"), 1)
    assert model_lib.multiply_adds(decoder) <= 30_000_000


def test_decoder_must_reach_28_pixels(keras):
    with pytest.raises(ValueError, match="upsample exactly twice"):
        model_lib.build_decoder(config.Preset(decoder_blocks=("up", 8)), 1)


def test_freezing_holds_batchnorm_statistics_still(keras):
    p = config.preset("default", epochs_autoencoder=1)
    m = model_lib.build(p, 1)
    model_lib.freeze_classifier(m)
    assert "cls_bn1" in m.frozen and "cls_probs" in m.frozen and "style" not in m.frozen
    before = {w.name: w.numpy().copy() for w in m.classifier.weights}
    style_before = m.encoder.get_layer("style").get_weights()[0].copy()
    m.autoencoder.compile(keras.optimizers.Adam(1e-2), "binary_crossentropy")
    x = np.random.default_rng(1).random((64, 28, 28, 1), dtype=np.float32)
    m.autoencoder.fit(x, x, batch_size=32, epochs=1, verbose=0)
    for w in m.classifier.weights:
        np.testing.assert_array_equal(w.numpy(), before[w.name], err_msg=w.name)
    assert not np.array_equal(m.encoder.get_layer("style").get_weights()[0], style_before), "style head must learn"


def test_parameter_split_matches_what_stage_two_trains(keras):
    m = model_lib.build(config.preset("default"), 1)
    model_lib.freeze_classifier(m)
    p = model_lib.parameter_counts(m.encoder, m.decoder)
    assert p["autoencoder_frozen"] == m.classifier.count_params()
    assert p["autoencoder_trainable"] == sum(w.shape.num_elements() for w in m.autoencoder.trainable_weights)


@pytest.mark.parametrize("style_dims", [1, 2])
def test_default_encoder_fits_the_drawing_pads_download(keras, style_dims):
    """The drawing pad and the reader download the encoder: with the converter's "mixed" weights
    (convert.py: 1 byte per weight of a large kernel, 2 for the rest) it must stay under 300 KB."""
    from training.convert import UINT8_MIN_WEIGHTS
    m = model_lib.build(config.preset("default"), style_dims)
    sizes = [w.shape.num_elements() for w in m.encoder.weights]
    shipped = sum(n if n >= UINT8_MIN_WEIGHTS else 2 * n for n in sizes)
    assert shipped <= 300_000, f"the encoder would ship {shipped:,} bytes of weights"


def test_stage_one_augments_only_what_the_preset_asks(keras):
    from training.pipeline.stages import _augmenter
    assert _augmenter(keras, config.preset("seed"), 0) is None
    steps = _augmenter(keras, config.preset("default"), 0).layers
    assert {type(s).__name__ for s in steps} == {"RandomRotation", "RandomZoom", "RandomTranslation"}
    x = np.zeros((2, 28, 28, 1), np.float32)
    x[:, 10:18, 12:16] = 1
    moved = steps[0](x, training=True).numpy()
    assert moved.shape == x.shape and not np.array_equal(moved, x)
