"""Stage 3: the decoder learns from the searched codes.

After stage 2 the decoder has learned from the style head's codes, but an image's code is the one
the search finds (training/style_search.py). Each round trains the decoder for one epoch on the
searched codes of the training set, then searches them again with the new decoder: a code only
changes when the new decoder reproduces its image better with another grid style. The classifier
and the style head do not move; the style head's value stays the search's first candidate.
Each finished round is kept, so an interrupted run resumes after it.
"""
import csv
import json

import numpy as np

from training import style_search
from training.model import NUM_CLASSES

LEARNING_RATE_END = 0.1  # the rate decays (cosine) to this share of the start over the rounds


def _load_round(out, decoder):
    state = out / "stage3.json"
    if not state.exists():
        return 0, None
    decoder.load_weights(str(out / "stage3.weights.h5"))
    return json.loads(state.read_text())["round"], np.load(out / "stage3_codes.npy")


def _save_round(out, decoder, done, codes):
    decoder.save_weights(str(out / "stage3.weights.h5"))
    np.save(out / "stage3_codes.npy", codes)
    (out / "stage3.json").write_text(json.dumps({"round": done}))  # last: it vouches for the two files


def refine(models, ds, p, out, sample_grid=None, verbose=1):
    """Run the preset's refine rounds; -> (the search grid, the searched codes of the training set).
    The grid spans the style head's values on the training set (the same after a resume: the style
    head does not move here)."""
    import tf_keras as keras
    train = ds.train
    head = models.encoder.predict(train.x, batch_size=1000, verbose=0)
    grid = style_search.make_grid(head[:, NUM_CLASSES:])
    val_head = models.encoder.predict(ds.val.x, batch_size=1000, verbose=0)  # the encoder is frozen

    def val_bce():
        return float(style_search.improve(models.decoder, val_head, ds.val.x, grid)[1].mean())

    done, codes = _load_round(out, models.decoder)
    history = out / "history_refine.csv"
    if codes is None:
        codes, train_bce = style_search.improve(models.decoder, head, train.x, grid)
        _log(history, 0, "", train_bce, val_bce(), header=True)  # round 0: stage 2's decoder
    else:
        print(f"stage 3: resumed after round {done} of {p.refine_rounds}")
    steps_per_round = -(-len(train.x) // p.batch_size)
    rate = keras.optimizers.schedules.CosineDecay(
        p.refine_learning_rate, max(1, p.refine_rounds * steps_per_round), alpha=LEARNING_RATE_END)
    models.decoder.compile(keras.optimizers.Adam(rate), "binary_crossentropy")
    models.decoder.optimizer.iterations.assign(done * steps_per_round)
    for r in range(done + 1, p.refine_rounds + 1):
        fit = models.decoder.fit(codes, train.x, batch_size=p.batch_size, epochs=1, shuffle=True, verbose=verbose)
        loss = fit.history["loss"][-1]
        if not np.isfinite(loss):
            from training.train import TrainingError
            raise TrainingError(f"stage 3 (refine): loss became {loss} in round {r}; training stopped")
        codes, train_bce = style_search.improve(models.decoder, codes, train.x, grid)
        val = val_bce()
        _log(history, r, loss, train_bce, val)
        print(f"stage 3: round {r}/{p.refine_rounds}: training BCE {train_bce.mean():.4f}, "
              f"validation BCE {val:.4f} (searched codes)", flush=True)
        _save_round(out, models.decoder, r, codes)
        if sample_grid:
            sample_grid(codes, f"refine_{r:02d}.png")
    return grid, codes


def _log(history, r, loss, train_bce, val_bce, header=False):
    with open(history, "w" if header else "a", newline="") as f:
        writer = csv.writer(f)
        if header:
            writer.writerow(["round", "loss", "train_bce_searched", "val_bce_searched"])
        writer.writerow([r, loss, float(train_bce.mean()), val_bce])
