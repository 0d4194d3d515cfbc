"""Each persona reacts as intended to an empathetic and to a confrontational volunteer.

The rules are applied here exactly as SPEC'd for the engine (see `Dynamics`), straight to
code sequences, so a trainer who retunes a persona learns at once if it stops behaving.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from simulator.codes import Code
from simulator.persona import Dynamics, Mood
from simulator.persona_loader import load_persona

PERSONAS = Path(__file__).resolve().parent.parent / "personas"
ALL = sorted(p.stem for p in PERSONAS.glob("*.yaml"))
HARD = ["firm-supporter", "suspicious-respondent"]

EMPATHETIC: list[list[Code]] = [
    ["autonomy", "open_question"],
    ["reflection", "empathy"],
    ["open_question", "affirmation"],
    ["reflection", "common_ground", "empathy"],
    ["personal_story", "human_life"],
    ["empathy", "open_question"],
    ["reflection", "human_life", "common_ground"],
    ["affirmation", "autonomy"],
    ["personal_story", "open_question", "empathy"],
    ["reflection", "empathy"],
]
CONFRONTATIONAL: list[list[Code]] = [
    ["confront", "lecture"],
    ["guilt", "confront"],
    ["lecture", "unsafe"],
    ["confront", "guilt"],
    ["lecture", "confront"],
    ["guilt", "lecture"],
    ["confront", "lecture"],
    ["guilt", "confront"],
]


@dataclass(frozen=True)
class State:
    trust: float
    openness: float
    irritation: float


def mood(state: State, dynamics: Dynamics) -> Mood:
    if state.irritation >= 0.7 * dynamics.hangup_irritation:
        return "hostile"
    if state.trust < 0.3 or state.irritation >= 0.4:
        return "guarded"
    if state.trust >= 0.55 and state.openness >= 0.45:
        return "open"
    return "neutral"


def play(dynamics: Dynamics, script: list[list[Code]]) -> tuple[list[State], int | None]:
    """States after each turn, and the 1-based turn the respondent hung up on (or None)."""
    state = State(**dynamics.initial.model_dump())
    states = []
    for turn, codes in enumerate(script, 1):
        effects = [dynamics.effects[c] for c in dict.fromkeys(codes) if c in dynamics.effects]
        trust, openness, irritation = state.trust, state.openness, state.irritation
        for effect in [*effects, dynamics.per_turn]:
            trust += effect.trust
            openness += effect.openness
            irritation += effect.irritation
        state = State(*(min(1.0, max(0.0, v)) for v in (trust, openness, irritation)))
        states.append(state)
        if state.irritation >= dynamics.hangup_irritation:
            return states, turn
    return states, None


@pytest.mark.parametrize("persona_id", ALL)
def test_empathetic_call_opens_them_up_without_a_hangup(persona_id: str) -> None:
    dynamics = load_persona(PERSONAS / f"{persona_id}.yaml").dynamics
    states, hung_up_on = play(dynamics, EMPATHETIC)
    start, end = dynamics.initial, states[-1]
    assert hung_up_on is None
    assert end.openness >= start.openness + 0.2
    assert end.trust > start.trust and end.irritation < start.irritation
    assert mood(end, dynamics) in ("neutral", "open")


@pytest.mark.parametrize("persona_id", ALL)
def test_confrontational_call_irritates_them(persona_id: str) -> None:
    dynamics = load_persona(PERSONAS / f"{persona_id}.yaml").dynamics
    states, _ = play(dynamics, CONFRONTATIONAL[:2])
    assert states[-1].irritation >= dynamics.initial.irritation + 0.3
    assert states[-1].openness <= dynamics.initial.openness
    assert mood(states[-1], dynamics) in ("guarded", "hostile")
    states, _ = play(dynamics, CONFRONTATIONAL)
    assert mood(states[-1], dynamics) == "hostile"


@pytest.mark.parametrize("persona_id", HARD)
def test_hard_personas_hang_up_on_confrontation_within_three_to_five_turns(
    persona_id: str,
) -> None:
    dynamics = load_persona(PERSONAS / f"{persona_id}.yaml").dynamics
    _, hung_up_on = play(dynamics, CONFRONTATIONAL)
    assert hung_up_on is not None and 3 <= hung_up_on <= 5


def test_difficulty_shows_in_how_the_call_starts_and_how_far_it_goes() -> None:
    def persona_dynamics(persona_id: str) -> Dynamics:
        return load_persona(PERSONAS / f"{persona_id}.yaml").dynamics

    for persona_id in HARD:
        dynamics = persona_dynamics(persona_id)
        start = State(**dynamics.initial.model_dump())
        assert mood(start, dynamics) == "guarded"
        states, _ = play(dynamics, EMPATHETIC[:5])
        assert mood(states[-1], dynamics) != "open", "hard personas do not open in five turns"
    pensioner = persona_dynamics("village-pensioner")
    states, _ = play(pensioner, EMPATHETIC[:5])
    assert mood(states[-1], pensioner) == "open", "the easy persona opens within five turns"


def test_human_life_alone_early_irritates_the_firm_supporter_a_little() -> None:
    dynamics = load_persona(PERSONAS / "firm-supporter.yaml").dynamics
    states, _ = play(dynamics, [["human_life"]])
    assert dynamics.initial.irritation < states[0].irritation < dynamics.initial.irritation + 0.1
    assert states[0].openness > dynamics.initial.openness


@pytest.mark.parametrize("persona_id", ALL)
def test_the_engine_applies_the_same_rules(persona_id: str) -> None:
    from simulator.engine.state import apply_turn, hangs_up, initial_state, mood_for

    dynamics = load_persona(PERSONAS / f"{persona_id}.yaml").dynamics
    for script in (EMPATHETIC, CONFRONTATIONAL):
        expected, hung_up_on = play(dynamics, script)
        state = initial_state(dynamics)
        for turn, (codes, want) in enumerate(zip(script, expected, strict=False), 1):
            state = apply_turn(state, codes, dynamics)
            got = (state.trust, state.openness, state.irritation)
            assert got == pytest.approx(tuple(vars(want).values()), abs=1e-3)
            assert mood_for(state, dynamics) == mood(want, dynamics)
            assert hangs_up(state, dynamics) == (turn == hung_up_on)
