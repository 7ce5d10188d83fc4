"""Backprop Stepper: `python main.py [NET.json | --example NAME] ...` or a command (trace, ...)."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    from core import cli

    if argv and argv[0] in cli.COMMANDS:
        return cli.run(argv)
    from gui.app import run

    return run(argv)


if __name__ == "__main__":
    sys.exit(main())
