"""`callsim score FILE [--json]`: score a saved session record or a plain transcript."""

from __future__ import annotations

import argparse
import json
import sys
from typing import cast

from simulator.cli.common import read_text_file
from simulator.codes import Lang
from simulator.errors import UserError
from simulator.limits import MAX_SESSION_BYTES, MAX_SESSION_TURNS, json_depth_problem, too_big
from simulator.session import SessionRecord


def register(sub: argparse._SubParsersAction) -> None:
    """Add the `score` parser."""
    p = sub.add_parser(
        "score",
        help="score a session record (JSON) or a plain transcript",
        description="Score a practice call. FILE is a session record (JSON, as written by "
        "`callsim play --json`) or a plain transcript with one turn a line, `V: ...` for the "
        "volunteer and `R: ...` for the respondent (also В:/Р:). The rubric is the bundled "
        "one unless CALLSIM_RUBRIC names another.",
    )
    p.add_argument("file", metavar="FILE", help="the record or transcript, or - for stdin")
    p.add_argument("--json", action="store_true", help="print the scorecard as JSON")
    p.add_argument(
        "--lang",
        choices=["ru", "en"],
        help="interface language of the report and of each suggestion's why (default: the "
        "app's saved interface language, else the call's); better lines stay in the call's",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Read, score and print."""
    from simulator.scoring.report import format_report
    from simulator.scoring.rubric import load_rubric
    from simulator.scoring.scorecard import score_session

    source = "<stdin>" if args.file == "-" else args.file
    text = read_text_file(args.file, MAX_SESSION_BYTES, "a session record or transcript")
    record = read_session(text, source)
    rubric = load_rubric()
    ui_lang = interface_lang(args, record.lang)
    scorecard = score_session(record, rubric, ui_lang=ui_lang)
    if args.json:
        json.dump(scorecard.model_dump(mode="json"), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(format_report(record, scorecard, rubric, lang=ui_lang))
    return 0


def interface_lang(args: argparse.Namespace, call_lang: Lang) -> Lang:
    """`--lang`, else the interface language saved by the app, else the call's language."""
    from simulator.config import Settings, data_dir

    if args.lang:
        return cast("Lang", args.lang)
    data = data_dir(getattr(args, "data_dir", None))
    if Settings.path(data).is_file():
        return "ru" if Settings.load(data).ui_lang == "ru" else "en"
    return call_lang


def read_session(text: str, source: str) -> SessionRecord:
    """A coded session record from a JSON record (text starting with `{`, or `[` to report
    a JSON array as the wrong shape) or a plain transcript."""
    from simulator.scoring.transcript import code_uncoded_turns, parse_transcript

    stripped = text.lstrip("\ufeff \t\r\n")
    if not stripped:
        raise UserError(
            f"{source}: empty file; expected a session record (JSON) or a transcript "
            "(lines `V: ...` / `R: ...`)"
        )
    if stripped.startswith(("{", "[")):
        record = parse_record(text.lstrip("\ufeff"), source)
    else:
        record = parse_transcript(text, source)
    return code_uncoded_turns(record, source)


def parse_record(text: str, source: str, for_display: bool = False) -> SessionRecord:
    """A session record from JSON text, or a one-line `UserError` with line or field.

    With `for_display`, every string in the record is made terminal-safe
    (`safe_text.printable`) first: the record came from someone else and goes on screen."""
    from pydantic import ValidationError

    if len(text) > MAX_SESSION_BYTES:  # characters, each at least a byte
        raise UserError(f"{source}: {too_big('a session record', MAX_SESSION_BYTES)}")
    too_deep = json_depth_problem(text)
    if too_deep:
        raise UserError(f"{source}: {too_deep}")
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UserError(f"{source}:{exc.lineno}:{exc.colno}: invalid JSON: {exc.msg}") from None
    except RecursionError:
        raise UserError(f"{source}: JSON nested too deeply to read") from None
    if not isinstance(raw, dict):
        kind = type(raw).__name__
        raise UserError(f"{source}: expected a session record (a JSON object), got a {kind}")
    if for_display:
        from simulator.safe_text import printable_tree

        raw = printable_tree(raw)
    turns = raw.get("turns")
    if isinstance(turns, list) and len(turns) > MAX_SESSION_TURNS:
        raise UserError(
            f"{source}: {len(turns):,} turns; a session record has at most "
            f"{MAX_SESSION_TURNS:,} (a 30-turn call has 61)"
        )
    try:
        return SessionRecord.model_validate(raw)
    except ValidationError as exc:
        error = exc.errors()[0]
        field = ".".join(str(part) for part in error["loc"]) or "(record)"
        more = len(exc.errors()) - 1
        suffix = f" (and {more} more problem{'s' if more > 1 else ''})" if more else ""
        raise UserError(f"{source}: {field}: {_message(error['msg'])}{suffix}") from None


def _message(msg: str) -> str:
    """Pydantic's message without its "Value error, " prefix."""
    return msg.removeprefix("Value error, ")
