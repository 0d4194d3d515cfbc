"""`callsim export`: a saved session as JSON, Markdown or a self-contained HTML page."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from simulator.errors import UserError


def register(sub: argparse._SubParsersAction) -> None:
    """Add the `export` parser."""
    p = sub.add_parser(
        "export",
        help="export a saved session as Markdown, JSON or HTML",
        description="Write one saved session (see `callsim history`) as the SPEC JSON record, "
        "a Markdown transcript with its scorecard, or one self-contained HTML page to open in a "
        "browser or print.",
    )
    p.add_argument("id", metavar="ID", help="session id, or a unique prefix of it")
    p.add_argument(
        "--format",
        choices=["md", "json", "html"],
        help="output format (default: from the -o file's ending, else md)",
    )
    p.add_argument(
        "-o", "--output", metavar="FILE", help="write to FILE (atomically) instead of stdout"
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Export the session to stdout or to the output file."""
    from simulator.codes import Lang
    from simulator.config import Settings, data_dir
    from simulator.export import SUFFIX_FORMATS, export_session
    from simulator.export.labels import Labels
    from simulator.store import Store

    fmt = args.format
    if fmt is None:
        suffix = Path(args.output).suffix.lower() if args.output else ""
        fmt = SUFFIX_FORMATS.get(suffix, "md")
    store = Store.open(args.data_dir)
    try:
        record = store.load(args.id)
    finally:
        store.close()
    text = export_session(record, fmt, _persona_name(args, record.persona, record.lang))
    if args.output is None or args.output == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
        return 0
    write_atomically(Path(args.output), text)
    ui_lang: Lang = "ru" if Settings.load(data_dir(args.data_dir)).ui_lang == "ru" else "en"
    print(Labels(ui_lang)("wrote", path=args.output), file=sys.stderr)
    return 0


def _persona_name(args: argparse.Namespace, persona_id: str, lang: str) -> str | None:
    """The persona's name in `lang`, or None when no valid persona file has that id."""
    from simulator.cli.common import personas_dirs
    from simulator.persona_loader import load_personas

    for entry in load_personas(personas_dirs(args)):
        if entry.id == persona_id and entry.persona is not None:
            return entry.persona.name.get("ru" if lang == "ru" else "en")
    return None


def write_atomically(path: Path, text: str) -> None:
    """Write `text` to `path` through a temporary file in the same folder, then rename it, so a
    reader never sees half a file; a one-line UserError when the folder is missing or closed."""
    folder = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise UserError(f"{path}: is a directory, expected a file name")
    if not folder.is_dir():
        raise UserError(f"{path}: folder {folder} does not exist")
    try:
        fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise UserError(f"{path}: cannot write: {exc.strerror}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, 0o644)
        os.replace(temp, path)
    except OSError as exc:
        Path(temp).unlink(missing_ok=True)
        raise UserError(f"{path}: cannot write: {exc.strerror}") from None
