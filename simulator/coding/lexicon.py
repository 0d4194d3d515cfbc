"""The per-language lexicon files (`data/ru.yaml`, `data/en.yaml`): schema, loading, errors.

A lexicon holds what a trainer may tune: cue patterns and their weights for each code,
question openers, reflection cues, negation words and fillers. How cues are matched lives in
code (`matcher.py`, `coder.py`). A bad file fails at start with `PATH:LINE: field: message`.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from simulator.codes import Lang
from simulator.coding.patterns import Pattern, PatternError, compile_pattern
from simulator.errors import UserError

DATA_DIR = Path(__file__).parent / "data"

CuedCode = Literal[
    "empathy",
    "affirmation",
    "human_life",
    "personal_story",
    "common_ground",
    "autonomy",
    "confront",
    "lecture",
    "guilt",
    "unsafe",
]
"""Codes decided by cue lists alone (questions and reflection have their own sections)."""


class LexiconError(UserError):
    """A lexicon file is malformed; the message names the file, line and field."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Cue(_Strict):
    """One cue: a phrase pattern (or a regular expression) and how much it counts."""

    pattern: str | None = None
    """Phrase pattern over words (see the syntax at the top of the lexicon file)."""
    regex: str | None = None
    """Case-insensitive regular expression over the raw text, for what patterns cannot say."""
    weight: float = Field(default=1.0, ge=-10, le=10)
    """How much a match adds to the code's score; the code fires at its threshold."""
    negatable: bool | None = None
    """Whether a negation just before the match cancels it; unset: the code's setting."""

    @model_validator(mode="before")
    @classmethod
    def _plain_string_is_a_pattern(cls, value: Any) -> Any:
        return {"pattern": value} if isinstance(value, str) else value

    @model_validator(mode="after")
    def _exactly_one_matcher(self) -> Cue:
        if (self.pattern is None) == (self.regex is None):
            raise ValueError("give exactly one of 'pattern' or 'regex'")
        if self.regex is not None:
            try:
                re.compile(self.regex)
            except re.error as exc:
                raise ValueError(f"bad regex {self.regex!r}: {exc}") from exc
        return self


class CodeCues(_Strict):
    """How one code is recognised."""

    threshold: float = Field(default=1.0, gt=0)
    """The code fires when the weights of its matched cues add up to at least this."""
    negatable: bool = True
    """Whether a negation word shortly before a cue cancels it ("I'm not blaming you")."""
    cues: list[Cue]
    """Patterns that count towards the code."""
    vetoes: list[Cue] = []
    """Patterns that cancel every cue of this code in the same sentence."""
    implies: list[CuedCode] = []
    """Codes that fire too whenever this one does (guilt blames, so it is also confront)."""


class QuestionOpener(_Strict):
    """A way a question starts (with `^`) or a word that marks one anywhere."""

    pattern: str
    kind: Literal["open", "closed", "statement"]
    """open: invites an elaborated answer; closed: yes/no or one fact; statement: shaped like
    a question but is not one ("Why don't you just read the news?" is advice)."""
    needs_mark: bool = True
    """Whether the sentence must end with '?' to count ("Tell me more" needs none)."""


class Questions(_Strict):
    """Question detection.

    Openers with `^` are tried at the start of the sentence and of each clause in it; the
    opener of the last clause decides the kind ("When you drink, how do you feel?" is open),
    and at one place the first opener in the list wins.
    """

    openers: list[QuestionOpener]
    min_words: int = Field(default=2, ge=1)
    """A '?' sentence with fewer words and no opener ("Yeah?", «Да?») is a backchannel."""
    statement_asks_last_only: bool = True
    """A statement with '?' and no opener ("You're at work now?") asks only as the last
    sentence of the turn: one the volunteer talks on past ("It adds up, yeah? Yeah.") is a
    check-in nobody answers. Questions with an opener count anywhere."""
    clause_openers: bool = True
    """Whether `^` openers also count at the start of a later clause ("..., and how...?").
    Off for Russian, where «что», «как», «когда» after a comma usually join a clause."""
    rhetorical: list[CuedCode] = []
    """A question sentence that also has one of these codes is an attack phrased as a
    question («Как можно быть таким слепым?»): it keeps that code and is not a question."""


class Reflection(CodeCues):
    """Reflection: cues, plus credit for echoing the respondent's own words."""

    echo_weight: float = 0.0
    """Added when the volunteer repeats enough content words of the respondent's turn."""
    echo_min_shared: int = Field(default=2, ge=1)
    """How many distinct content words must be shared for an echo."""
    echo_min_share: float = Field(default=0.3, ge=0, le=1)
    """Which share of the volunteer's content words must come from the respondent's turn."""
    addressed_weight: float = 0.0
    """Added for a statement about the respondent: a sentence without '?' that has a
    second-person word and no first-person word ("You've been carrying this alone")."""
    addressed_min_words: int = Field(default=5, ge=1)
    """How many words such a sentence needs (shorter ones are mostly backchannels)."""
    second_person: list[str] = []
    """Words that address the respondent ("you", «вы»)."""
    first_person: list[str] = []
    """Words that make a sentence about the volunteer instead ("I", «я»)."""
    courtesy: list[str] = []
    """Politeness and call mechanics ("sorry", "thanks"): such a sentence restates nothing."""
    not_with: list[CuedCode] = []
    """A sentence that also has one of these codes is no reflection ("You're wrong")."""


class Negation(_Strict):
    """Words that negate what follows, and how far back they reach."""

    words: list[str]
    window: int = Field(default=3, ge=1, le=10)
    """A negation word at most this many words before a cue (same clause) cancels it."""
    bridges: list[str] = []
    """Words that open a clause still under the negation before it: «не говорю, что вы...»."""


class Lexicon(_Strict):
    """Everything the coder knows about one language."""

    lang: Lang
    negation: Negation
    fillers: list[str]
    """Words skipped at the start of a sentence before openers are looked for."""
    stopwords: list[str]
    """Words that do not count as content when comparing with the respondent's turn."""
    questions: Questions
    reflection: Reflection
    codes: dict[CuedCode, CodeCues]

    @field_validator("codes")
    @classmethod
    def _every_code(cls, codes: dict[CuedCode, CodeCues]) -> dict[CuedCode, CodeCues]:
        missing = sorted(set(CuedCode.__args__) - set(codes))  # type: ignore[attr-defined]
        if missing:
            raise ValueError(f"missing codes: {', '.join(missing)}")
        return codes


def _check_patterns(lexicon: Lexicon) -> list[tuple[tuple[str | int, ...], str]]:
    """Compile every pattern once; return (location, message) for each that fails."""
    problems: list[tuple[tuple[str | int, ...], str]] = []

    def check(loc: tuple[str | int, ...], source: str | None) -> None:
        if source is None:
            return
        try:
            compile_cached(source, lexicon.lang)
        except PatternError as exc:
            problems.append((loc, str(exc)))

    groups: list[tuple[tuple[str | int, ...], CodeCues]] = [(("reflection",), lexicon.reflection)]
    groups += [(("codes", code), cues) for code, cues in lexicon.codes.items()]
    for loc, group in groups:
        for name in ("cues", "vetoes"):
            for i, cue in enumerate(getattr(group, name)):
                check((*loc, name, i, "pattern"), cue.pattern)
    for i, opener in enumerate(lexicon.questions.openers):
        check(("questions", "openers", i, "pattern"), opener.pattern)
    return problems


@lru_cache(maxsize=4096)
def compile_cached(source: str, lang: Lang) -> Pattern:
    """Compile a pattern once per process."""
    return compile_pattern(source, lang)


def _line_of(root: yaml.Node | None, loc: tuple[str | int, ...]) -> int:
    """The 1-based line of the deepest node along `loc` that exists in the YAML tree."""
    node = root
    line = node.start_mark.line + 1 if node is not None else 1
    for key in loc:
        child = None
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                if key_node.value == str(key):
                    child = value_node
                    break
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int):
            if 0 <= key < len(node.value):
                child = node.value[key]
        if child is None:
            break
        node = child
        line = node.start_mark.line + 1
    return line


def _field(loc: tuple[str | int, ...]) -> str:
    return ".".join(str(part) for part in loc) or "(top level)"


def load_lexicon(path: Path) -> Lexicon:
    """Read and validate one lexicon file; raise LexiconError as `PATH:LINE: field: message`."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise LexiconError(f"{path}: cannot read lexicon: {exc.strerror}") from exc
    try:
        data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        problem = getattr(exc, "problem", None) or str(exc)
        raise LexiconError(f"{path}:{line}: (yaml): {problem}") from exc
    try:
        lexicon = Lexicon.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = tuple(part for part in first["loc"] if isinstance(part, str | int))
        line = _line_of(yaml.compose(text), loc)
        raise LexiconError(f"{path}:{line}: {_field(loc)}: {first['msg']}") from exc
    problems = _check_patterns(lexicon)
    if problems:
        loc, message = problems[0]
        line = _line_of(yaml.compose(text), loc)
        raise LexiconError(f"{path}:{line}: {_field(loc)}: {message}")
    return lexicon


@lru_cache(maxsize=2)
def bundled_lexicon(lang: Lang) -> Lexicon:
    """The lexicon shipped with callsim for `lang` (loaded once per process)."""
    return load_lexicon(DATA_DIR / f"{lang}.yaml")
