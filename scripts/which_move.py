"""Which move a persona answers each line with, one line at a time, without a model.

For trainers writing lore: type (or pipe) volunteer lines and see the codes, the lore entries the
line matched, and the move and authored line the engine would choose in each mood, as the first
thing the volunteer says after the greeting (nothing said yet in the call).

    .venv/bin/python scripts/which_move.py personas/firm-supporter.yaml ru < lines.txt
    echo "How are the roads where you live?" | .venv/bin/python scripts/which_move.py \
        personas/village-pensioner.yaml en --moods neutral
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from simulator.coding import code_utterance  # noqa: E402
from simulator.engine.lore import QUESTION_FLOOR, lore_index  # noqa: E402
from simulator.engine.move import MoveMemory, choose_move, goodbye_kind  # noqa: E402
from simulator.engine.smalltalk import with_small_talk  # noqa: E402
from simulator.engine.state import initial_state  # noqa: E402
from simulator.persona_loader import load_persona  # noqa: E402

MOODS = ("hostile", "guarded", "neutral", "open")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("persona", type=Path, help="a persona YAML file")
    parser.add_argument("lang", choices=("ru", "en"))
    parser.add_argument("--moods", default=",".join(MOODS), help="comma-separated moods")
    args = parser.parse_args()
    persona = with_small_talk(load_persona(args.persona))
    index = lore_index(persona, args.lang)
    state = initial_state(persona.dynamics)
    for raw in sys.stdin:
        line = raw.strip()
        if not line:
            continue
        codes = code_utterance(line, args.lang).codes
        matches = index.matches(line)
        if {"open_question", "closed_question"} & set(codes) and not any(
            m.kind in ("topic", "stance") for m in matches
        ):
            nearest = [
                m for m in index.matches(line, QUESTION_FLOOR) if m.kind in ("topic", "stance")
            ]
            matches = matches + nearest[:1]
        found = ", ".join(f"{m.kind}:{m.id} {m.score:.2f}" for m in matches[:3]) or "-"
        print(f"> {line}\n  codes: {' '.join(codes) or '-'}\n  matched: {found}")
        for mood in args.moods.split(","):
            move = choose_move(
                persona, args.lang, codes, matches, mood, state, MoveMemory.empty(),
                random.Random(0), goodbye=goodbye_kind(line, args.lang), line=line,
            )  # fmt: skip
            print(f"  {mood:8} {move.sources:28} {move.line}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
