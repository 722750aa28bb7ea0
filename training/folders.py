"""Write a folder whole or not at all, and never replace a folder this project did not make.

Standard library only: build.py imports it and must never need TensorFlow.
"""
import os
import shutil
import sys
import tempfile
from contextlib import contextmanager, suppress
from fnmatch import fnmatch
from pathlib import Path

from training.cli import UserError


def made_by(folder, names, required):
    """Whether `folder` holds only what one command writes: every entry matches one of the glob
    patterns `names`, and `required` (a file that command always writes) is there."""
    entries = os.listdir(folder)
    return (folder / required).is_file() and not (folder / required).is_symlink() and all(
        any(fnmatch(entry, pattern) for pattern in names) for entry in entries)


def check_replaceable(out, names, required, command, inside=()):
    """Refuse an `out` that is not missing, empty, or an earlier output of `command` (recognised
    by `made_by(out, names, required)`): a file, a link, a checkout, a run folder, the models; and
    one that resolves inside any of the folders `inside` (what the command reads, say)."""
    out = Path(out)
    if out.is_symlink() or (out.exists() and not out.is_dir()):
        raise UserError(f"{out}: exists and is not a folder; refusing to replace it")
    for folder in inside:
        if out.resolve().is_relative_to(Path(folder).resolve()):
            raise UserError(f"{out}: inside {folder}, where {command} writes nothing; choose a folder outside it")
    if out.is_dir() and os.listdir(out) and not made_by(out, names, required):
        raise UserError(f"{out}: not an earlier output of {command} (it holds other files); "
                        f"refusing to replace it: choose a new or empty folder")


def _umask():
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextmanager
def written_whole(out, names, required, command, inside=()):
    """Yield a new temporary folder beside `out` to write into. If the block ends without an error
    it replaces `out`; if not, it is deleted and `out` stays as it was (nothing half-written).
    `out` must be missing, empty, or an earlier output of the same command (check_replaceable)."""
    out = Path(os.path.abspath(out))  # `SITE/static/..` is SITE, not a folder `..` inside static/
    check_replaceable(out, names, required, command, inside)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent))
        tmp.chmod(0o777 & ~_umask())  # mkdtemp makes it private; the output is an ordinary folder
    except OSError as e:
        raise UserError(f"{out.parent}: cannot write there ({e.strerror})") from None
    old = None
    try:
        yield tmp
        check_replaceable(out, names, required, command, inside)  # it may have changed meanwhile
        if out.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".old", dir=out.parent))
            out.replace(old)  # onto the new empty folder: a rename, so never a copy half-done
        tmp.replace(out)
    except BaseException:
        if old is not None and old.exists():
            if out.exists():
                with suppress(OSError):
                    old.rmdir()  # the empty folder: the earlier output was never moved into it
            else:
                old.replace(out)  # put the earlier output back
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    if old is not None:
        try:
            shutil.rmtree(old)
        except OSError as e:
            print(f"warning: {old}: the earlier output, replaced, cannot be deleted ({e.strerror}); "
                  f"delete it by hand", file=sys.stderr)
