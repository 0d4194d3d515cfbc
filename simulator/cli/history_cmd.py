"""`callsim history`: every saved session."""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the `history` parser."""
    p = sub.add_parser("history", help="list saved sessions, newest first")
    p.add_argument("--json", action="store_true", help="one JSON array of sessions")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Print the history."""
    from simulator.store import Store

    store = Store.open(args.data_dir)
    rows = store.list_sessions()
    store.close()
    if args.json:
        print(json.dumps([asdict(r) for r in rows], ensure_ascii=False, indent=2))
        return 0
    if not rows:
        print("No sessions yet. Start one with `callsim` or `callsim play`.")
        return 0
    print(
        f"{'id':12}  {'started':19}  {'persona':22} {'lang':4} {'mode':10} {'score':>5}  "
        f"{'readiness':9}  ended"
    )
    for r in rows:
        score = "" if r.overall is None else str(r.overall)
        print(
            f"{r.id:12}  {r.started_at[:19]:19}  {r.persona:22} {r.lang:4} {r.mode:10} "
            f"{score:>5}  {r.readiness or '':9}  {r.ended_by or 'unfinished'}"
        )
    return 0
