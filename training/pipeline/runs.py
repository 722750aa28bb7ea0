"""What a run folder is: the files training writes and resumes from, and how they are read.

    runs/NAME/run.json (how the run was made: a resume must match it), checkpoints/ (after each finished
    epoch or round), history_*.csv, encoder.h5, decoder.h5, samples/, grid.png, metrics.json (last)

Every file a resume reads is written whole or not at all, a checkpoint's json after the files it names,
so a Ctrl-C at any moment leaves the last finished epoch readable. TensorFlow loads only with models.
"""
import csv
import io
import json
import os
import signal
from pathlib import Path

from training.cli import UserError
from training.pipeline import data as data_lib

RUN_RECORD = "run.json"
FINISHED = ("metrics.json", "encoder.h5", "decoder.h5")


_interrupted = []  # a Ctrl-C came (keep_interrupts)


def keep_interrupts():
    """Ctrl-C raises KeyboardInterrupt as ever, and is remembered. TensorFlow frees a traced function
    in a __del__ method (one with a bare `except: pass`), and Python drops what a __del__ raises: a
    Ctrl-C that lands there would be lost, and training would go on to its end. check_interrupted()
    raises it again. A process started with Ctrl-C ignored (a shell's `cmd &`) keeps ignoring it."""
    def interrupted(signum, frame):
        _interrupted.append(signum)
        raise KeyboardInterrupt
    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
        signal.signal(signal.SIGINT, interrupted)


def check_interrupted():
    """Raise KeyboardInterrupt if a Ctrl-C came, wherever it was raised and dropped."""
    if _interrupted:
        raise KeyboardInterrupt


def write_whole(path, write):
    """Call write(tmp_path), then rename tmp_path to `path`: readers see the old file or the new,
    never a part. The temporary name ends as `path` does: NumPy's save adds ".npy" to a name without it."""
    path = Path(path)
    tmp = path.with_name(f".partial.{path.name}")
    try:
        write(tmp)
        os.replace(tmp, path)
    except OSError as e:
        e.filename = e.filename or str(path)  # a failed write() names no file: name the one being written
        raise
    finally:
        tmp.unlink(missing_ok=True)


def write_bytes(path, data):
    """Files that HDF5, NumPy's savez or TensorFlow make are made in memory and written here: on a
    full disk Python raises one OSError, where HDF5 prints tracebacks as its objects are freed (and
    may crash the process), NumPy's zip file prints one as it is freed, TensorFlow raises its own errors."""
    write_whole(path, lambda tmp: tmp.write_bytes(data))


def write_model(path, model):
    """model.save(path) as HDF5 (see write_bytes)."""
    import h5py
    buffer = io.BytesIO()
    with h5py.File(buffer, "w") as f:
        model.save(f)
    write_bytes(path, buffer.getvalue())


def write_text(path, text):
    write_whole(path, lambda tmp: tmp.write_text(text))


def write_json(path, value):
    write_text(path, json.dumps(value, indent=2) + "\n")


def write_csv(path, rows):
    """rows: dicts with the same keys, written as a CSV with a header."""
    buffer = io.StringIO()
    if rows:
        writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    write_text(path, buffer.getvalue())


def start_or_resume(out, record):
    """Make `out` a run folder of `record` (the arguments that shape the run's figures), or check that
    it already is one: a resume with other arguments would make metrics.json misstate the run."""
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise UserError(f"{out}: exists and is not a folder; choose another --out")
    if (out / "metrics.json").exists():
        raise UserError(f"{out}: already holds a finished run (metrics.json); choose another --out")
    path = out / RUN_RECORD
    if path.exists():
        try:
            earlier = json.loads(path.read_text())
        except (OSError, ValueError) as e:  # ValueError: not JSON, or not UTF-8
            raise damaged(path, e) from None
        if not isinstance(earlier, dict):
            raise damaged(path, f"a JSON {type(earlier).__name__}, not a run record")
        changed = _changes(earlier, record)
        if changed:
            raise UserError(f"{out} was started with other arguments: {'; '.join(changed)}; run the same "
                            f"command to resume it, or choose another --out")
        return True
    if out.exists() and any(out.iterdir()):
        raise UserError(f"{out}: not a run folder (no {RUN_RECORD}) and not empty; choose another --out")
    out.mkdir(parents=True, exist_ok=True)
    write_json(path, record)
    return False


def damaged(path, problem):
    """The UserError for a file of a run folder that cannot be read (problem: words, or the exception
    json, h5py, Keras or NumPy raised): nothing can resume from it."""
    if isinstance(problem, Exception):
        problem = getattr(problem, "strerror", None) or f"{type(problem).__name__}: {problem}"
    problem = " ".join(problem.split())  # one line
    return UserError(f"{path}: cannot read it ({problem}); the run folder is damaged: start a new run with "
                    f"another --out")


def _changes(earlier, now, name=""):
    """'field old -> new' for each field of `now` that `earlier` does not hold alike; a dict (the
    preset's config) field by field, so that only what differs is named. A field `earlier` lacks (a run
    started before the setting was recorded) differs too: what that run used is not known."""
    if isinstance(earlier, dict) and isinstance(now, dict):
        return [change for key, value in now.items()
                for change in (_changes(earlier[key], value, f"{name}.{key}" if name else key) if key in earlier
                               else [f"{name}.{key} (not recorded) -> {value!r}" if name else
                                     f"{key} (not recorded) -> {value!r}"])]
    return [] if earlier == now else [f"{name} {earlier!r} -> {now!r}"]


def read_run(run):
    """metrics.json of a finished run, checked for the fields conversion and figures need."""
    run = Path(run)
    missing = [f for f in FINISHED if not (run / f).is_file()]
    if missing:
        raise UserError(f"{run}: not a finished run (missing {', '.join(missing)}); "
                        f"train it to the end with python -m training.train --out {run}")
    try:
        metrics = json.loads((run / "metrics.json").read_text())
    except (ValueError, UnicodeDecodeError) as e:
        raise UserError(f"{run / 'metrics.json'}: not valid JSON ({e})") from None
    needed = {"dataset": str, "data_source": str, "sizes": dict, "style_dims": int, "class_names": list,
              "test_bce": float, "test_accuracy": float, "style_range": list, "style_search": dict,
              "style_percentiles": dict, "style_percentiles_per_class": dict}
    if not isinstance(metrics, dict):
        raise UserError(f"{run / 'metrics.json'}: expected a JSON object, got {type(metrics).__name__}")
    for field, kind in needed.items():
        if not isinstance(metrics.get(field), kind):
            raise UserError(f"{run / 'metrics.json'}: field {field!r} missing or not {kind.__name__}")
    if not isinstance(metrics["sizes"].get("val"), int):
        raise UserError(f"{run / 'metrics.json'}: sizes.val missing")
    return metrics


def load_run_data(run, metrics, data_path=None):
    """The dataset a run was trained on: data_path, else the one its metrics.json names."""
    data_path = data_path or metrics["data_source"]
    if not str(data_path).endswith(".npz"):
        data_path = None  # the run used keras.datasets; so do we
    ds = data_lib.load(metrics["dataset"], data_path, metrics["sizes"]["val"])
    if ds.sha256 and metrics.get("data_sha256") and ds.sha256 != metrics["data_sha256"]:
        raise UserError(f"{data_path}: not the data {run} was trained on (sha256 differs); pass --data")
    return ds


def load_run_models(run, style_dims):
    """-> (encoder, decoder) of a run as Keras models. A file Keras cannot read, or models that do
    not take and give what the run says (28x28 images <-> codes of 10 + style_dims), is a UserError."""
    from training.pipeline import quiet_tensorflow  # noqa: F401
    import tf_keras as keras

    from training.contract import IMAGE_SIDE, NUM_CLASSES
    code = NUM_CLASSES + style_dims
    wanted = {"encoder": ((None, IMAGE_SIDE, IMAGE_SIDE, 1), (None, code)),
              "decoder": ((None, code), (None, IMAGE_SIDE, IMAGE_SIDE, 1))}
    models = []
    for part, (inputs, outputs) in wanted.items():
        path = Path(run) / f"{part}.h5"
        try:
            model = keras.models.load_model(path, compile=False)
        except Exception as e:  # h5py and Keras raise OSError, ValueError, KeyError... for a damaged file
            raise UserError(f"{path}: not a readable Keras model ({type(e).__name__}: {e})") from None
        got = (tuple(model.input_shape), tuple(model.output_shape))
        if got != (inputs, outputs):
            raise UserError(f"{path}: maps {got[0]} to {got[1]}, but a {part} of this run maps {inputs} to "
                            f"{outputs} (style_dims {style_dims} in metrics.json)")
        models.append(model)
    return models
