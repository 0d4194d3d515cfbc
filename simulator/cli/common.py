"""What several sub-commands share: settings from flags, the store, personas, the backend."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from simulator.limits import read_text_bounded
from simulator.safe_text import SafeStream, printable

if TYPE_CHECKING:
    from simulator.config import Settings


def print_error(error: BaseException | str) -> None:
    """Print `error` on standard error as the one line `callsim: ...`, made terminal-safe
    (an error may quote a file name, a persona value or a server's answer)."""
    print(f"callsim: {printable(str(error))}", file=sys.stderr)


def warn(message: str) -> None:
    """Print a one-line warning on standard error; the command goes on."""
    print(f"callsim: warning: {printable(message)}", file=sys.stderr)


@contextmanager
def safe_output() -> Iterator[None]:
    """Within the block, everything written to standard output and standard error passes
    through `safe_text.printable`: no path can put a raw escape sequence on the terminal."""
    out, err = sys.stdout, sys.stderr
    sys.stdout = SafeStream(out)
    sys.stderr = SafeStream(err)
    try:
        yield
    finally:
        sys.stdout, sys.stderr = out, err


def settings_from(args: argparse.Namespace) -> Settings:
    """Saved settings with `--backend/--model/--base-url/--prompt-style` and env applied."""
    from simulator.config import Settings, data_dir

    saved = Settings.load(data_dir(args.data_dir))
    return saved.apply_overrides(
        backend=args.backend,
        model=args.model,
        base_url=args.base_url,
        prompt_style=args.prompt_style,
    )


def personas_dirs(args: argparse.Namespace) -> list[Path]:
    """Folders personas load from, for this invocation's data directory."""
    from simulator.config import data_dir, persona_dirs

    return persona_dirs(data_dir(args.data_dir))


def read_text_file(path: str, limit: int, what: str) -> str:
    """A UTF-8 text file's content, or `-` for standard input, at most `limit` bytes; a
    one-line error naming the limit (`what` names the input) or the problem otherwise.
    Devices, pipes and folders are refused before anything is read."""
    return read_text_bounded(path, limit, what)
