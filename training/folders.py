"""Write a folder whole or not at all, for the conversion and the site build alike.

Standard library only: build.py imports it and must never need TensorFlow.
"""
import shutil
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def written_whole(out):
    """Yield a temporary folder beside `out` to write into. If the block ends without an error it
    replaces `out`; if not, it is deleted and `out` stays as it was (nothing half-written)."""
    out = Path(out)
    tmp = out.with_name(out.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    try:
        yield tmp
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    old = out.with_name(out.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if out.exists():
        out.rename(old)
    tmp.rename(out)
    shutil.rmtree(old, ignore_errors=True)
