"""`callsim history`: every saved session, newest first."""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict


def register(sub: argparse._SubParsersAction) -> None:
    """Add the `history` parser."""
    p = sub.add_parser(
        "history",
        help="list saved sessions, newest first",
        description="Every saved session: date, respondent, language, mode, overall score, "
        "readiness and how it ended. Unfinished sessions (the app closed mid-call) are listed "
        "but do not count towards `callsim progress`.",
    )
    p.add_argument("--json", action="store_true", help="one JSON array of sessions")
    p.add_argument(
        "--lang",
        choices=["ru", "en"],
        help="language of the table (default: the app's interface language)",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Print the history."""
    from simulator.cli.common import personas_dirs
    from simulator.codes import Lang
    from simulator.config import Settings, data_dir
    from simulator.export.labels import Labels
    from simulator.persona_loader import load_personas
    from simulator.progress import assess, load_calls
    from simulator.scoring.rubric import load_rubric
    from simulator.store import Store

    store = Store.open(args.data_dir)
    try:
        rows = store.list_sessions()
        calls = {c.id: c for c in load_calls(store)}
    finally:
        store.close()
    counted = {c.id for c in assess(list(calls.values()), load_rubric().progress).counted}
    personas = {e.id: e.persona for e in load_personas(personas_dirs(args)) if e.persona}

    def name(persona_id: str, lang: str) -> str | None:
        persona = personas.get(persona_id)
        return persona.name.get("ru" if lang == "ru" else "en") if persona else None

    if args.json:
        out = [
            {
                **asdict(r),
                "persona_name": name(r.persona, r.lang),
                "finished": calls[r.id].finished,
                "hard_fails": list(calls[r.id].hard_fails),
                "counts_for_progress": r.id in counted,
            }
            for r in rows
        ]
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return 0
    lang: Lang = args.lang or (
        "ru" if Settings.load(data_dir(args.data_dir)).ui_lang == "ru" else "en"
    )
    words = Labels(lang)
    if not rows:
        print(words("history.empty"))
        return 0
    header = [
        words(f"history.{c}") for c in ("id", "started", "respondent", "call", "score", "readiness")
    ] + [words("history.ended")]
    table = [header]
    for r in rows:
        ended = words.ended_by(r.ended_by)
        if calls[r.id].hard_fails:
            codes = ", ".join(words(f"code.{c}") for c in calls[r.id].hard_fails)
            ended += "; " + words("history.hard_fail", codes=codes)
        table.append(
            [
                r.id[:12],
                words.date(r.started_at),
                name(r.persona, lang) or r.persona,
                f"{words(f'lang.{r.lang}')}, {words(f'mode.{r.mode}')}",
                "" if r.overall is None else str(r.overall),
                words(f"readiness.{r.readiness}") if r.readiness else "",
                ended,
            ]
        )
    # Columns as wide as their widest value: nothing is cut (a long name widens its column).
    widths = [max(len(row[i]) for row in table) for i in range(len(header) - 1)]
    for row in table:
        cells = [
            cell.rjust(width) if i == 4 else cell.ljust(width)
            for i, (cell, width) in enumerate(zip(row, widths, strict=False))
        ]
        print("  ".join([*cells, row[-1]]).rstrip())
    return 0
