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
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Print the history."""
    from simulator.cli.common import personas_dirs
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
    if not rows:
        print("No sessions yet. Start one with `callsim` or `callsim play`.")
        return 0
    print(
        f"{'id':12}  {'started':16}  {'respondent':28} {'lang':4} {'mode':10} {'score':>5}  "
        f"{'readiness':9}  ended"
    )
    for r in rows:
        score = "" if r.overall is None else str(r.overall)
        shown = name(r.persona, r.lang)
        respondent = f"{r.persona} ({shown})" if shown else r.persona
        ended = r.ended_by or "unfinished"
        if calls[r.id].hard_fails:
            ended += "; hard fail: " + ", ".join(calls[r.id].hard_fails)
        print(
            f"{r.id[:12]:12}  {r.started_at[:16].replace('T', ' '):16}  {respondent[:28]:28} "
            f"{r.lang:4} {r.mode:10} {score:>5}  {r.readiness or '':9}  {ended}"
        )
    return 0
