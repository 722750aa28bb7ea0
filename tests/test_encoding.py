"""The search behind `python -m training.encoding`: it must find the style an image was made with."""
import os
import subprocess
import sys

import numpy as np
import tf_keras as keras

from helpers import FIXTURE, ROOT, run_cli
from training.pipeline import encoding
from training.contract import NUM_CLASSES


class WrongStyleEncoder:
    """Right class, style of another image: what the search has to repair."""

    def __init__(self, codes):
        self.codes = codes

    def predict(self, x, **_):
        wrong = self.codes.copy()
        wrong[:, NUM_CLASSES:] = np.roll(self.codes[:, NUM_CLASSES:], 7, axis=0)
        return wrong


def pixel_decoder(rng):
    """code -> sigmoid(code @ W): every pixel depends on class and style, as a trained decoder's do."""
    code = keras.Input((NUM_CLASSES + 1,))
    dense = keras.layers.Dense(28 * 28, activation="sigmoid")
    decoder = keras.Model(code, keras.layers.Reshape((28, 28, 1))(dense(code)))
    dense.set_weights([rng.normal(0, 2, (NUM_CLASSES + 1, 28 * 28)), np.zeros(28 * 28)])
    return decoder


def test_search_recovers_the_style_an_image_was_decoded_from():
    rng = np.random.default_rng(0)
    decoder = pixel_decoder(rng)
    codes = np.zeros((40, NUM_CLASSES + 1), np.float32)
    codes[np.arange(40), rng.integers(0, NUM_CLASSES, 40)] = 1
    codes[:, NUM_CLASSES] = rng.uniform(-3, 3, 40)
    x = decoder.predict(codes, verbose=0)
    true_bce = encoding.bce_per_image(x, x)  # the floor: the image's own entropy

    grid = {"low": [-3.3], "high": [3.3], "points": 600}
    _, enc_bce, found, found_bce = encoding.encode(WrongStyleEncoder(codes), encoding.Curves(decoder, grid), x)

    assert enc_bce.mean() > true_bce.mean() + 0.05
    assert np.all(found_bce <= enc_bce)
    np.testing.assert_allclose(found_bce, true_bce, atol=2e-4)
    np.testing.assert_array_equal(found[:, :NUM_CLASSES], codes[:, :NUM_CLASSES])


def test_a_folder_that_is_not_a_run_is_a_clear_error(tmp_path):
    done = run_cli("-m", "training.encoding", tmp_path, "--data", FIXTURE)
    assert done.returncode == 2
    assert "not a finished run (missing" in done.stderr and "Traceback" not in done.stderr


def reference_improve(decoder, codes, x, grid, keep=1):
    """The search as first written: every image decodes every candidate, even the style it has."""
    styles = encoding.grid_styles(grid)
    flat = x.reshape(len(x), -1)
    best, best_bce = codes.copy(), encoding.decode_bce(decoder, codes, x)
    candidates = np.zeros((len(x), keep, 1), np.float32)
    for i, c in enumerate(codes[:, :NUM_CLASSES].argmax(1)):
        curve = np.zeros((len(styles), codes.shape[1]), np.float32)
        curve[:, c], curve[:, NUM_CLASSES:] = 1, styles
        r = np.clip(decoder.predict(curve, verbose=0).reshape(len(styles), -1), encoding.EPS, 1 - encoding.EPS)
        score = np.log(r) @ flat[i] + np.log(1 - r) @ (1 - flat[i])
        candidates[i] = styles[np.argsort(-score, kind="stable")[:keep]]
    for k in range(keep):
        trial = codes.copy()
        trial[:, NUM_CLASSES:] = candidates[:, k]
        trial_bce = encoding.decode_bce(decoder, trial, x)
        better = trial_bce < best_bce
        best[better], best_bce[better] = trial[better], trial_bce[better]
    return best, best_bce


def half_searched(seed, n=60):
    """(decoder, grid, codes, images): soft class probabilities (the re-scoring decides), and styles
    half at a grid point near the image's own, a quarter elsewhere, a quarter the image's own."""
    rng = np.random.default_rng(seed)
    decoder = pixel_decoder(rng)
    grid = {"low": [-3.0], "high": [3.0], "points": 64}
    styles = encoding.grid_styles(grid)
    codes = np.zeros((n, NUM_CLASSES + 1), np.float32)
    classes = rng.integers(0, NUM_CLASSES, n)
    codes[np.arange(n), classes] = 0.9
    codes[np.arange(n), (classes + 1) % NUM_CLASSES] = 0.1
    codes[:, NUM_CLASSES] = rng.uniform(-3, 3, n)
    x = decoder.predict(codes, verbose=0)
    half, quarter = n // 2, n // 4
    codes[:half, NUM_CLASSES] = styles[np.abs(styles - codes[:half, NUM_CLASSES:].T).argmin(0), 0]
    codes[half:half + quarter, NUM_CLASSES] = rng.uniform(-3, 3, quarter)
    return decoder, grid, codes, x


def test_the_search_skips_only_decodes_whose_answer_it_knows():
    """Late in stage 3 most images already have their best grid style; improve() decodes only the
    candidates that are new, and must pick what decoding every candidate picks."""
    decoder, grid, codes, x = half_searched(1)
    found, found_bce = encoding.improve(encoding.Curves(decoder, grid), codes, x)
    expected, expected_bce = reference_improve(decoder, codes, x, grid)
    np.testing.assert_array_equal(found, expected)
    np.testing.assert_allclose(found_bce, expected_bce, rtol=0, atol=1e-7)
    assert np.any(found[:, NUM_CLASSES] != codes[:, NUM_CLASSES])  # the search did change some


def test_refresh_finds_the_codes_improve_finds_without_their_bce():
    """Stage 3's rounds call refresh(), which decodes only the images whose best curve point moved
    (twice: their style and the new one): its codes must be improve()'s."""
    decoder, grid, codes, x = half_searched(2, 80)
    curves = encoding.Curves(decoder, grid)
    found = encoding.refresh(curves, codes, x)
    searched = encoding.improve(curves, codes, x)[0]
    np.testing.assert_array_equal(found, searched)
    assert np.any(found != codes)
    np.testing.assert_array_equal(encoding.refresh(curves, searched, x), searched)  # nothing left to move


# The search of images near a smooth curve of 1,024 points, as stage 3 searches a decoder's curve: the
# best point of an image and its neighbour score nearly alike. Prints a digest of the points it picks.
SEARCH_A_CURVE = """
import hashlib, numpy as np
from training.pipeline import encoding
rng = np.random.default_rng(0)
a, b = rng.normal(0, 2, 784), rng.normal(0, 2, 784)
curve = 1 / (1 + np.exp(-(a + np.linspace(-3, 3, 1024)[:, None] * b)))
x = 1 / (1 + np.exp(-(a + rng.uniform(-3, 3, (2000, 1)) * b))) + rng.normal(0, 0.1, (2000, 784))
scores = encoding.log_likelihoods(np.clip(x, 0, 1).astype(np.float32), encoding.clipped_logs(curve.astype(np.float32)))
print(hashlib.sha256(encoding._top(scores, 1).tobytes()).hexdigest())
"""


def test_the_search_picks_the_same_points_whatever_blas_kernel_numpy_uses():
    """NumPy's OpenBLAS picks its kernel from the CPU, or from OPENBLAS_CORETYPE; each sums a product in
    an order of its own. A run stopped and resumed from a shell with another OPENBLAS_CORETYPE must
    search the same styles (in float32 every kernel below picked other points for some images)."""
    picked = {}
    for kernel in (None, "Prescott", "Haswell"):  # None: the one OpenBLAS picks for this CPU
        env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_CORETYPE"}
        env.update({"PYTHONPATH": str(ROOT)}, **({"OPENBLAS_CORETYPE": kernel} if kernel else {}))
        done = subprocess.run([sys.executable, "-c", SEARCH_A_CURVE], cwd=ROOT, env=env, capture_output=True,
                              text=True, timeout=120)
        assert done.returncode == 0, done.stderr[-2000:]
        picked[kernel] = done.stdout.strip()
    assert len(set(picked.values())) == 1, picked
