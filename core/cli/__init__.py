"""The headless commands of main.py: trace, train, gradcheck and graph.

Every error a user can cause ends as exit status 2 and one line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import sys

from core.messages import one_line
from core.safe_write import SaveError

COMMANDS = ("trace", "train", "gradcheck", "graph")


class UsageError(Exception):
    """Bad input from the user: printed as one line, exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse would print the usage block and exit
        raise UsageError(message)


def build_parser() -> argparse.ArgumentParser:
    from core.cli import graph, network

    parser = _Parser(prog="main.py", description="Backprop Stepper, headless commands.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    network.add_parsers(sub)
    graph.add_parser(sub)
    return parser


def run(argv: list[str]) -> int:
    """Run one command; returns the exit status."""
    try:
        args = build_parser().parse_args(argv)
        status = int(args.handler(args) or 0)
        sys.stdout.flush()
        return status
    except BrokenPipeError:  # the reader (say, `head`) stopped early: not an error
        sys.stderr.close()
        return 0
    except UsageError as exc:
        print(f"error: {one_line(exc)}", file=sys.stderr)
        return 2
    except SaveError as exc:  # its message names the file and says what happened
        print(f"error: {one_line(exc)}", file=sys.stderr)
        return 2
    except OSError as exc:
        where = f" {one_line(exc.filename)}" if exc.filename else ""
        print(f"error: cannot open{where}: {one_line(exc.strerror or exc)}", file=sys.stderr)
        return 2
    except ValueError as exc:
        print(f"error: {one_line(exc)}", file=sys.stderr)
        return 2
