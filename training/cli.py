"""Every command's one error boundary: a refusal is a UserError, whose message is the one line the user
reads (`error: MESSAGE`, exit 2); Ctrl-C is one line `interrupted` (exit 130) and SIGTERM `terminated`
(exit 143), each followed by what the command leaves if it said (leaving). Never a traceback, but for a bug.

Standard library only: the site build uses it too.
"""
import functools
import sys
from contextlib import contextmanager


class UserError(Exception):
    """What was asked cannot be done; the message is meant for the user as is (it names what and why)."""


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised where the command is (raise_terminated), so that it is cleaned up as a Ctrl-C is."""


def raise_terminated(signum, frame):
    """A handler for signal.signal(signal.SIGTERM, ...)."""
    raise Terminated()


def main(command):
    """Decorates a command's main(argv=None) -> exit code: its UserError or stop becomes one line on stderr."""
    @functools.wraps(command)
    def run(argv=None):
        try:
            return command(argv)
        except UserError as e:
            print(f"error: {e}", file=sys.stderr)
            return 2
        except KeyboardInterrupt as e:
            terminated = isinstance(e, Terminated)
            print(f"\n{'terminated' if terminated else 'interrupted'}{': ' if str(e) else ''}{e}", file=sys.stderr)
            return 143 if terminated else 130
    return run


@contextmanager
def leaving(what):
    """A Ctrl-C or SIGTERM inside the block says what the command leaves: `what`, or what() called then."""
    try:
        yield
    except KeyboardInterrupt as e:
        raise type(e)(what() if callable(what) else what) from None


@contextmanager
def writing(out, what):
    """An OSError inside the block (a read-only or full disk) is the refusal naming the file:
    `FILE (or out): cannot write WHAT (reason)`."""
    try:
        yield
    except OSError as e:
        raise UserError(f"{e.filename or out}: cannot write {what} ({e.strerror or e})") from None
