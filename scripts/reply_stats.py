"""What the respondent says, measured reply by reply, with the real bundled model.

Plays scripted volunteers against every persona in both languages: `warm` (the long friendly
script, tests/data/scripts/long.LANG.txt) and `hostile` (the built-in confrontational script).
For every respondent reply it records: where the words came from (the engine's chosen lore line
alone, that line with a sentence the model added, a free model reply, a fallback), the move,
relevance to the volunteer's line (sentence-encoder cosine), word loops, wrong grammatical
gender, speaking as the caller, the share of letters in the call's script, and length in words
by mood; and the time from the volunteer's Enter to the first word on screen.

    .venv/bin/python scripts/reply_stats.py [--personas ID,...] [--turns N] [--json]
        [--replies FILE]   also write every reply as JSON Lines (for reading and rating)
        [--scripts heldout]   play the held-out volunteers instead (`listener`, a good caller,
                           and `newcomer`, who lectures, argues and recovers:
                           tests/data/scripts/heldout/, written by someone who never saw the
                           lore; read once, in round 6)
        [--scripts heldout2]  the second held-out set (`chatty`, everyday questions, and
                           `pressing`, a beginner who lectures then listens), frozen before
                           any change it could have guided; read once, in round 7
        [--scripts heldout3]  the third (`neighbourly`, small talk then the war, and `curious`,
                           opinion questions), frozen before the shared small talk; read once,
                           in round 8
        [--scripts heldout4]  the fourth (`nervous`, a first-time caller who apologises, and
                           `family`, families and sons at the front), frozen before the
                           permission, apology, backchannel and people moves; read once, in
                           round 9
        [--scripts heldout5]  the fifth (`terse`, short hurried lines, and `storyteller`, who
                           shares a lot of their own life), frozen before round 9's fixes;
                           read once, in round 10
        [--scripts heldout6]  the sixth (`practical`, everyday life, and `gentle`, who mostly
                           listens), written after round 10's fixes, never seen before round 11
        [--scripts heldout7|heldout8]  `guide` and `debater`, `mirror` and `rookie` (rounds 12, 13)
        [--scripts heldout9]  the ninth (`direct`, who asks opinion questions outright, and
                           `bereaved`, a Ukrainian who lost someone, snaps once and apologises),
                           written blind to the lore and frozen before round 24 read them
        [--scripts heldout10]  the tenth (`emigre`, a Russian who left in 2022, and `student`,
                           an informal 20-year-old), written blind to the lore, frozen before
                           round 25's first run
        [--scripts heldout11]  the eleventh (`history`, who comes at the war through family
                           memory, and `medic`, a nurse or paramedic), written blind to the lore,
                           frozen before round 26's first run
        [--scripts heldout12]  the twelfth (`faith`, a caller from a church community, and
                           `trucker`, a blunt lorry driver who snaps once), written blind to the
                           lore, frozen before round 27's first run
        [--scripts heldout13]  the thirteenth (`farmer`, a farmer who slides into a lecture on
                           prices and sanctions, and `veteran`, a former soldier who pulls rank
                           and gives risky advice), written blind to the lore, frozen before
                           round 28's first run
        [--scripts heldout14]  the fourteenth (`teacher`, a retired literature teacher who
                           lectures once on history, and `young_mum`, a new mother who blames
                           once and suggests a protest), written blind to the lore, frozen
                           before round 29's first run
        [--scripts heldout15]  the fifteenth (`musician`, a choir leader who puts a banned
                           singer to the respondent and asks why we kill each other, and
                           `coach`, a youth football coach who reels off casualty figures
                           once and mocks the words "special military operation"), written
                           blind to the lore, frozen before round 30's first run
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from simulator.coding.encoder import embed
from simulator.config import data_dir, persona_dirs
from simulator.engine import reply_check
from simulator.engine.call import Call
from simulator.engine.events import ReplyDiscarded, ReplyDone, ReplyToken
from simulator.llm.embedded import EmbeddedBackend
from simulator.persona_loader import load_personas

REPO = Path(__file__).resolve().parent.parent
HELD_OUT = {
    "heldout": ("listener", "newcomer"),
    "heldout2": ("chatty", "pressing"),
    "heldout3": ("neighbourly", "curious"),
    "heldout4": ("nervous", "family"),
    "heldout5": ("terse", "storyteller"),
    "heldout6": ("practical", "gentle"),
    "heldout7": ("guide", "debater"),
    "heldout8": ("mirror", "rookie"),
    "heldout9": ("direct", "bereaved"),
    "heldout10": ("emigre", "student"),
    "heldout11": ("history", "medic"),
    "heldout12": ("faith", "trucker"),
    "heldout13": ("farmer", "veteran"),
    "heldout14": ("teacher", "young_mum"),
    "heldout15": ("musician", "coach"),
}
"""Held-out set -> its two volunteers, in tests/data/scripts/<set>/<volunteer>.<lang>.txt."""
SCRIPT_SETS = {
    "tuned": {
        "warm": REPO / "tests" / "data" / "scripts" / "long.{lang}.txt",
        "hostile": REPO / "simulator" / "data" / "scripts" / "confrontational.{lang}.txt",
    },
    **{
        name: {
            kind: REPO / "tests" / "data" / "scripts" / name / f"{kind}.{{lang}}.txt"
            for kind in kinds
        }
        for name, kinds in HELD_OUT.items()
    },
}
SCRIPTS = dict(SCRIPT_SETS["tuned"])
"""The scripted volunteers played: kind -> path with `{lang}`."""


def _script(kind: str, lang: str) -> list[str]:
    path = Path(str(SCRIPTS[kind]).format(lang=lang))
    lines = [ln.strip() for ln in path.read_text(encoding="utf-8").splitlines()]
    return [ln for ln in lines if ln and not ln.startswith("#")]


def play(entries: list[Any], backend: Any, turns: int) -> tuple[list[dict[str, Any]], list[float]]:
    """Every reply of every call as a record, and the first-word times in ms."""
    records: list[dict[str, Any]] = []
    first_word: list[float] = []
    for entry in entries:
        persona = entry.persona
        for lang in ("ru", "en"):
            for kind in SCRIPTS:
                call = Call(persona, lang, backend, seed=11)
                call.pick_up()
                call.warm_up()  # as the app does while the volunteer types the first line
                for n, line in enumerate(_script(kind, lang)[:turns], start=1):
                    if call.ended:
                        break
                    volunteer = call.say(line)
                    start = time.perf_counter()
                    first: float | None = None
                    discarded: list[str] = []
                    for event in call.reply():
                        if isinstance(event, ReplyToken) and first is None:
                            first = (time.perf_counter() - start) * 1000
                        elif isinstance(event, ReplyDiscarded):
                            discarded.append(event.reason.split(" (")[0])
                        elif isinstance(event, ReplyDone):
                            turn = event.turn
                    if first is not None:
                        first_word.append(first)
                    records.append(
                        {
                            "persona": persona.id,
                            "lang": lang,
                            "volunteer_kind": kind,
                            "turn": n,
                            "volunteer": volunteer.text,
                            "codes": volunteer.codes,
                            "reply": turn.text,
                            "mood": turn.mood,
                            "source": turn.source,
                            "move": turn.move,
                            "discarded": discarded,
                            "first_word_ms": round(first, 1) if first is not None else None,
                            "gender": persona.gender,
                        }
                    )
    return records, first_word


def measure(records: list[dict[str, Any]]) -> None:
    """Add the automatic measures to every record."""
    vectors = embed([r["reply"] for r in records] + [r["volunteer"] for r in records])
    n = len(records)
    for i, r in enumerate(records):
        r["relevance"] = round(float(vectors[i] @ vectors[n + i]), 3)
        r["loop"] = reply_check.word_loop(r["reply"])
        r["wrong_gender"] = reply_check.gender_error(r["reply"], r["gender"], r["lang"])
        r["speaks_as_caller"] = reply_check.claims_caller_identity(r["reply"], r["lang"])
        r["script_share"] = round(reply_check.script_share(r["reply"], r["lang"]), 3)
        r["words"] = len(r["reply"].split())


def _relevance(records: list[dict[str, Any]], kind: str) -> list[float]:
    return [r["relevance"] for r in records if r["volunteer_kind"] == kind]


def summarise(records: list[dict[str, Any]], first_word: list[float]) -> dict[str, Any]:
    """The figures the README states."""
    n = len(records)
    sources = Counter(r["source"] for r in records)
    kinds = Counter((r["move"] or "free").split(":")[0] for r in records)
    words_by_mood: dict[str, list[int]] = defaultdict(list)
    for r in records:
        words_by_mood[r["mood"]].append(r["words"])
    lore = sum(1 for r in records if r["move"] and r["move"] not in ("fallback",))
    return {
        "replies": n,
        "by_language": dict(Counter(r["lang"] for r in records)),
        "by_volunteer": dict(Counter(r["volunteer_kind"] for r in records)),
        "sources": dict(sources),
        "authored_line_only_share": round(sources["authored"] / n, 3),
        "authored_plus_model_share": round(sources["model"] / n, 3),
        "lore_voiced_share": round(lore / n, 3),
        "moves": dict(kinds),
        "relevance_median": round(statistics.median(r["relevance"] for r in records), 3),
        "relevance_median_by_volunteer": {
            kind: round(statistics.median(_relevance(records, kind)), 3) for kind in SCRIPTS
        },
        "word_loops": sum(1 for r in records if r["loop"]),
        "wrong_gender": sum(1 for r in records if r["wrong_gender"]),
        "speaks_as_caller": sum(1 for r in records if r["speaks_as_caller"]),
        "wrong_language": sum(1 for r in records if r["script_share"] < 0.7),
        "words_median_by_mood": {
            mood: statistics.median(v) for mood, v in sorted(words_by_mood.items())
        },
        "discarded_model_sentences": sum(len(r["discarded"]) for r in records),
        "first_word_ms_median": round(statistics.median(first_word), 1) if first_word else None,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--personas", help="comma-separated persona ids (default: all)")
    parser.add_argument("--turns", type=int, default=22, help="volunteer turns per call at most")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--replies", type=Path, help="write every reply here as JSON Lines")
    parser.add_argument(
        "--scripts", choices=sorted(SCRIPT_SETS), default="tuned", help="which volunteers play"
    )
    args = parser.parse_args()
    SCRIPTS.clear()
    SCRIPTS.update(SCRIPT_SETS[args.scripts])

    backend = EmbeddedBackend()
    entries = [e for e in load_personas(persona_dirs(data_dir())) if e.persona is not None]
    if args.personas:
        wanted = set(args.personas.split(","))
        entries = [e for e in entries if e.id in wanted]
    records, first_word = play(entries, backend, args.turns)
    measure(records)
    figures = summarise(records, first_word)
    if args.replies:
        with args.replies.open("w", encoding="utf-8") as handle:
            for r in records:
                handle.write(json.dumps(r, ensure_ascii=False) + "\n")
    if args.json:
        print(json.dumps(figures, ensure_ascii=False, indent=2))
        return 0
    for key, value in figures.items():
        print(f"{key:34} {value}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
