"""Persona schema (pydantic). Loading YAML with precise errors is in `persona_loader`.

A persona is authored by a trainer in YAML. Every text exists in Russian and English in the
same file, so one persona is playable in both languages. `trainer_notes` never reaches the
model.
"""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from simulator.codes import Code, Lang

Difficulty = Literal["easy", "medium", "hard"]
Mood = Literal["hostile", "guarded", "neutral", "open"]
"""The respondent's mood cue, derived from their state each turn (see `engine.state`)."""
MOODS: tuple[Mood, ...] = ("hostile", "guarded", "neutral", "open")


PLACEHOLDER = "TODO"
"""Marks a text a trainer has not written yet (`callsim persona new` fills texts with it)."""


def _written_text(value: str) -> str:
    """A text must say something and must not still hold the skeleton's placeholder."""
    if not value.strip():
        raise ValueError("text is blank; write something or remove the line")
    if PLACEHOLDER in value:
        raise ValueError(f"still a placeholder: replace {PLACEHOLDER!r} with the real text")
    return value


WrittenText = Annotated[str, AfterValidator(_written_text)]
"""A non-blank text without the skeleton's placeholder."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)


class Text(_Strict):
    """One text in both languages."""

    ru: WrittenText
    """Russian text."""
    en: WrittenText
    """English text."""

    def get(self, lang: Lang) -> str:
        """The text in `lang`."""
        return self.ru if lang == "ru" else self.en


class Lines(_Strict):
    """Several alternative lines in both languages (at least one each)."""

    ru: list[WrittenText] = Field(min_length=1)
    """Russian lines."""
    en: list[WrittenText] = Field(min_length=1)
    """English lines."""

    def get(self, lang: Lang) -> list[str]:
        """The lines in `lang`."""
        return self.ru if lang == "ru" else self.en


class MoodLines(_Strict):
    """Lines for each mood the respondent can be in."""

    hostile: Lines
    """Irritated, close to hanging up."""
    guarded: Lines
    """Suspicious or defensive, answers briefly."""
    neutral: Lines
    """Willing to talk, not moved."""
    open: Lines
    """Trusting, shares doubts and feelings."""

    def get(self, mood: Mood) -> Lines:
        """The lines for `mood`."""
        lines: Lines = getattr(self, mood)
        return lines


class StateValues(_Strict):
    """Trust, openness and irritation, each in [0, 1]."""

    trust: float = Field(ge=0.0, le=1.0)
    """Belief that the caller means no harm."""
    openness: float = Field(ge=0.0, le=1.0)
    """Willingness to consider another view."""
    irritation: float = Field(ge=0.0, le=1.0)
    """Annoyance; the respondent hangs up when it reaches `hangup_irritation`."""


class Effect(_Strict):
    """How much one occurrence of a behaviour code moves the state (negative lowers)."""

    trust: float = Field(default=0.0, ge=-1.0, le=1.0)
    """Change in trust."""
    openness: float = Field(default=0.0, ge=-1.0, le=1.0)
    """Change in openness."""
    irritation: float = Field(default=0.0, ge=-1.0, le=1.0)
    """Change in irritation."""


class Dynamics(_Strict):
    """How the respondent reacts to the volunteer's behaviour.

    After each volunteer turn the engine adds `effects[code]` once for each code the turn
    has, then adds `per_turn`, then clamps every value to [0, 1]; the respondent hangs up
    when irritation >= `hangup_irritation`. The mood follows from the state: hostile when
    irritation >= 0.7 * hangup_irritation; else guarded when trust < 0.3 or irritation >= 0.4;
    else open when trust >= 0.55 and openness >= 0.45; else neutral.
    """

    initial: StateValues
    """State when they pick up the phone."""
    effects: dict[Code, Effect]
    """Per behaviour code, the change it makes to the state. Codes not listed change nothing."""
    per_turn: Effect = Field(default_factory=Effect)
    """Change applied after every volunteer turn whatever its codes (e.g. impatience)."""
    hangup_irritation: float = Field(gt=0.0, le=1.0)
    """The respondent hangs up when irritation reaches this value."""

    @field_validator("hangup_irritation")
    @classmethod
    def _above_initial_irritation(cls, value: float, info: ValidationInfo) -> float:
        initial = info.data.get("initial")
        if isinstance(initial, StateValues) and initial.irritation >= value:
            raise ValueError(
                f"must be above the initial irritation ({initial.irritation}), "
                "or the respondent hangs up before saying a word"
            )
        return value


class Persona(_Strict):
    """A respondent a volunteer can practise with."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    """Stable identifier, lowercase with dashes, e.g. `firm-supporter`; matches the file name."""
    name: Text
    """How the respondent is shown in the app (they may not give a real name)."""
    age: int = Field(ge=14, le=110)
    """Age in years."""
    place: Text
    """Where they are, e.g. a city."""
    difficulty: Difficulty
    """How hard a call this is for a new volunteer."""
    description: Text
    """One line for the persona picker."""
    call_context: Text
    """What the volunteer knows before dialling: the region of the number, the time of day."""
    background: Text
    """Who they are: life, family, work. Goes into the prompt."""
    beliefs: Lines
    """What they believe about the war and the world, in their own words."""
    speech_style: Text
    """How they talk: short or long, rude or polite, words they like."""
    talking_points: Lines
    """Lines of argument they fall back on when pressed."""
    opening_lines: Lines
    """What they say when they pick up the phone."""
    example_lines: MoodLines
    """Example lines per mood; they steer the model's tone."""
    hangup_line: Lines
    """What they say as they hang up."""
    fallback_lines: MoodLines
    """Used when the model fails the reply check repeatedly; keep them short and generic."""
    dynamics: Dynamics
    """Trust, openness and irritation: start values, reactions and the hang-up threshold."""
    trainer_notes: str = ""
    """For trainers only: what the persona trains, what works with them. Never sent to the
    model."""

    @field_validator("trainer_notes")
    @classmethod
    def _notes_written(cls, value: str) -> str:
        if PLACEHOLDER in value:
            raise ValueError(f"still a placeholder: replace {PLACEHOLDER!r} with your notes")
        return value


def persona_json_schema() -> dict[str, Any]:
    """The JSON Schema of a persona file, for editors and `callsim persona schema`."""
    schema = Persona.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "callsim persona"
    return schema


def persona_json_schema_text() -> str:
    """The JSON Schema as the text committed in `personas/persona.schema.json`."""
    return json.dumps(persona_json_schema(), ensure_ascii=False, indent=2) + "\n"
