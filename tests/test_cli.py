"""Every command's one error boundary (training/cli.py): a refusal is one line `error: ...` and exit 2,
Ctrl-C one line and 130, SIGTERM 143, never a traceback; a bug is not hidden."""
import subprocess
import sys

import pytest
from helpers import ROOT

from training import cli
from training.cli import Terminated, UserError


def command(fault=None, code=0, leaving=""):
    """A command as the real ones are made: cli.main around it, leaving() and writing() inside."""
    @cli.main
    def main(argv=None):
        with cli.leaving(leaving), cli.writing("runs/x", "the run"):
            if fault:
                raise fault
        return code
    return main


@pytest.mark.parametrize("fault, code, stderr", [
    (UserError("x.npz: no such data file"), 2, "error: x.npz: no such data file\n"),
    (KeyboardInterrupt(), 130, "\ninterrupted\n"),
    (Terminated(), 143, "\nterminated\n"),
    (OSError(28, "No space left on device", "runs/x/a.h5"), 2,
     "error: runs/x/a.h5: cannot write the run (No space left on device)\n"),
    (OSError(30, "Read-only file system"), 2, "error: runs/x: cannot write the run (Read-only file system)\n"),
])
def test_a_refusal_or_a_stop_is_one_line_and_its_exit_code(capsys, fault, code, stderr):
    assert command(fault=fault)(["--any"]) == code
    assert capsys.readouterr() == ("", stderr)


def test_a_stop_says_what_the_command_leaves_as_it_is_then(capsys):
    state = []
    stopped = command(fault=KeyboardInterrupt(), leaving=lambda: f"{len(state)} epochs kept")
    state.append(1)
    assert stopped() == 130
    assert capsys.readouterr().err == "\ninterrupted: 1 epochs kept\n"
    assert command(fault=Terminated(), leaving="out was not changed")() == 143
    assert capsys.readouterr().err == "\nterminated: out was not changed\n"


def test_the_command_s_own_exit_code_passes_and_a_bug_keeps_its_traceback(capsys):
    assert command(code=1)() == 1
    with pytest.raises(ZeroDivisionError):
        command(fault=ZeroDivisionError("a bug"))()
    assert capsys.readouterr() == ("", "")


def test_the_process_exits_2_with_the_one_line_and_no_traceback():
    script = ("import sys\nfrom training import cli\n@cli.main\ndef main(argv=None):\n"
              "    raise cli.UserError('--epochs must be at least 1, got 0')\nsys.exit(main())\n")
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stdout, done.stderr) == (2, "", "error: --epochs must be at least 1, got 0\n")
