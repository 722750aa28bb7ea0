"""Training that goes wrong: a loss that becomes NaN stops with a clear error; Ctrl-C at any moment,
even while a checkpoint is being written, keeps the last finished epoch, and the same command then
resumes to the very figures of a run never stopped (one run stopped four times: each stop costs a
process start)."""
import csv
import json
import shutil
import signal
import time

from helpers import ROOT, run_cli, start_for_ctrl_c, train_args
from training.contract import STAGES

FIGURES = ("val_accuracy", "val_bce", "val_bce_style_head", "test_accuracy", "test_bce", "test_bce_style_head",
           "style_percentiles", "style_percentiles_per_class", "style_search", "style_head")


def test_nan_loss_stops_with_a_clear_error(tmp_path):
    done = run_cli(*train_args(tmp_path / "nan", "--learning-rate", "1e9"))
    assert done.returncode == 2
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("error: stage 1 (classifier):") and "became nan" in last, done.stderr[-500:]
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "nan" / "metrics.json").exists()


def rows(path):
    if not path.exists():
        return []
    with open(path) as f:
        return list(csv.DictReader(f))


def interrupt_when(args, ready, timeout=300):
    """Start training, send Ctrl-C as soon as ready() holds; -> its stderr (it must exit 130)."""
    proc = start_for_ctrl_c(args, env={"PYTHONPATH": str(ROOT), "TF_CPP_MIN_LOG_LEVEL": "3", "PATH": "/usr/bin:/bin"})
    deadline = time.time() + timeout
    while not ready() and proc.poll() is None and time.time() < deadline:
        time.sleep(0.002)
    proc.send_signal(signal.SIGINT)
    _, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 130, stderr[-1000:]
    assert "run the same command again to resume" in stderr and "Traceback" not in stderr
    return stderr


# The training command with every file's temporary copy kept a while before its rename, so that the
# first interruption surely lands while a checkpoint is being written: a temporary file lives too
# briefly otherwise, and a clean-clone CI once polled past all of them (the run ended, exit 0).
SLOW_WRITES = """
import runpy, sys, time
from training.pipeline import runs
write_whole = runs.write_whole
runs.write_whole = lambda path, write: write_whole(path, lambda tmp: (write(tmp), time.sleep(0.2)))
sys.argv = ["training.train", *sys.argv[1:]]
runpy.run_module("training.train", run_name="__main__", alter_sys=True)
"""


def done_after(state):
    """Epochs a stage's checkpoint vouches for (its history_*.csv, written just after, may lag it:
    a Ctrl-C can land in between)."""
    return json.loads(state.read_text())["done"]


def figures(run):
    metrics = json.loads((run / "metrics.json").read_text())
    return {k: metrics[k] for k in FIGURES}


def test_ctrl_c_anywhere_then_resume_gives_the_uninterrupted_figures(tiny_run, tmp_path):
    """Ctrl-C the moment the first checkpoint's temporary file appears (old code left a truncated
    weights file there that no resume could read), then in stages 2, 3 and 4: each resume goes on from
    the last finished epoch, and the run ends with the figures of tiny_run, the same command never
    stopped. The process that starts stage 4 has resumed stage 3, so the picker's first weights must
    not depend on what ran before it in that process."""
    out = tmp_path / "stopped"
    args = [str(a) for a in train_args(out)]
    checkpoints = out / "checkpoints"

    def temporary():
        return [p.name for p in checkpoints.iterdir() if p.name.startswith(".")] if checkpoints.is_dir() else []
    assert args[:2] == ["-m", "training.train"]
    interrupt_when(["-c", SLOW_WRITES, *args[2:]], lambda: bool(temporary()))
    assert temporary() == [], "no temporary file is left"
    interrupt_when(args, lambda: (checkpoints / "autoencoder.json").exists())
    assert done_after(checkpoints / "autoencoder.json") == 1 and not (out / "metrics.json").exists()
    # the earlier processes' time: marked large, so that the resumed stage must have carried it on
    record = json.loads((checkpoints / "autoencoder.json").read_text())
    (checkpoints / "autoencoder.json").write_text(json.dumps({**record, "seconds": 1000.0}))
    interrupt_when(args, lambda: (checkpoints / "refine.json").exists())
    assert [r["round"] for r in rows(out / "history_refine.csv")] in ([], ["0", "1"])
    interrupt_when(args, lambda: (checkpoints / "picker.json").exists())
    assert not (out / "metrics.json").exists()

    done = run_cli(*args)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "stage 1 (classifier): resumed after epoch 1 of 1" in done.stdout
    assert "stage 3: resumed after round 2 of 2" in done.stdout
    assert "stage 4 (style picker): resumed after epoch" in done.stdout
    assert [r["epoch"] for r in rows(out / "history_autoencoder.csv")] == ["0", "1"], "no repeats"
    assert [r["round"] for r in rows(out / "history_refine.csv")] == ["0", "1", "2"]
    assert figures(out) == figures(tiny_run)
    assert rows(out / "history_picker.csv") == rows(tiny_run / "history_picker.csv")
    # the time each stage took, of all the processes that worked on it
    resumed = json.loads((out / "metrics.json").read_text())["seconds"]
    assert resumed["autoencoder"] > 1000 and resumed["classifier"] > 0
    assert resumed["total"] >= sum(resumed[s] for s in STAGES)


def test_a_full_disk_is_one_line_and_leaves_the_run_resumable(tmp_path):
    """Files may grow to 64 KiB only (RLIMIT_FSIZE; SIGXFSZ ignored, so a write fails with EFBIG as on a
    full disk): the first checkpoint cannot be written. HDF5 printed its objects' tracebacks and
    "Exception ignored" lines as they were freed (and at some sizes crashed the process), NumPy's zip
    file likewise: now one line naming the file, exit 2, and nothing half-written."""
    import resource
    import subprocess
    import sys

    def limited():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (1 << 16, 1 << 16))
    out = tmp_path / "run"
    done = subprocess.run([sys.executable, *map(str, train_args(out))], cwd=ROOT, capture_output=True, text=True,
                          timeout=300, preexec_fn=limited, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert done.returncode == 2 and done.stderr.splitlines() == [
        f"error: {out}/checkpoints/classifier_001.weights.npz: cannot write the run (File too large)"], done.stderr
    assert sorted(p.name for p in out.iterdir()) == ["checkpoints", "run.json", "samples"]
    assert list((out / "checkpoints").iterdir()) == [], "no temporary file, no record of an epoch"


# The training command with a Ctrl-C sent at one point (argv[1]) of the run: "lost" sends it from a
# __del__ that swallows it, as TensorFlow's ConcreteFunctionGarbageCollector.__del__ does (its bare
# except) when an epoch frees the last one's traced function; it must not be lost (runs.keep_interrupts).
CTRL_C_AT = """
import os, runpy, signal, sys
from training.pipeline import runs, stages


class Freed:
    def __del__(self):
        try:
            os.kill(os.getpid(), signal.SIGINT)
        except:  # noqa: E722  (TensorFlow's)
            pass


def hook(module, name, lost=True, after=None):
    real = getattr(module, name)

    def hooked(*args):
        if after is None or args[0].name == after:
            setattr(module, name, real)  # once
            if lost:
                Freed()
            else:
                result = real(*args)
                os.kill(os.getpid(), signal.SIGINT)
                return result
        return real(*args)
    setattr(module, name, hooked)


where = sys.argv.pop(1)
{"first epoch": lambda: hook(stages, "fresh_epoch"),
 "after the stages": lambda: hook(runs, "write_model"),
 "after metrics.json": lambda: hook(runs, "write_json", lost=False, after="metrics.json")}[where]()
sys.argv = ["training.train", *sys.argv[1:]]
runpy.run_module("training.train", run_name="__main__", alter_sys=True)
"""


def ctrl_c_at(where, args):
    """-> (exit status, stderr) of training with a Ctrl-C at `where` (CTRL_C_AT)."""
    proc = start_for_ctrl_c(["-c", CTRL_C_AT, where, *args[2:]],
                            env={"PYTHONPATH": str(ROOT), "TF_CPP_MIN_LOG_LEVEL": "3", "PATH": "/usr/bin:/bin"})
    _, stderr = proc.communicate(timeout=600)
    assert "Traceback" not in stderr, stderr[-2000:]
    return proc.returncode, stderr.strip().splitlines()[-1]


def test_a_ctrl_c_that_python_drops_still_stops_training(tmp_path):
    """A Ctrl-C swallowed where the first epoch frees the traced functions: exit 130 at once, and the
    same command resumes."""
    out = tmp_path / "run"
    args = [str(a) for a in train_args(out)]
    assert ctrl_c_at("first epoch", args) == (
        130, f"interrupted: run the same command again to resume {out} from its last finished epoch")
    assert (out / "run.json").is_file() and not (out / "checkpoints" / "classifier.json").exists()


def test_a_ctrl_c_while_finishing_ends_130_and_the_run_resumes_to_the_same_figures(tiny_run, tmp_path):
    """tiny_run stopped after its last stage: a Ctrl-C dropped while the models are written leaves it
    unfinished (exit 130, no metrics.json; it used to write metrics.json and exit 0); a Ctrl-C just
    after metrics.json is written is 130 too, and says the run was finished: it holds the figures of
    tiny_run."""
    stopped = tmp_path / "stopped"
    shutil.copytree(tiny_run, stopped)
    (stopped / "metrics.json").unlink()
    args = [str(a) for a in train_args(stopped)]
    assert ctrl_c_at("after the stages", args) == (
        130, f"interrupted: run the same command again to resume {stopped} from its last finished epoch")
    assert not (stopped / "metrics.json").exists()
    assert ctrl_c_at("after metrics.json", args) == (130, f"interrupted: {stopped} was finished all the same")
    assert figures(stopped) == figures(tiny_run)
