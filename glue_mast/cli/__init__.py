"""The ``glue-mast`` command: search, products, fetch, verify, reproduce, demo.

A thin front end: :mod:`.parser` turns the command line into options, :mod:`.commands` turns
them into calls of :mod:`glue_mast.archive`, and :mod:`.output` turns results into text. A
mistake gets one line on stderr (``glue-mast: error: ...``) and a non-zero exit: 2 for bad
input (a directory that cannot be written and a missing optional package included), 3 when the
server fails, 1 otherwise; nothing is written to stdout then.
"""

from __future__ import annotations

import gc
import os
import signal
import sys

__all__ = ["main"]


def main(argv=None):
    """Run the command line; returns the exit status."""
    from ..errors import GlueMastError
    from .commands import COMMANDS
    from .output import error_line
    from .parser import build_parser, merge_global_options, unrecognized_hint

    parser = build_parser()
    args, extras = parser.parse_known_args(argv)
    if extras:
        parser.error(f"unrecognized arguments: {' '.join(extras)}"
                     + unrecognized_hint(args, extras))
    merge_global_options(parser, args)
    try:
        status = COMMANDS[args.command](args, sys.stdout) or 0
        sys.stdout.flush()
        # The work is done: spare the interpreter's final garbage collection over everything
        # astropy and astroquery built (about 0.2 s at every exit).
        gc.freeze()
        return status
    except GlueMastError as exc:
        print(error_line(exc, args), file=sys.stderr)
        return exc.exit_code
    except BrokenPipeError:
        # The reader went away (``glue-mast search ... | head -3``): nothing more is wanted.
        # Point stdout at /dev/null so that the interpreter's flush at exit cannot fail again
        # (the recipe of the Python documentation, "Note on SIGPIPE" in the signal module),
        # and exit as a program killed by SIGPIPE does, quietly.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 128 + signal.SIGPIPE
    except KeyboardInterrupt as exc:
        from .interrupts import interrupted_message

        message, status = interrupted_message(exc, args.command)
        print(f"glue-mast: {message}", file=sys.stderr)
        return status
