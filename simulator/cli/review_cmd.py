"""`callsim review FILE`: open an exported session read-only in the app, its scorecard beside
its transcript."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from simulator.session import SessionRecord


def register(sub: argparse._SubParsersAction) -> None:
    """Add the `review` parser."""
    p = sub.add_parser(
        "review",
        help="open an exported session (JSON) read-only in the app",
        description="Open a session record (as written by `callsim export --format json` or "
        "`callsim play --json`) read-only: scorecard and transcript side by side. A record "
        "without a scorecard is scored with the rubric in use. Nothing is saved.",
    )
    p.add_argument("file", metavar="FILE", help="the session record (JSON)")
    p.add_argument(
        "--lang", choices=["ru", "en"], help="interface language (default: the saved one)"
    )
    p.set_defaults(func=run, opens_app=True)


def run(args: argparse.Namespace) -> int:
    """Check the file, then open the app on it."""
    record = load_review(args.file)
    from simulator.cli.common import personas_dirs, settings_from
    from simulator.config import data_dir
    from simulator.persona_loader import load_personas
    from simulator.tui.app import CallsimApp
    from simulator.tui.screens.session import SessionScreen, respondent

    settings = settings_from(args)
    if args.lang:
        settings.ui_lang = args.lang
    dirs = personas_dirs(args)
    persona = next(
        (e.persona for e in load_personas(dirs) if e.id == record.persona and e.persona), None
    )
    screen = SessionScreen(record, respondent(record.persona, persona), standalone=True)
    CallsimApp(settings, data_dir(args.data_dir), dirs, first_screen=screen).run()
    return 0


def load_review(path: str) -> SessionRecord:
    """The session record in the JSON file `path`, coded and scored; a one-line `UserError`
    (`FILE:LINE:COL` for broken JSON, the field path for a wrong record) otherwise."""
    from simulator.cli.common import read_text_file
    from simulator.cli.score_cmd import parse_record
    from simulator.errors import UserError
    from simulator.limits import MAX_SESSION_BYTES
    from simulator.scoring.transcript import code_uncoded_turns
    from simulator.tui.screens.session import with_scorecard

    text = read_text_file(path, MAX_SESSION_BYTES, "a session record").lstrip("\ufeff")
    if not text.strip():
        raise UserError(f"{path}: empty file; expected a session record (JSON)")
    return with_scorecard(code_uncoded_turns(parse_record(text, path, for_display=True), path))
