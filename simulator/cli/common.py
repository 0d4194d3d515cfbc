"""What several sub-commands share: settings from flags, the store, personas, the backend."""

from __future__ import annotations

import argparse
from pathlib import Path

from simulator.config import Settings, data_dir, persona_dirs
from simulator.errors import UserError


def settings_from(args: argparse.Namespace) -> Settings:
    """Saved settings with `--backend/--model/--base-url/--prompt-style` and env applied."""
    saved = Settings.load(data_dir(args.data_dir))
    return saved.apply_overrides(
        backend=args.backend,
        model=args.model,
        base_url=args.base_url,
        prompt_style=args.prompt_style,
    )


def personas_dirs(args: argparse.Namespace) -> list[Path]:
    """Folders personas load from, for this invocation's data directory."""
    return persona_dirs(data_dir(args.data_dir))


def read_text_file(path: str) -> str:
    """A UTF-8 text file's content, or `-` for standard input; a one-line error otherwise."""
    import sys

    if path == "-":
        return sys.stdin.read()
    try:
        return Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UserError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise UserError(f"{path}: is a directory, expected a file") from None
    except UnicodeDecodeError as exc:
        raise UserError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    except OSError as exc:
        raise UserError(f"{path}: cannot read: {exc.strerror}") from None
