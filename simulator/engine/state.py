"""How the respondent's trust, openness and irritation move with the volunteer's behaviour."""

from __future__ import annotations

from collections.abc import Iterable

from simulator.codes import Code
from simulator.persona import Dynamics, Effect, Mood
from simulator.session import RespondentState

HOSTILE_SHARE_OF_HANGUP = 0.7
"""Irritation at this share of the hang-up threshold makes the respondent hostile."""
GUARDED_TRUST_BELOW = 0.3
GUARDED_IRRITATION_FROM = 0.4
OPEN_TRUST_FROM = 0.55
OPEN_OPENNESS_FROM = 0.45


def initial_state(dynamics: Dynamics) -> RespondentState:
    """The state when the respondent picks up."""
    start = dynamics.initial
    return RespondentState(trust=start.trust, openness=start.openness, irritation=start.irritation)


def _clamp(value: float) -> float:
    return round(min(1.0, max(0.0, value)), 4)


def apply_turn(
    state: RespondentState, codes: Iterable[Code], dynamics: Dynamics
) -> RespondentState:
    """The state after a volunteer turn with `codes`: each distinct code's effect, then the
    per-turn drift, clamped to [0, 1]."""
    effects: list[Effect] = [
        dynamics.effects[c] for c in dict.fromkeys(codes) if c in dynamics.effects
    ]
    return moved(state, [*effects, dynamics.per_turn])


def moved(state: RespondentState, effects: Iterable[Effect]) -> RespondentState:
    """The state after `effects`, one after another, clamped to [0, 1]."""
    trust, openness, irritation = state.trust, state.openness, state.irritation
    for effect in effects:
        trust += effect.trust
        openness += effect.openness
        irritation += effect.irritation
    return RespondentState(
        trust=_clamp(trust), openness=_clamp(openness), irritation=_clamp(irritation)
    )


def hangs_up(state: RespondentState, dynamics: Dynamics) -> bool:
    """Whether the respondent ends the call now."""
    return state.irritation >= dynamics.hangup_irritation


def mood_for(state: RespondentState, dynamics: Dynamics) -> Mood:
    """The mood cue the respondent speaks from."""
    if state.irritation >= HOSTILE_SHARE_OF_HANGUP * dynamics.hangup_irritation:
        return "hostile"
    if state.trust < GUARDED_TRUST_BELOW or state.irritation >= GUARDED_IRRITATION_FROM:
        return "guarded"
    if state.trust >= OPEN_TRUST_FROM and state.openness >= OPEN_OPENNESS_FROM:
        return "open"
    return "neutral"
