"""`callsim persona test ID`: play a persona against the built-in empathetic and confrontational
volunteer scripts and show how trust, openness and irritation move, so a trainer sees whether
the persona warms to empathy and hangs up on hostility before volunteers meet it, and which of
its lore the respondent used (the `move` of each reply) and which topics no script raised."""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from simulator.cli.common import personas_dirs, settings_from

if TYPE_CHECKING:
    from simulator.codes import Lang
    from simulator.llm.base import Backend
    from simulator.persona import Persona

SCRIPTS = Path(__file__).resolve().parent.parent / "data" / "scripts"
ScriptKind = Literal["empathetic", "confrontational"]
LORE_PARTS = ("topics", "stances", "facts", "reactions", "other")
"""How `lore_used` groups the moves: `topic:nato` counts under topics as `nato`; moves that name
no lore entry (`talking_point`, `deflection`, `fallback`) under other."""
_PART_OF_PREFIX = {"topic": "topics", "stance": "stances", "fact": "facts", "reaction": "reactions"}


def builtin_script(kind: ScriptKind, lang: str) -> list[str]:
    """The built-in volunteer script `kind` in `lang`: one turn per non-comment line."""
    text = (SCRIPTS / f"{kind}.{lang}.txt").read_text(encoding="utf-8")
    return [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]


def register_into(actions: argparse._SubParsersAction) -> None:
    """Add `persona test` to the `persona` action parsers."""
    p = actions.add_parser(
        "test",
        help="play a persona against built-in empathetic and confrontational scripts",
        description="Play the persona against the built-in empathetic and confrontational "
        "volunteer scripts and print the trust/openness/irritation trajectory and the outcome "
        "of each, which of the persona's lore the respondent used (topics, stances, facts, "
        "reactions) and which topics neither script raised. Exit status 1 when the "
        "confrontational script ends with more openness than the empathetic one. Nothing is "
        "saved to history.",
    )
    p.add_argument("id", metavar="ID", help="persona id (see `callsim personas`)")
    p.add_argument("--lang", choices=["ru", "en"], help="one language (default: both)")
    p.add_argument(
        "--no-model",
        action="store_true",
        help="skip the model: the respondent speaks only its fallback lines (fast; the "
        "trajectory is the same, since it depends on the volunteer's turns alone)",
    )
    p.add_argument("--seed", type=int, default=1, help="seed (default 1)")
    p.add_argument("--json", action="store_true", help="print the results as JSON")
    p.set_defaults(func=run)


@dataclass
class ScriptResult:
    """One script played against the persona."""

    kind: str
    lang: str
    ended_by: str
    turns_played: int
    trajectory: list[dict[str, float | str]] = field(default_factory=list)
    lines: list[dict[str, object]] = field(default_factory=list)
    lore: dict[str, dict[str, int]] = field(default_factory=dict)
    """The respondent's moves counted by lore part (see `lore_used`)."""

    @property
    def final_openness(self) -> float:
        """Openness at the end of the call."""
        return float(self.trajectory[-1]["openness"])

    @property
    def topics_hit(self) -> set[str]:
        """Ids of the topics the respondent spoke about."""
        return set(self.lore.get("topics", {}))


def lore_used(moves: Sequence[str | None]) -> dict[str, dict[str, int]]:
    """The respondent's moves (`topic:nato`, `reaction:guilt+talking_point`, `deflection`; None
    for lines not chosen from the lore, such as the opening and the hang-up) counted per lore
    part, most used first:
    `{"topics": {"nato": 2}, "stances": {}, ..., "other": {"deflection": 1}}`."""
    counts: dict[str, Counter[str]] = {part: Counter() for part in LORE_PARTS}
    for moved in moves:
        for move in (moved or "").split("+"):
            if not move:
                continue
            prefix, _, entry = move.partition(":")
            part = _PART_OF_PREFIX.get(prefix) if entry else None
            if part is None:
                counts["other"][move] += 1
            else:
                counts[part][entry] += 1
    return {
        part: dict(sorted(found.items(), key=lambda item: (-item[1], item[0])))
        for part, found in counts.items()
    }


def topics_not_hit(persona: Persona, results: Sequence[ScriptResult]) -> list[str]:
    """The persona's topics (in file order) that the respondent used in none of `results`."""
    hit = set().union(*(r.topics_hit for r in results))
    return [topic.id for topic in persona.lore.topics if topic.id not in hit]


def play_script(
    persona: Persona, lang: Lang, kind: ScriptKind, backend: Backend, seed: int
) -> ScriptResult:
    """Play one built-in script; nothing is stored."""
    from simulator.engine.call import Call
    from simulator.engine.events import ReplyDone

    call = Call(persona, lang, backend, seed=seed, mode="assessment")
    call.pick_up()
    result = ScriptResult(kind=kind, lang=lang, ended_by="", turns_played=0)

    def snapshot(codes: Sequence[str]) -> None:
        state = call.state
        result.trajectory.append(
            {
                "trust": state.trust,
                "openness": state.openness,
                "irritation": state.irritation,
                "mood": call.mood,
                "codes": ",".join(codes),
            }
        )

    snapshot([])
    opening = call.turns[0]
    result.lines.append({"speaker": "respondent", "text": opening.text, "move": opening.move})
    for line in builtin_script(kind, lang):
        if call.ended:
            break
        turn = call.say(line)
        result.turns_played += 1
        snapshot(turn.codes or [])
        result.lines.append({"speaker": "volunteer", "text": turn.text, "codes": turn.codes})
        for event in call.reply():
            if isinstance(event, ReplyDone):
                reply = event.turn
                result.lines.append(
                    {"speaker": "respondent", "text": reply.text, "move": reply.move}
                )
    call.end("script_end")
    result.ended_by = call.record.ended_by or "script_end"
    result.lore = lore_used([t.move for t in call.turns if t.speaker == "respondent"])
    return result


def _print_result(result: ScriptResult, out: object) -> None:
    write = out.write  # type: ignore[attr-defined]
    write(f"\n{result.kind} script ({result.lang})\n")
    write(f"  {'turn':>4}  {'trust':>5}  {'open':>5}  {'irrit':>5}  {'mood':8}  codes\n")
    for n, row in enumerate(result.trajectory):
        write(
            f"  {n:>4}  {row['trust']:>5.2f}  {row['openness']:>5.2f}  {row['irritation']:>5.2f}"
            f"  {row['mood']!s:8}  {row['codes'] or ('(pick-up)' if n == 0 else '-')}\n"
        )
    ended = result.ended_by
    if ended == "hangup":
        write(f"  outcome: hung up after volunteer turn {result.turns_played}\n")
    else:
        write(f"  outcome: {ended}, final openness {result.final_openness:.2f}\n")
    write("  lore used:\n")
    for part in LORE_PARTS:
        found = result.lore.get(part, {})
        used = ", ".join(f"{entry} {count}" for entry, count in found.items()) or "-"
        write(f"    {part:<10} {used}\n")


def _print_not_hit(persona: Persona, not_hit: dict[str, list[str]], out: object) -> None:
    write = out.write  # type: ignore[attr-defined]
    total = len(persona.lore.topics)
    if not total:
        write("Topics: the persona has no lore topics.\n")
        return
    for lang, missed in not_hit.items():
        if missed:
            write(
                f"Topics neither script hit ({lang}): {len(missed)} of {total}: "
                f"{', '.join(missed)}\n"
            )
        else:
            write(f"Topics ({lang}): the scripts hit all {total}.\n")


def run(args: argparse.Namespace) -> int:
    """Play both scripts in each language and report."""
    from simulator.llm.fake import FakeBackend
    from simulator.persona_loader import find_persona

    persona = find_persona(args.id, personas_dirs(args))
    if args.no_model:
        backend: Backend = FakeBackend(default="")
    else:
        from simulator.llm.factory import make_backend

        backend = make_backend(settings_from(args), seed=args.seed)
    langs: list[Lang] = [args.lang] if args.lang else ["ru", "en"]
    failures: list[str] = []
    results: list[ScriptResult] = []
    not_hit: dict[str, list[str]] = {}
    for lang in langs:
        kind_result = play_script(persona, lang, "empathetic", backend, args.seed)
        harsh_result = play_script(persona, lang, "confrontational", backend, args.seed)
        results += [kind_result, harsh_result]
        not_hit[lang] = topics_not_hit(persona, [kind_result, harsh_result])
        if harsh_result.final_openness > kind_result.final_openness:
            failures.append(
                f"{lang}: the confrontational script ends with more openness "
                f"({harsh_result.final_openness:.2f}) than the empathetic one "
                f"({kind_result.final_openness:.2f})"
            )
    if args.json:
        payload = {
            "persona": persona.id,
            "ok": not failures,
            "problems": failures,
            "results": [r.__dict__ for r in results],
            "topics_not_hit": not_hit,
        }
        print(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        out = sys.stdout
        out.write(f"{persona.id}: {persona.name.get(langs[0])} ({persona.difficulty})\n")
        for result in results:
            _print_result(result, out)
            if not args.no_model:
                for line in result.lines:
                    mark = "V" if line["speaker"] == "volunteer" else "R"
                    move = f"  [{line['move']}]" if line.get("move") else ""
                    out.write(f"      {mark}: {line['text']}{move}\n")
        out.write("\n")
        _print_not_hit(persona, not_hit, out)
        if failures:
            for problem in failures:
                out.write(f"PROBLEM {problem}\n")
        else:
            out.write("OK: warms to empathy more than to confrontation in every language.\n")
    return 1 if failures else 0
