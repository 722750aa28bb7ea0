"""Training that goes wrong: a loss that becomes NaN stops with a clear error; Ctrl-C keeps the last
finished epoch and the same command resumes from it."""
import csv
import signal
import subprocess
import sys
import time

from helpers import ROOT, run_cli, train_args


def test_nan_loss_stops_with_a_clear_error(tmp_path):
    done = run_cli(*train_args(tmp_path / "nan", "--learning-rate", "1e9"))
    assert done.returncode == 2
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("error: stage 1 (classifier): loss became nan"), done.stderr[-500:]
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "nan" / "metrics.json").exists()


def epochs_logged(path):
    if not path.exists():
        return []
    with open(path) as f:
        return [int(row["epoch"]) for row in csv.DictReader(f)]


def test_ctrl_c_then_the_same_command_resumes(tmp_path):
    out = tmp_path / "run"
    args = [str(a) for a in train_args(out)]
    args[args.index("--epochs-autoencoder") + 1] = "6"
    proc = subprocess.Popen([sys.executable, *args], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env={"PYTHONPATH": str(ROOT), "TF_CPP_MIN_LOG_LEVEL": "3",
                                            "PATH": "/usr/bin:/bin"})
    history = out / "history_autoencoder.csv"
    deadline = time.time() + 300
    while len(epochs_logged(history)) < 1 and proc.poll() is None and time.time() < deadline:
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    _, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 130, stderr[-1000:]
    assert "run the same command again to resume" in stderr
    finished = epochs_logged(history)
    assert 1 <= len(finished) < 6 and not (out / "metrics.json").exists()

    done = run_cli(*args)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "stage 1: loaded" in done.stdout
    assert epochs_logged(history) == list(range(6)), "resumed after the last finished epoch, no repeats"
    assert (out / "metrics.json").is_file()
