"""The scorecard shape fixed by SPEC section 5."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

Readiness = Literal["ready", "almost", "not_yet"]
Dimension = Literal["empathy", "human_life", "listening", "respect", "safety"]
DIMENSIONS: tuple[Dimension, ...] = ("empathy", "human_life", "listening", "respect", "safety")


class Quote(BaseModel):
    """A volunteer turn quoted as evidence; `turn` indexes the session's `turns`."""

    turn: int
    quote: str


class HardFail(BaseModel):
    """A turn that fails the call whatever else went well (`unsafe` on any turn; by default
    also `guilt` on two turns or `confront` on three)."""

    turn: int
    code: str
    quote: str


class Blocker(BaseModel):
    """A turn that keeps the call from `ready` whatever the score (`confront` or `guilt` by
    default: the call guide says never to attack or blame the respondent)."""

    turn: int
    code: str
    quote: str


class DimensionScore(BaseModel):
    """One scored dimension, 0-100, with the turns that moved it."""

    score: int = Field(ge=0, le=100)
    evidence: list[Quote] = Field(default_factory=list)


class Metrics(BaseModel):
    """Counts a volunteer can act on."""

    volunteer_turns: int = 0
    open_questions: int = 0
    reflections: int = 0
    reflection_to_question: float | None = None
    volunteer_talk_share: float = 0.0


class Outcome(BaseModel):
    """How the call ended for the respondent."""

    hung_up: bool = False
    final_openness: float = 0.0


class Suggestion(BaseModel):
    """A volunteer turn to do differently: the quote, why, and a concrete better line."""

    turn: int
    quote: str
    why: str
    try_instead: str


class Scorecard(BaseModel):
    """The session's assessment."""

    overall: int = Field(ge=0, le=100)
    readiness: Readiness
    hard_fails: list[HardFail] = Field(default_factory=list)
    blockers: list[Blocker] = Field(default_factory=list)
    """Turns that keep the call from `ready` (the rubric's `readiness.blocked_by`)."""
    dimensions: dict[Dimension, DimensionScore]
    metrics: Metrics
    outcome: Outcome
    suggestions: list[Suggestion] = Field(default_factory=list)
