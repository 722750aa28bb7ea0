"""Read a file of a folder as the site build publishes it: reached without a symbolic link and
without leaving the folder, and one regular file with one name.

Each path part is opened relative to the folder opened before it, never following a link (dir_fd +
O_NOFOLLOW), and the file is checked (fstat) and read through that same descriptor: a file swapped
for a link, or another file hard-linked in its place, between a check and a copy cannot slip through.
Standard library only (build.py imports it).
"""
import errno
import os
import stat
from pathlib import Path

from training.cli import UserError

READ = os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC
# O_NONBLOCK: a FIFO opens at once (and is refused by fstat) instead of waiting for a writer
FILE, FOLDER = READ | os.O_NONBLOCK, READ | os.O_DIRECTORY


def _refusal(error, path):
    if error.errno == errno.ELOOP or os.path.islink(path):  # (O_NOFOLLOW's answer to a link)
        return f"{path}: a symbolic link; the build publishes only regular files, never a link's target"
    if error.errno == errno.ENOENT:
        return f"{path}: missing"
    if error.errno == errno.ENOTDIR:
        return f"{path}: not a folder"
    return f"{path}: cannot be read ({error.strerror})"


def read(folder, rel, limit=None):
    """-> the bytes of folder/rel, `rel` a '/'-separated path of plain names (the caller checks them),
    if folder itself and every part on the way is not a link and the file is a regular file with
    one link; else UserError. With a `limit`, at most limit + 1 bytes are read (the caller refuses more)."""
    folder = Path(folder).absolute()  # (not resolved: that would follow links)
    path = folder.parent
    fds = []
    try:
        fds.append(os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC))
        for part in [folder.name, *rel.split("/")[:-1]]:
            path = path / part
            fds.append(os.open(part, FOLDER, dir_fd=fds[-1]))
        path = path / rel.split("/")[-1]
        fds.append(os.open(path.name, FILE, dir_fd=fds[-1]))
        info = os.fstat(fds[-1])
        if not stat.S_ISREG(info.st_mode):
            raise UserError(f"{path}: not a regular file")
        if info.st_nlink != 1:  # a hard link: the same file under another name, maybe outside the folder
            raise UserError(f"{path}: a hard link ({info.st_nlink} names for one file); the build publishes only "
                            f"files with one name (copy it to a file of its own)")
        chunks, size = [], 0
        while (limit is None or size <= limit) and (chunk := os.read(fds[-1], 1 << 20)):
            chunks.append(chunk)
            size += len(chunk)
        return b"".join(chunks)
    except OSError as e:
        raise UserError(_refusal(e, path)) from None
    finally:
        for fd in fds:
            os.close(fd)
