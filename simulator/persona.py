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
Gender = Literal["female", "male"]
"""The respondent's grammatical gender: Russian past tense and short adjectives agree with it."""
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


class Keys(_Strict):
    """Words that show a volunteer's line is about a topic. Russian keys are lemmas
    (dictionary forms: «ребёнок» matches «детей»); English keys match a word or its
    -s/-ed/-ing forms. A key of several words matches them in a row."""

    ru: list[WrittenText] = Field(default_factory=list)
    """Russian lemmas or phrases."""
    en: list[WrittenText] = Field(default_factory=list)
    """English words or phrases."""

    def get(self, lang: Lang) -> list[str]:
        """The keys in `lang`."""
        return self.ru if lang == "ru" else self.en


class Topic(_Strict):
    """Something the respondent has something to say about, in every mood."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    """Short identifier, unique within the persona, e.g. `nato`."""
    keys: Keys
    """Words in the volunteer's line that raise this topic."""
    examples: Lines | None = None
    """How a caller might raise it, in a sentence or two; matched by meaning, across
    languages, when no key is in the line."""
    lines: MoodLines
    """What this person says about it in each mood: short when hostile or guarded, two or
    three sentences when open. Several per mood, so calls differ."""


class Stance(_Strict):
    """The respondent's answer to a yes/no question a caller is likely to ask."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    """Short identifier, unique within the persona, e.g. `support_war`."""
    keys: Keys = Field(default_factory=Keys)
    """Words that mark the question."""
    questions: Lines
    """How a caller asks it (matched by meaning, across languages)."""
    answers: MoodLines
    """The answer in each mood, in character (the stance itself does not change with the
    mood, only how much they say)."""


class Fact(_Strict):
    """Something personal that comes out only when the respondent trusts the caller."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    """Short identifier, unique within the persona, e.g. `cousins_poltava`."""
    keys: Keys = Field(default_factory=Keys)
    """Words that invite it (it can also come out unprompted when trust is high)."""
    lines: Lines
    """How they tell it."""
    min_trust: float = Field(default=0.55, ge=0.0, le=1.0)
    """Trust needed before they say it."""


class Person(_Strict):
    """Someone the respondent talks about by name (a son, a neighbour): the first time a reply
    names them, the engine adds who they are, unless the reply already says it."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    """Short identifier, unique among the persona's people, e.g. `seryozha`."""
    names: Keys
    """How the lines name them, as keys (a Russian name as a lemma: «Серёжа» matches
    «Серёже»)."""
    intro: Text
    """A short sentence saying who they are, e.g. «Серёжа — это сын мой.»"""
    known_by: Keys = Field(default_factory=Keys)
    """Words that already say who they are when they stand in the same reply («сын»)."""


class Lore(_Strict):
    """What the respondent knows and says: the engine picks from it each turn and the model
    only voices the choice."""

    topics: list[Topic] = Field(default_factory=list)
    """Topics they have something to say about."""
    stances: list[Stance] = Field(default_factory=list)
    """Their answers to the yes/no questions callers ask."""
    facts: list[Fact] = Field(default_factory=list)
    """Personal facts told only at high trust."""
    permission: MoodLines | None = None
    """How they agree (or barely agree) to talk when the caller asks leave at the start of the
    call ("Have you got a minute?"), in their own words: a word about what they are doing or
    how long they have. Without it, or later in the call, the shared lines of the engine's
    `permission.yaml`."""
    deflections: MoodLines | None = None
    """What they say when the line gives them nothing to answer (guarded: who is calling,
    why; open: an invitation to go on)."""
    reactions: dict[Code, MoodLines] = Field(default_factory=dict)
    """How they react to a kind of volunteer turn (per behaviour code), e.g. to `empathy`
    or to `confront`, when no topic is raised."""
    people: list[Person] = Field(default_factory=list)
    """People they mention by name, introduced the first time a reply names them."""


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
    gender: Gender | None = None
    """`female` or `male`: the grammatical gender of their Russian (past tense, short
    adjectives; model replies that disagree are refused) and of the app's words about them.
    Leave it out only if the respondent's gender should stay unknown."""
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
    lore: Lore = Field(default_factory=Lore)
    """Topics, stances on common questions, personal facts, deflections and reactions: what
    the engine has the respondent say."""
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
