"""The code as a compressor, against Pillow's codecs: what each costs in bits and in fidelity."""
import numpy as np
from helpers import FIXTURE, OneClassEncoder

from training import compression
from training.pipeline import data as data_lib
from training.pipeline import encoding
from training.pipeline.encoding import bce
from training.contract import NUM_CLASSES


def test_png_is_lossless_and_a_lower_jpeg_quality_costs_fewer_bits_and_more_error():
    x = data_lib.load("mnist", str(FIXTURE), 200).test.x[:50]
    flat = x.reshape(50, -1)
    png, png_bits = compression.pillow_codec(x, "PNG")
    np.testing.assert_allclose(png, np.rint(flat * 255) / 255)
    low, low_bits = compression.pillow_codec(x, "JPEG", 5)
    high, high_bits = compression.pillow_codec(x, "JPEG", 90)
    assert low_bits < high_bits
    assert bce(flat, low) > bce(flat, high)


class Curve:
    """A decoder whose image is the style level written into pixel 0: the search must find it."""

    def predict(self, codes, **_):
        images = np.full((len(codes), 28, 28, 1), 0.01, np.float32)
        images[:, 0, 0, 0] = np.clip(codes[:, NUM_CLASSES], 0.01, 0.99)
        return images


def test_our_codec_stores_the_class_and_the_best_8_bit_style():
    x = np.full((3, 28, 28, 1), 0.01, np.float32)
    x[:, 0, 0, 0] = [0.1, 0.5, 0.9]
    recon, bits = compression.ours(Curve(), OneClassEncoder(3), {"style_dims": 1, "style_range": [[0.0, 1.0]]}, x)
    assert bits == 12
    np.testing.assert_allclose(recon[:, 0], [0.1, 0.5, 0.9], atol=0.5 / 255 + 1e-6)
    assert len(encoding.level_lattice(1)) == 256 and len(encoding.level_lattice(2)) == 256


def test_the_command_refuses_data_its_model_was_not_trained_on(tiny_model, tmp_path):
    import json
    import shutil
    from helpers import run_cli
    model = tmp_path / "model"
    shutil.copytree(tiny_model, model)
    meta = json.loads((model / "meta.json").read_text())
    (model / "meta.json").write_text(json.dumps({**meta, "source": {**meta["source"], "data_sha256": "0" * 64}}))
    before = (model / "meta.json").read_text()
    done = run_cli("-m", "training.compression", model, "--data", FIXTURE, "--reader", tmp_path / "no_reader", "--write")  # the data is checked first
    assert done.returncode == 2 and "not the data" in done.stderr and "sha256 differs" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and done.stdout == ""
    assert (model / "meta.json").read_text() == before
