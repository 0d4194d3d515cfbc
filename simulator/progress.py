"""Progress over time: each dimension's scores call after call, and whether the volunteer is
ready for live calls by the rule in the rubric (`progress:` in `rubric.yaml`).

The rule judges the most recent counted calls together (by default: the last 3 assessment-mode
calls, each rated ready, with 2 different respondents, none with a hard fail). What is still
missing is spelled out in Russian or English from `progress.yaml`. Unfinished calls (the app
closed mid-call) are listed in the history but never count.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Literal

from simulator.codes import Lang
from simulator.scoring.model import DIMENSIONS, Dimension, Readiness
from simulator.yaml_data import load_yaml

if TYPE_CHECKING:
    from simulator.scoring.rubric import ProgressRule, Rubric
    from simulator.session import SessionRecord
    from simulator.store import SessionSummary, Store

MissingKind = Literal["more_calls", "other_respondents", "hard_fail", "dimension"]


@dataclass(frozen=True)
class CallPoint:
    """One stored session as progress sees it."""

    id: str
    persona: str
    mode: str
    started_at: str
    ended_by: str | None
    overall: int | None
    readiness: Readiness | None
    hard_fails: tuple[str, ...] = ()
    """Codes of the call's hard fails, each once, in the order they happened."""
    dimensions: dict[Dimension, int] = field(default_factory=dict)
    """Dimension scores; empty when the call has no scorecard."""

    @property
    def finished(self) -> bool:
        """Whether the call ended (an unfinished one was cut off, e.g. by a crash)."""
        return self.ended_by is not None and self.overall is not None


@dataclass(frozen=True)
class Missing:
    """One thing the volunteer still needs before the verdict is `ready`."""

    kind: MissingKind
    count: int = 0
    """more_calls / other_respondents: how many calls."""
    codes: tuple[str, ...] = ()
    """hard_fail: the codes of the failing call."""
    started_at: str = ""
    """hard_fail / dimension: when the failing call started."""
    last: bool = False
    """hard_fail / dimension: the failing call is the most recent counted one."""
    dimension: Dimension | None = None
    """dimension: which one fell below its floor."""
    floor: int = 0
    score: int = 0
    of: str = ""
    """more_calls: which calls, as `counts.min_readiness` of the rule (`assessment.ready`)."""


@dataclass(frozen=True)
class Progress:
    """Every session (oldest first) and the verdict over the counted ones."""

    calls: list[CallPoint]
    counted: list[CallPoint]
    """The calls the rule judged, newest first (at most `rule.last_n`)."""
    missing: list[Missing]
    rule: ProgressRule

    @property
    def ready(self) -> bool:
        """Whether the volunteer is ready for live calls: nothing is missing."""
        return not self.missing

    @property
    def scored(self) -> list[CallPoint]:
        """Finished calls with a scorecard, oldest first (what the charts draw)."""
        return [c for c in self.calls if c.finished and c.dimensions]

    def series(self, dimension: Dimension) -> list[int]:
        """The dimension's score in each finished call, oldest first."""
        return [c.dimensions[dimension] for c in self.scored]

    def latest(self, dimension: Dimension) -> int | None:
        """The dimension's score in the most recent finished call."""
        values = self.series(dimension)
        return values[-1] if values else None

    def average(self, dimension: Dimension) -> float | None:
        """The dimension's mean score over every finished call."""
        values = self.series(dimension)
        return sum(values) / len(values) if values else None


def call_point(summary: SessionSummary, record: SessionRecord | None = None) -> CallPoint:
    """A history row as a progress point; `record` adds its dimension scores and hard fails."""
    card = record.scorecard if record is not None else None
    fails = tuple(dict.fromkeys(f.code for f in card.hard_fails)) if card else ()
    dims = {d: card.dimensions[d].score for d in DIMENSIONS if d in card.dimensions} if card else {}
    readiness: Readiness | None = None
    if summary.readiness in ("ready", "almost", "not_yet"):
        readiness = summary.readiness  # type: ignore[assignment]
    return CallPoint(
        id=summary.id,
        persona=summary.persona,
        mode=summary.mode,
        started_at=summary.started_at,
        ended_by=summary.ended_by,
        overall=summary.overall,
        readiness=readiness,
        hard_fails=fails,
        dimensions=dims,
    )


def load_calls(store: Store) -> list[CallPoint]:
    """Every stored session as a progress point, oldest first."""
    points = []
    for summary in reversed(store.list_sessions()):
        record = store.load(summary.id) if summary.overall is not None else None
        points.append(call_point(summary, record))
    return points


def load_progress(store: Store, rubric: Rubric | None = None) -> Progress:
    """The progress of everything in `store`, judged by `rubric` (default: `load_rubric()`)."""
    from simulator.scoring.rubric import load_rubric

    rule = (rubric or load_rubric()).progress
    return assess(load_calls(store), rule)


def assess(calls: list[CallPoint], rule: ProgressRule) -> Progress:
    """Judge `calls` (oldest first) by `rule`: which calls count and what is still missing."""
    eligible = [c for c in calls if c.finished and (rule.counts == "any" or c.mode == rule.counts)]
    window = list(reversed(eligible))[: rule.last_n]
    missing: list[Missing] = []

    def passes(call: CallPoint) -> bool:
        if not rule.accepts(call.readiness):
            return False
        if rule.no_hard_fails and call.hard_fails:
            return False
        return all(call.dimensions.get(d, 0) >= floor for d, floor in rule.min_dimension.items())

    # The window slides: after k more passing calls it holds those k and the newest
    # last_n - k of today's. So every call newer than the newest failing one is kept, and
    # last_n minus that many new calls are needed (a short history fails where it ends).
    newest_failing = next((i for i, c in enumerate(window) if not passes(c)), len(window))
    more = rule.last_n - newest_failing
    if more > 0:
        missing.append(Missing("more_calls", count=more, of=f"{rule.counts}.{rule.min_readiness}"))

    # New calls may all be with one respondent, so only the calls kept count here.
    kept = window[:newest_failing]
    other = rule.min_distinct_personas - len({c.persona for c in kept})
    if other > 0:
        missing.append(Missing("other_respondents", count=other))

    for index, call in enumerate(window):
        if rule.no_hard_fails and call.hard_fails:
            missing.append(
                Missing(
                    "hard_fail",
                    codes=call.hard_fails,
                    started_at=call.started_at,
                    last=index == 0,
                )
            )
        for dimension, floor in rule.min_dimension.items():
            score = call.dimensions.get(dimension, 0)
            if score < floor:
                missing.append(
                    Missing(
                        "dimension",
                        started_at=call.started_at,
                        last=index == 0,
                        dimension=dimension,
                        floor=floor,
                        score=score,
                    )
                )
    return Progress(calls=calls, counted=window, missing=missing, rule=rule)


# -- words ---------------------------------------------------------------------------------


@cache
def _lines() -> dict[str, dict[str, str | dict[str, str]]]:
    text = resources.files("simulator").joinpath("progress.yaml").read_text("utf-8")
    data: dict[str, dict[str, str | dict[str, str]]] = load_yaml(text)
    return data


def line_keys() -> list[str]:
    """Every key of `progress.yaml` (for tests)."""
    return list(_lines())


def plural_form(n: int, lang: Lang) -> str:
    """The plural form of `n`: English one / other, Russian one / few / many."""
    if lang == "en":
        return "one" if n == 1 else "other"
    if n % 10 == 1 and n % 100 != 11:
        return "one"
    if n % 10 in (2, 3, 4) and n % 100 not in (12, 13, 14):
        return "few"
    return "many"


def line(key: str, lang: Lang, n: int | None = None, **values: object) -> str:
    """The text `key` of `progress.yaml` in `lang`, in the plural form of `n` when counted."""
    entry = _lines()[key][lang]
    if isinstance(entry, dict):
        entry = entry[plural_form(n or 0, lang)]
    return entry.format(n=n, **values)


def describe(item: Missing, lang: Lang) -> str:
    """One missing item in words, e.g. "2 more assessment-mode calls rated ready"."""
    from simulator.export.labels import Labels

    labels = Labels(lang)
    when = "last" if item.last else "earlier"
    if item.kind == "more_calls":
        return line(f"more_calls.{item.of}", lang, item.count)
    if item.kind == "other_respondents":
        return line("other_respondents", lang, item.count)
    if item.kind == "hard_fail":
        codes = ", ".join(labels(f"code.{c}") for c in item.codes)
        return line(f"hard_fail.{when}", lang, codes=codes, date=labels.date(item.started_at))
    return line(
        f"dimension.{when}",
        lang,
        dimension=labels(f"dimension.{item.dimension}"),
        floor=item.floor,
        score=item.score,
        date=labels.date(item.started_at),
    )


def verdict_line(progress: Progress, lang: Lang) -> str:
    """ "Ready for live calls" or "Not ready for live calls yet", in `lang`."""
    return line("verdict.ready" if progress.ready else "verdict.not_yet", lang)


def rule_line(rule: ProgressRule, lang: Lang) -> str:
    """The rule in one sentence, so the verdict can be checked by hand."""
    return line(
        "verdict.rule",
        lang,
        rule.last_n,
        calls=line(f"verdict.rule.calls.{rule.counts}", lang, rule.last_n),
        readiness=line(f"verdict.rule.readiness.{rule.min_readiness}", lang),
        personas=rule.min_distinct_personas,
        hard_fails=line("verdict.rule.hard_fails", lang) if rule.no_hard_fails else "",
    )


def missing_lines(progress: Progress, lang: Lang) -> list[str]:
    """Every missing item in words, most important first."""
    return [describe(item, lang) for item in progress.missing]
