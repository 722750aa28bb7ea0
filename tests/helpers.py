"""Paths and helpers the tests share."""
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "mnist_small.npz"
FIXTURE_VAL = 200  # the fixture has 2,000 training digits: 1,800 train / 200 validation
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


# How far TF.js may be from Keras running the same (dequantised) weights: the parity files hold Keras'
# outputs with the shipped weights, so quantisation is not part of it (convert.py checks its cost); what
# is left is float32 arithmetic in another order, far below these bounds. A wrong weight moves far more.
PARITY_BOUND = {"pixels": 1e-4, "probs": 1e-4, "style_fraction": 1e-5}


def style_bound(meta):
    """How far a style value may be from Keras': a share of the style range's width. The picker's style
    is its bins' medians weighted by a softmax of logits x picker_sharpness: near a tie of two bins it moves
    that many times as fast as the logits, and so does float32 arithmetic in another order (a tiny
    run's digit near a tie: 4.7e-4 on the page's runner, of a width of 13.5)."""
    width = max(hi - lo for lo, hi in meta["style_range"])
    if meta.get("style_head", {}).get("shipped") == "picker":
        from training.pipeline.config import PRESETS
        width *= PRESETS[meta["source"]["preset"]].picker_sharpness
    return PARITY_BOUND["style_fraction"] * width


def assert_parity(result, meta):
    bound = PARITY_BOUND
    assert result["decoder_max_abs_diff"] <= bound["pixels"], result
    assert result["encoder_probs_max_abs_diff"] <= bound["probs"], result
    assert result["encoder_style_max_abs_diff"] <= style_bound(meta), result
    assert result["decoder_tensors_leaked"] == 0 and result["encoder_tensors_leaked"] == 0, result
    # the page's runner (web/static/js/runtime/net.js), on the same inputs: as close to Keras, and to tf-layers
    assert result["net_decoder_max_abs_diff"] <= bound["pixels"], result
    assert result["net_encoder_probs_max_abs_diff"] <= bound["probs"], result
    assert result["net_encoder_style_max_abs_diff"] <= style_bound(meta), result
    assert result["net_decoder_vs_layers_max_abs_diff"] <= bound["pixels"], result
    assert result["net_decoder_tensors_leaked"] == 0 and result["net_encoder_tensors_leaked"] == 0, result


def start_for_ctrl_c(args, **popen):
    """Start `python ARGS` to be sent a Ctrl-C (SIGINT). The child gets SIGINT's default action back
    before it starts: a shell that runs a command in the background (`cmd &`, no job control) starts
    it with SIGINT ignored, Python then never raises KeyboardInterrupt, and the child would run to its
    end whatever the test sends (a run of the suite started that way failed these tests, exit 0)."""
    return subprocess.Popen([sys.executable, *map(str, args)], cwd=ROOT, text=True, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
                            **popen)


def run_cli(*args, cwd=ROOT, timeout=600):
    """Run `python -m ...` or a script as a user would; returns the CompletedProcess."""
    return subprocess.run([sys.executable, *map(str, args)], cwd=cwd, capture_output=True, text=True,
                          timeout=timeout, env={**os.environ, "PYTHONPATH": str(ROOT)})


# --batch-size 16: 113 steps of stage 1 on the fixture, so its BatchNorm statistics settle (at the
# preset's 128, 14 steps left the classifier near chance on validation and the tiny search nothing to beat)
def train_args(out, *extra):
    return ["-m", "training.train", "--data", FIXTURE, "--validation-size", FIXTURE_VAL,
            "--epochs-classifier", "1", "--epochs-autoencoder", "2", "--refine-rounds", "2", "--realism-rounds", "1", "--batch-size", "16",
            "--quiet",
            "--out", out, *extra]


def node_parity(model_dir, backend):
    done = subprocess.run(["node", str(ROOT / "tests" / "node" / "parity.mjs"), str(model_dir), backend],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


class OneClassEncoder:
    """A stand-in encoder: every image is `label` for sure, with style 0 (a search then finds the style)."""

    def __init__(self, label, style_dims=1):
        self.label, self.style_dims = label, style_dims

    def predict(self, x, **_):
        import numpy as np
        from training.contract import NUM_CLASSES
        out = np.zeros((len(x), NUM_CLASSES + self.style_dims), np.float32)
        out[:, self.label] = 1
        return out
