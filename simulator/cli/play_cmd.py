"""`callsim play`: one session without the app, the volunteer's turns read from a script file."""

from __future__ import annotations

import argparse
import json
import sys

from simulator.cli.common import personas_dirs, read_text_file, settings_from, warn
from simulator.codes import Lang
from simulator.errors import UserError
from simulator.limits import MAX_SCRIPT_BYTES, MAX_TURN_CHARS


def register(sub: argparse._SubParsersAction) -> None:
    """Add the `play` parser."""
    p = sub.add_parser(
        "play",
        help="run one session from a script of volunteer turns",
        description="Run one practice call without the app: each non-blank line of FILE (lines "
        "starting with # are comments) is a volunteer turn; the respondent answers through the "
        "configured backend. The session is saved to history.",
    )
    p.add_argument("--persona", required=True, metavar="ID", help="persona id (see `personas`)")
    p.add_argument("--lang", choices=["ru", "en"], default="ru", help="call language (ru)")
    p.add_argument(
        "--script", required=True, metavar="FILE", help="volunteer turns, or - for stdin"
    )
    p.add_argument("--seed", type=int, help="seed for reproducible choices and sampling")
    p.add_argument("--mode", choices=["practice", "assessment"], default="assessment")
    p.add_argument("--max-turns", type=int, default=None, metavar="N", help="turn limit")
    p.add_argument("--json", action="store_true", help="print the session record as JSON")
    p.set_defaults(func=run)


def script_lines(text: str, source: str) -> list[str]:
    """Volunteer turns from a script: non-blank lines that are not # comments; a one-line
    `UserError` naming the line when one is longer than a turn may be."""
    turns: list[str] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if len(line) > MAX_TURN_CHARS:
            raise UserError(
                f"{source}:{number}: the line is {len(line):,} characters; a volunteer turn is "
                f"at most {MAX_TURN_CHARS:,}"
            )
        turns.append(line)
    if not turns:
        raise UserError(f"{source}: the script has no volunteer turns")
    return turns


def run(args: argparse.Namespace) -> int:
    """Play the script and print the transcript (or the record with --json)."""
    from simulator.engine.call import DEFAULT_MAX_TURNS, Call
    from simulator.engine.events import ReplyDone
    from simulator.llm.factory import make_backend
    from simulator.persona_loader import find_persona
    from simulator.store import Store

    script = read_text_file(args.script, MAX_SCRIPT_BYTES, "a script")
    turns = script_lines(script, "<stdin>" if args.script == "-" else args.script)
    persona = find_persona(args.persona, personas_dirs(args))
    # Refuse before the model loads, and before a word is said, when the call cannot be saved.
    try:
        store = Store.open(args.data_dir)
    except UserError as exc:
        raise UserError(f"{exc}; the call was not started") from None
    try:
        store.check_writable()
    except UserError as exc:
        store.close()
        raise UserError(f"{exc}; the call was not started") from None
    backend = make_backend(settings_from(args), seed=args.seed)
    call = Call(
        persona,
        args.lang,
        backend,
        store=store,
        mode=args.mode,
        seed=args.seed,
        max_turns=args.max_turns or DEFAULT_MAX_TURNS,
        ui_lang=_saved_interface_lang(args),
    )
    out = sys.stdout
    talk = not args.json

    def show(speaker: str, text: str) -> None:
        if talk:
            out.write(f"{speaker}: {text}\n")
            out.flush()

    warned = False

    def warn_once_unsaved() -> None:
        nonlocal warned
        if store.write_error and not warned:
            warned = True
            warn(f"{store.write_error}; the call goes on but is not saved from here")

    r, v = ("Р", "В") if args.lang == "ru" else ("R", "V")
    show(r, call.pick_up().text)
    for line in turns:
        if call.ended:
            break
        show(v, call.say(line).text)
        for event in call.reply():
            if isinstance(event, ReplyDone):
                show(r, event.turn.text)
        warn_once_unsaved()
    scorecard = call.end("script_end")
    warn_once_unsaved()
    if args.json:
        json.dump(call.record.to_json_dict(), out, ensure_ascii=False, indent=2)
        out.write("\n")
    else:
        ended = call.record.ended_by
        saved = " (not saved)" if store.write_error else ""
        out.write(
            f"\n[{ended}] session {call.record.id}{saved}: overall {scorecard.overall}, "
            f"readiness {scorecard.readiness}\n"
        )
    store.close()
    return 0


def _saved_interface_lang(args: argparse.Namespace) -> Lang | None:
    """The interface language the app saved (the scorecard explains itself in it), or None
    when nothing is saved: then the call's language."""
    from simulator.config import Settings, data_dir

    saved = data_dir(args.data_dir)
    if not Settings.path(saved).is_file():
        return None
    return "ru" if Settings.load(saved).ui_lang == "ru" else "en"
