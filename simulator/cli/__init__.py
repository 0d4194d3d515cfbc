"""The `callsim` command: global flags, sub-commands, and one-line errors instead of tracebacks.

Each sub-command lives in its own module with a `register(subparsers)` function that adds its
parser and sets `func(args) -> int`.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from simulator import __version__
from simulator.errors import UserError
from simulator.llm.base import BackendError

# Imported lazily inside `_build_parser` so `callsim code` does not pay for the app or the model.
_COMMAND_MODULES = (
    "simulator.cli.code_cmd",
    "simulator.cli.persona_cmd",
    "simulator.cli.play_cmd",
    "simulator.cli.score_cmd",
    "simulator.cli.history_cmd",
    "simulator.cli.export_cmd",
    "simulator.cli.review_cmd",
    "simulator.cli.progress_cmd",
    "simulator.cli.app_cmd",
)


def _build_parser(with_commands: bool = True) -> argparse.ArgumentParser:
    import importlib

    parser = argparse.ArgumentParser(
        prog="callsim",
        add_help=with_commands,
        description="Practise a Call Russia phone call against a local model, then read a "
        "scorecard. With no sub-command, opens the app.",
    )
    parser.add_argument("--version", action="version", version=f"callsim {__version__}")
    parser.add_argument(
        "--backend",
        choices=["embedded", "openai"],
        help="embedded llama.cpp (default) or an OpenAI-compatible server (env CALLSIM_BACKEND)",
    )
    parser.add_argument("--model", metavar="PATH.gguf", help="a GGUF model (env CALLSIM_MODEL)")
    parser.add_argument(
        "--base-url", metavar="URL", help="OpenAI-compatible server (env CALLSIM_BASE_URL)"
    )
    parser.add_argument(
        "--prompt-style",
        choices=["transcript", "chat"],
        help="for --backend openai: /v1/completions or /v1/chat/completions "
        "(env CALLSIM_PROMPT_STYLE, default chat)",
    )
    parser.add_argument(
        "--data-dir", metavar="DIR", help="where history lives (env CALLSIM_DATA_DIR)"
    )
    if not with_commands:
        return parser
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in _COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run `callsim` and return its exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    # With no sub-command the app opens: parse only the global flags, so the app's start-up does
    # not pay for importing every sub-command's module.
    from simulator.cli.common import print_error, safe_output

    wants_help = any(a in ("-h", "--help") for a in argv)
    with safe_output():  # a usage error may quote what was typed, escapes included
        globals_only, rest = _build_parser(with_commands=False).parse_known_args(argv)
        if not rest and not wants_help:
            args = globals_only
        else:
            args = _build_parser().parse_args(argv)
    func = getattr(args, "func", None)
    # The app draws the screen itself; every other command's output is made terminal-safe.
    opens_app = func is None or getattr(args, "opens_app", False)
    if func is None:
        app_main = getattr(args, "app_func", None)
        from simulator.cli import app_cmd

        func = app_main or app_cmd.run_app
    try:
        if opens_app:
            return int(func(args) or 0)
        with safe_output():
            return int(func(args) or 0)
    except (UserError, BackendError) as exc:
        print_error(exc)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
