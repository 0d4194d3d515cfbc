"""Reply-check statistics and time to first token with the real bundled model.

Plays the long friendly script (tests/data/scripts/long.LANG.txt) with every persona in both
languages and reports how many replies passed the reply check first time, after retries, and
needed a persona fallback, plus the median time to first token at each turn.

    .venv/bin/python scripts/reply_stats.py [--personas ID,...] [--turns N] [--json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections import Counter
from pathlib import Path

from simulator.config import data_dir, persona_dirs
from simulator.engine.call import Call
from simulator.engine.events import ReplyDiscarded, ReplyDone, ReplyToken
from simulator.llm.embedded import EmbeddedBackend
from simulator.persona_loader import load_personas

REPO = Path(__file__).resolve().parent.parent


def _script(lang: str) -> list[str]:
    path = REPO / "tests" / "data" / "scripts" / f"long.{lang}.txt"
    lines = [ln.strip() for ln in path.read_text(encoding="utf-8").splitlines()]
    return [ln for ln in lines if ln and not ln.startswith("#")]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--personas", help="comma-separated persona ids (default: all)")
    parser.add_argument("--turns", type=int, default=22, help="volunteer turns per call")
    parser.add_argument("--json", action="store_true")
    parser.add_argument(
        "--no-warm-up",
        dest="warm_up",
        action="store_false",
        help="skip the warm-up the app does after pick-up (turn 1 then reads the whole persona)",
    )
    args = parser.parse_args()

    backend = EmbeddedBackend()
    entries = [e for e in load_personas(persona_dirs(data_dir())) if e.persona is not None]
    if args.personas:
        wanted = set(args.personas.split(","))
        entries = [e for e in entries if e.id in wanted]
    sources: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    ttft_by_turn: dict[int, list[float]] = {}
    hangups = 0
    for entry in entries:
        assert entry.persona is not None
        for lang in ("ru", "en"):
            call = Call(entry.persona, lang, backend, seed=11)  # type: ignore[arg-type]
            call.pick_up()
            if args.warm_up:
                call.warm_up()  # as the app does while the volunteer types the first line
            for n, line in enumerate(_script(lang)[: args.turns], start=1):
                if call.ended:
                    break
                call.say(line)
                start = time.perf_counter()
                first: float | None = None
                for event in call.reply():
                    if isinstance(event, ReplyToken) and first is None:
                        first = time.perf_counter() - start
                    elif isinstance(event, ReplyDiscarded):
                        reasons[event.reason.split(" (")[0]] += 1
                    elif isinstance(event, ReplyDone) and event.turn.source != "authored":
                        sources[event.turn.source or "?"] += 1
                        if first is not None and event.turn.attempts == 1:
                            ttft_by_turn.setdefault(n, []).append(first * 1000)
            hangups += call.record.ended_by == "hangup"
    total = sum(sources.values())
    figures = {
        "replies": total,
        "first_try": sources["model"],
        "after_retry": sources["retry"],
        "fallback": sources["fallback"],
        "first_try_share": round(sources["model"] / total, 3) if total else None,
        "after_retry_share": round(sources["retry"] / total, 3) if total else None,
        "fallback_share": round(sources["fallback"] / total, 3) if total else None,
        "discard_reasons": dict(reasons.most_common()),
        "hangups": hangups,
        "ttft_ms_median_by_turn": {
            n: round(statistics.median(v), 1) for n, v in sorted(ttft_by_turn.items())
        },
    }
    if args.json:
        print(json.dumps(figures, ensure_ascii=False, indent=2))
        return 0
    print(f"replies generated: {total} ({len(entries)} personas x 2 languages)")
    for key in ("first_try", "after_retry", "fallback"):
        print(f"  {key:12} {figures[key]:4}  {figures[key + '_share']:.1%}")
    print(f"discarded attempts by reason: {figures['discard_reasons']}")
    ttft = figures["ttft_ms_median_by_turn"]
    assert isinstance(ttft, dict)
    for n in (1, 10, 20):
        if n in ttft:
            print(f"  median time to first token at turn {n:2}: {ttft[n]} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
