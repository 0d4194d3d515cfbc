"""The scoring rubric and the suggestion lines, as data (`rubric.yaml`, `suggestions.yaml`).

Trainers change weights, points, thresholds and lines without touching code: copy
`rubric.yaml`, edit it and point `CALLSIM_RUBRIC` at the copy. Both files are validated
strictly; a mistake becomes one `UserError` line `PATH:LINE:COLUMN: field: message`.
"""

from __future__ import annotations

import os
import re
import string
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal, TypeVar, get_args

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from simulator.codes import Code, Lang
from simulator.errors import UserError
from simulator.scoring.model import Dimension, Readiness
from simulator.yaml_data import load_yaml

BUNDLED_RUBRIC = Path(__file__).with_name("rubric.yaml")
BUNDLED_LINES = Path(__file__).with_name("suggestions.yaml")
RUBRIC_ENV = "CALLSIM_RUBRIC"

Issue = Literal[
    "unsafe", "guilt", "confront", "lecture", "missed_reflection", "monologue", "closed_question"
]
"""A problem a suggestion can address: a negative code, or a missed chance."""
ISSUES: tuple[Issue, ...] = get_args(Issue)

ECHO = "echo"
"""Placeholder for a phrase from the respondent's last line (only when it is fit to quote)."""
TOPIC = "topic"
"""Placeholder for what the volunteer's own closed question was about, with its preposition
("about your son", «о вашем сыне»)."""
PLACEHOLDERS = (ECHO, TOPIC)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True, frozen=True)


class CodePoints(_Strict):
    """How one code moves a dimension."""

    points: int
    """Points for each volunteer turn with the code; negative lowers the score."""
    cap: int = Field(ge=0)
    """The most this code can move the dimension, in either direction."""
    max_words: int | None = Field(default=None, ge=1)
    """Count the code only on turns of at most this many words (a reflection is brief: one
    buried in a long speech does not show listening); null counts every turn."""


class RatioRule(_Strict):
    """Points for reflecting at least as often as asking."""

    points: int = Field(ge=0, le=100)
    """Points earned at or above the target ratio (in proportion below it)."""
    target: float = Field(gt=0)
    """Reflections per question (open or closed) that earn all the points."""


class TalkShareRule(_Strict):
    """Points for letting the respondent talk."""

    points: int = Field(ge=0, le=100)
    """Points earned when the volunteer's share of words is at or below `best`."""
    best: float = Field(ge=0.0, le=1.0)
    """Share of words at or below which all the points are earned."""
    worst: float = Field(ge=0.0, le=1.0)
    """Share of words at or above which none are earned."""

    @model_validator(mode="after")
    def _best_below_worst(self) -> TalkShareRule:
        if self.best >= self.worst:
            raise ValueError("best must be lower than worst")
        return self


class ShortTurnsRule(_Strict):
    """Points for keeping turns short, so the respondent gets to talk."""

    points: int = Field(ge=0, le=100)
    """Points earned when every volunteer turn has at most `max_words` words (in proportion
    to the share of turns that do)."""
    max_words: int = Field(ge=1)
    """A turn longer than this is a speech, not a conversational turn."""


class DimensionRule(_Strict):
    """How one dimension is scored: a base plus code points and optional listening rules."""

    base: int = Field(ge=0, le=100)
    """The score before any code counts."""
    codes: dict[Code, CodePoints] = Field(default_factory=dict)
    """Codes that move this dimension."""
    reflection_to_question: RatioRule | None = None
    """Optional points for the reflection-to-question ratio."""
    talk_share: TalkShareRule | None = None
    """Optional points for a low volunteer share of words."""
    short_turns: ShortTurnsRule | None = None
    """Optional points for the share of volunteer turns that are short."""
    code_shares: dict[Code, int] = Field(default_factory=dict)
    """Points x the share of volunteer turns with the code (0..1): a habit weighs the same in
    a short call and a long one. Negative points lower the score."""


class Dimensions(_Strict):
    """One rule for each of the five dimensions."""

    empathy: DimensionRule
    human_life: DimensionRule
    listening: DimensionRule
    respect: DimensionRule
    safety: DimensionRule

    def get(self, dimension: Dimension) -> DimensionRule:
        """The rule for `dimension`."""
        return getattr(self, dimension)


class Weights(_Strict):
    """Weights of the dimensions in the overall score."""

    empathy: float = Field(ge=0)
    human_life: float = Field(ge=0)
    listening: float = Field(ge=0)
    respect: float = Field(ge=0)
    safety: float = Field(ge=0)

    @model_validator(mode="after")
    def _some_weight(self) -> Weights:
        if sum(self.model_dump().values()) <= 0:
            raise ValueError("at least one weight must be above 0")
        return self

    def get(self, dimension: Dimension) -> float:
        """The weight of `dimension`."""
        return getattr(self, dimension)


_BLOCKING: tuple[Code, ...] = ("confront", "guilt")


class ReadinessRule(_Strict):
    """Thresholds on the overall score."""

    ready: int = Field(ge=0, le=100)
    """Overall score at or above which, with no hard fail, the volunteer is ready."""
    almost: int = Field(ge=0, le=100)
    """Overall score at or above which, with no hard fail, the volunteer is almost ready."""
    min_volunteer_turns: int = Field(default=3, ge=0)
    """A call with fewer volunteer turns is too short to judge: `not_yet`."""
    blocked_by: list[Code] = Field(default_factory=lambda: list(_BLOCKING))
    """Any volunteer turn with one of these codes keeps the call from `ready`, whatever the
    score: the call guide says never to attack or blame the respondent."""

    @model_validator(mode="after")
    def _almost_below_ready(self) -> ReadinessRule:
        if self.almost > self.ready:
            raise ValueError("almost must not be above ready")
        return self


class EvidenceRule(_Strict):
    """How evidence is quoted."""

    per_dimension: int = Field(default=3, ge=0)
    """Quotes kept for each dimension."""
    quote_chars: int = Field(default=160, ge=20)
    """Turns longer than this are quoted by the sentence that carries the code."""


class SuggestionRule(_Strict):
    """Which suggestions the scorecard makes."""

    max: int = Field(default=5, ge=0)
    """Suggestions on one scorecard."""
    per_issue: int = Field(default=2, ge=1)
    """At most this many of one issue while other issues are waiting."""
    monologue_words: int = Field(default=60, ge=1)
    """A volunteer turn with more words than this is a monologue."""
    order: list[Issue]
    """Issues that get suggestions, worst first."""
    lines_file: str | None = None
    """A suggestion lines file, relative to the rubric; null for the bundled one."""

    @field_validator("order")
    @classmethod
    def _no_repeats(cls, order: list[Issue]) -> list[Issue]:
        if len(set(order)) != len(order):
            raise ValueError("an issue is listed twice")
        return order


class ProgressRule(_Strict):
    """When a volunteer is ready for live calls, judged over their recent calls."""

    counts: Literal["assessment", "any"] = "assessment"
    """Which finished calls count: assessment-mode calls only, or any call."""
    last_n: int = Field(default=3, ge=1)
    """How many of the most recent counted calls are judged together."""
    min_readiness: Literal["ready", "almost"] = "ready"
    """Each of those calls must be rated at least this."""
    min_distinct_personas: int = Field(default=2, ge=1)
    """Those calls must be with at least this many different respondents."""
    no_hard_fails: bool = True
    """None of those calls may have a hard fail."""
    min_dimension: dict[Dimension, int] = Field(default_factory=dict)
    """Optional floors: each of those calls must score at least this in the dimension."""

    @model_validator(mode="after")
    def _personas_fit_in_window(self) -> ProgressRule:
        if self.min_distinct_personas > self.last_n:
            raise ValueError("min_distinct_personas must not be above last_n")
        for dimension, floor in self.min_dimension.items():
            if not 0 <= floor <= 100:
                raise ValueError(f"min_dimension.{dimension}: must be between 0 and 100")
        return self

    def accepts(self, readiness: Readiness | None) -> bool:
        """Whether a call rated `readiness` meets `min_readiness`."""
        wanted = ("ready",) if self.min_readiness == "ready" else ("ready", "almost")
        return readiness in wanted


_UNSAFE_ONLY: dict[Code, int] = {"unsafe": 1}


class Rubric(_Strict):
    """The whole rubric (`rubric.yaml`)."""

    weights: Weights
    dimensions: Dimensions
    hard_fail: dict[Code, int] = Field(default_factory=lambda: dict(_UNSAFE_ONLY))
    """Turns with a code that make the call a hard fail; `unsafe` is always 1."""
    hard_fail_cap: int = Field(ge=0, le=100)
    """The most the overall score can be when there is a hard fail."""
    unsafe_cap: int = Field(default=10, ge=0, le=99)
    """A call with an `unsafe` turn scores 0..unsafe_cap (its score scaled into that range);
    every call without one scores above it, so an unsafe call always ranks below."""
    readiness: ReadinessRule
    evidence: EvidenceRule = Field(default_factory=EvidenceRule)
    suggestions: SuggestionRule
    progress: ProgressRule = Field(default_factory=ProgressRule)
    """The readiness verdict over several calls (`callsim progress`)."""
    _source: Path = PrivateAttr(default=BUNDLED_RUBRIC)

    @property
    def source(self) -> Path:
        """The file the rubric was loaded from."""
        return self._source

    @field_validator("hard_fail")
    @classmethod
    def _unsafe_is_always_a_hard_fail(cls, hard_fail: dict[Code, int]) -> dict[Code, int]:
        for code, turns in hard_fail.items():
            if turns < 1:
                raise ValueError(f"{code}: must be at least 1 turn")
        if hard_fail.get("unsafe", 1) != 1:
            raise ValueError("unsafe: must be 1 (one unsafe turn always fails the call)")
        return {"unsafe": 1, **hard_fail}

    @field_validator("unsafe_cap")
    @classmethod
    def _unsafe_ranks_below_other_hard_fails(cls, unsafe_cap: int, info: ValidationInfo) -> int:
        hard_fail_cap = info.data.get("hard_fail_cap")
        if hard_fail_cap is not None and unsafe_cap >= hard_fail_cap:
            raise ValueError(f"must be below hard_fail_cap ({hard_fail_cap})")
        return unsafe_cap


class LangText(_Strict):
    """One text in both languages."""

    ru: str = Field(min_length=1)
    en: str = Field(min_length=1)

    def get(self, lang: Lang) -> str:
        """The text in `lang`."""
        return self.ru if lang == "ru" else self.en


class LangVariants(_Strict):
    """One text, or several variants of it, in both languages (a single string is one variant).

    A scorecard never shows the same text twice, so a second suggestion of the same kind uses
    the next variant (and is dropped when there is none left)."""

    ru: list[str] = Field(min_length=1)
    en: list[str] = Field(min_length=1)

    @field_validator("ru", "en", mode="before")
    @classmethod
    def _one_or_more(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value

    @field_validator("ru", "en")
    @classmethod
    def _not_empty(cls, texts: list[str]) -> list[str]:
        if any(not text.strip() for text in texts):
            raise ValueError("an empty text")
        return texts

    def get(self, lang: Lang) -> list[str]:
        """The variants in `lang`."""
        return self.ru if lang == "ru" else self.en


class LangLines(_Strict):
    """Alternative lines in both languages."""

    ru: list[str] = Field(min_length=1)
    en: list[str] = Field(min_length=1)

    @field_validator("ru", "en")
    @classmethod
    def _usable_lines(cls, lines: list[str]) -> list[str]:
        for line in lines:
            unknown = _placeholders(line) - set(PLACEHOLDERS)
            if unknown:
                known = ", ".join("{" + name + "}" for name in PLACEHOLDERS)
                raise ValueError(f"unknown placeholder in {line!r}; only {known} are filled")
        if all(_placeholders(line) for line in lines):
            raise ValueError("needs at least one line without a placeholder")
        return lines

    def get(self, lang: Lang) -> list[str]:
        """The lines in `lang`."""
        return self.ru if lang == "ru" else self.en


class LangPatterns(_Strict):
    """Regular expressions in both languages, matched case-insensitively."""

    ru: list[str] = Field(default_factory=list)
    en: list[str] = Field(default_factory=list)

    @field_validator("ru", "en")
    @classmethod
    def _compiles(cls, patterns: list[str]) -> list[str]:
        for pattern in patterns:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"{pattern!r} is not a regular expression: {exc}") from None
        return patterns

    def get(self, lang: Lang) -> list[re.Pattern[str]]:
        """The compiled patterns for `lang`."""
        return _compiled(tuple(self.ru if lang == "ru" else self.en))


@lru_cache(maxsize=32)
def _compiled(patterns: tuple[str, ...]) -> list[re.Pattern[str]]:
    return [re.compile(pattern, re.IGNORECASE) for pattern in patterns]


class IssueLines(_Strict):
    """Why an issue matters and what to say instead."""

    why: LangVariants
    try_instead: LangLines


class SuggestionLines(_Strict):
    """The suggestion lines file (`suggestions.yaml`): one entry per issue, the lines that fit
    the call's opening, and what asking permission sounds like."""

    unsafe: IssueLines
    guilt: IssueLines
    confront: IssueLines
    lecture: IssueLines
    missed_reflection: IssueLines
    monologue: IssueLines
    closed_question: IssueLines
    opening: LangLines | None = None
    """Better lines for a problem in the call's opening, before the respondent has said
    anything to answer: introduce yourself and ask for a minute. Null: the issue's own lines."""
    permission: LangPatterns = Field(default_factory=LangPatterns)
    """What asking permission sounds like («Удобно сейчас пару минут?»): such a turn is never
    suggested as a closed question or a missed reflection."""

    def get(self, issue: Issue) -> IssueLines:
        """The lines for `issue`."""
        return getattr(self, issue)


def _placeholders(line: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(line) if name}


def rubric_path(path: str | os.PathLike[str] | None = None) -> Path:
    """The rubric in use: `path`, else `CALLSIM_RUBRIC`, else the bundled `rubric.yaml`."""
    raw = path or os.environ.get(RUBRIC_ENV)
    return Path(raw).expanduser() if raw else BUNDLED_RUBRIC


def load_rubric(path: str | os.PathLike[str] | None = None) -> Rubric:
    """Load and validate a rubric (see `rubric_path` for which); raise `UserError` if bad.

    Loaded files are cached by path and modification time, so scoring stays fast and an
    edited file is picked up.
    """
    resolved = rubric_path(path)
    return _load_rubric_cached(resolved, _mtime(resolved))


def load_lines(rubric: Rubric) -> SuggestionLines:
    """The suggestion lines the rubric names (the bundled ones by default)."""
    lines_file = rubric.suggestions.lines_file
    path = (rubric.source.parent / lines_file) if lines_file else BUNDLED_LINES
    return _load_lines_cached(path, _mtime(path))


def _mtime(path: Path) -> int:
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return -1


@lru_cache(maxsize=8)
def _load_rubric_cached(path: Path, mtime: int) -> Rubric:
    raw, root = _read_yaml(path)
    rubric = _validate(Rubric, raw, root, path)
    rubric._source = path
    return rubric


@lru_cache(maxsize=8)
def _load_lines_cached(path: Path, mtime: int) -> SuggestionLines:
    raw, root = _read_yaml(path)
    return _validate(SuggestionLines, raw, root, path)


def _read_yaml(path: Path) -> tuple[Any, yaml.Node | None]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UserError(f"{path}: file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"{path}: cannot read: {exc}") from None
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = load_yaml(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
        problem = getattr(exc, "problem", None) or str(exc)
        raise UserError(f"{where}: invalid YAML: {problem}") from None
    if not isinstance(data, dict):
        raise UserError(f"{path}: expected a mapping of fields at the top of the file")
    return data, root


_M = TypeVar("_M", bound=BaseModel)


def _validate(model: type[_M], raw: Any, root: yaml.Node | None, path: Path) -> _M:
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        error = exc.errors()[0]
        loc = tuple(error["loc"])
        field = ".".join(str(part) for part in loc) or "(top)"
        more = len(exc.errors()) - 1
        suffix = f" (and {more} more problem{'s' if more > 1 else ''})" if more else ""
        raise UserError(
            f"{_where(path, root, loc)}: {field}: {_message(error['msg'])}{suffix}"
        ) from None


def _where(path: Path, root: yaml.Node | None, loc: tuple[Any, ...]) -> str:
    """`PATH:LINE:COLUMN` of the deepest YAML node on `loc` that exists, else `PATH`."""
    node = root
    found = root
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            node = next((v for k, v in node.value if k.value == str(part)), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            node = node.value[part] if part < len(node.value) else None
        else:
            node = None
        if node is None:
            break
        found = node
    if found is None:
        return str(path)
    return f"{path}:{found.start_mark.line + 1}:{found.start_mark.column + 1}"


def _message(msg: str) -> str:
    """Pydantic's message without its "Value error, " prefix."""
    return msg.removeprefix("Value error, ")
