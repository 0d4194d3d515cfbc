"""`callsim persona test ID`: play a persona against the built-in empathetic and confrontational
volunteer scripts and show how trust, openness and irritation move, so a trainer sees whether
the persona warms to empathy and hangs up on hostility before volunteers meet it."""

from __future__ import annotations

import argparse
import json
import sys
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
        "of each. Exit status 1 when the confrontational script ends with more openness than "
        "the empathetic one. Nothing is saved to history.",
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

    @property
    def final_openness(self) -> float:
        """Openness at the end of the call."""
        return float(self.trajectory[-1]["openness"])


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
    result.lines.append({"speaker": "respondent", "text": call.turns[0].text})
    for line in builtin_script(kind, lang):
        if call.ended:
            break
        turn = call.say(line)
        result.turns_played += 1
        snapshot(turn.codes or [])
        result.lines.append({"speaker": "volunteer", "text": turn.text, "codes": turn.codes})
        for event in call.reply():
            if isinstance(event, ReplyDone):
                result.lines.append({"speaker": "respondent", "text": event.turn.text})
    call.end("script_end")
    result.ended_by = call.record.ended_by or "script_end"
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
    for lang in langs:
        kind_result = play_script(persona, lang, "empathetic", backend, args.seed)
        harsh_result = play_script(persona, lang, "confrontational", backend, args.seed)
        results += [kind_result, harsh_result]
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
                    out.write(f"      {mark}: {line['text']}\n")
        out.write("\n")
        if failures:
            for problem in failures:
                out.write(f"PROBLEM {problem}\n")
        else:
            out.write("OK: warms to empathy more than to confrontation in every language.\n")
    return 1 if failures else 0
