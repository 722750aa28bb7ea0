"""A training stage's checkpoints: what a stopped run resumes from, and how long the stage has taken.

The time is kept with the checkpoint because a run may be stopped and resumed any number of times:
the seconds a stage reports are those of every process that worked on it, up to its last finished
epoch, not only the last process's.
"""
import io
import json
import time

import numpy as np

from training.cli import UserError
from training.pipeline import runs


class Checkpoints:
    """One stage's checkpoints in OUT/checkpoints: NAME.json says how many epochs are done, holds
    their history and the seconds they took; it is written after the weights and optimizer files it
    names, so it never vouches for a file that is not whole."""

    def __init__(self, out, name, model, started=None):
        """started: when this process began the stage (time.monotonic(); default: now)."""
        self.folder, self.name, self.model = out / "checkpoints", name, model
        self.folder.mkdir(parents=True, exist_ok=True)
        self.state = self.folder / f"{name}.json"
        self.earlier, self.started = 0.0, time.monotonic() if started is None else started

    def _files(self, done):
        stem = self.folder / f"{self.name}_{done:03d}"
        return stem.with_suffix(".weights.npz"), stem.with_suffix(".optimizer.npz"), stem.with_suffix(".codes.npy")

    def load(self):
        """-> (epochs done, history rows, codes or None); the model and its optimizer as they were.
        The stage's clock goes on from the seconds its earlier processes took."""
        if not self.state.exists():
            return 0, [], None
        state = _read(self.state, lambda path: json.loads(path.read_text()))
        if not (isinstance(state, dict) and type(state.get("done")) is int and state["done"] > 0
                and isinstance(state.get("history"), list)
                and isinstance(state.get("seconds"), (int, float, type(None)))):
            raise runs.damaged(self.state, "not a checkpoint record")
        done = state["done"]
        self.earlier = state.get("seconds")  # None: a checkpoint from before the clock was kept
        weights, optimizer, codes = self._files(done)
        _read(weights, lambda path: load_weights(self.model, path))
        saved = _read(optimizer, _arrays)
        opt = self.model.optimizer
        opt.build(self.model.trainable_variables)
        variables = list(opt.variables)
        if len(variables) != len(saved):
            raise UserError(f"{optimizer}: holds {len(saved)} optimizer values, the model needs "
                            f"{len(variables)}")
        for i, var in enumerate(variables):
            var.assign(saved[i])
        return done, state["history"], (_read(codes, np.load) if codes.exists() else None)

    def seconds(self):
        """The stage's time so far, every process's (None if an earlier one's is not known)."""
        return None if self.earlier is None else round(self.earlier + time.monotonic() - self.started, 1)

    def save(self, done, history, codes=None):
        weights, optimizer, codes_file = self._files(done)
        # .npz made in memory, not Keras' HDF5 files: see runs.write_bytes
        runs.write_bytes(weights, _npz(self.model.get_weights()))
        runs.write_bytes(optimizer, _npz([v.numpy() for v in self.model.optimizer.variables]))
        if codes is not None:
            runs.write_whole(codes_file, lambda tmp: np.save(tmp, codes))
        # last: it vouches for the files
        runs.write_json(self.state, {"done": done, "history": history, "seconds": self.seconds()})
        for f in self._files(done - 1):
            f.unlink(missing_ok=True)
        runs.check_interrupted()  # a Ctrl-C dropped during the epoch stops here, the epoch kept


def load_weights(model, path):
    """Give `model` the weights of a checkpoint's NAME_NNN.weights.npz."""
    model.set_weights(_arrays(path))


def _npz(arrays):
    buffer = io.BytesIO()
    np.savez(buffer, **{f"v{i}": a for i, a in enumerate(arrays)})
    return buffer.getvalue()


def _arrays(path):
    """The arrays of an .npz that _npz made, in their order."""
    with np.load(path) as saved:
        return [saved[f"v{i}"] for i in range(len(saved.files))]


def _read(path, read):
    """read(path), or the UserError saying the run folder is damaged: json, h5py, Keras and NumPy raise
    OSError, ValueError, KeyError, zipfile.BadZipFile... for a file that is missing or cut short."""
    try:
        return read(path)
    except Exception as e:
        raise runs.damaged(path, e) from None
