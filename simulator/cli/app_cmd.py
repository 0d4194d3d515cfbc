"""`callsim` with no sub-command: open the app."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    """The app has no sub-command of its own; `main` calls `run_app` when none is given."""


def run_app(args: argparse.Namespace) -> int:
    """Open the Textual app (until it exists, print the help)."""
    try:
        from simulator.tui.app import run  # noqa: PLC0415
    except ModuleNotFoundError:
        from simulator.cli import _build_parser

        _build_parser().print_help()
        return 0
    return run(args)
