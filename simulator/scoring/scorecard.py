"""Session record -> scorecard (SPEC section 5): pure, fast, no model.

The codes each volunteer turn got during the call (the one analysis of the turn, which also
moved the respondent) are the only input about behaviour; nothing is re-coded here. How codes
become scores is the rubric's business (`rubric.yaml`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from simulator.codes import Code, Lang
from simulator.scoring.model import (
    DIMENSIONS,
    Blocker,
    Dimension,
    DimensionScore,
    HardFail,
    Metrics,
    Outcome,
    Quote,
    Readiness,
    Scorecard,
)
from simulator.scoring.rubric import DimensionRule, Rubric, load_lines, load_rubric
from simulator.scoring.suggest import suggest
from simulator.scoring.turns import VolunteerTurn, quote_turn, volunteer_turns, word_count
from simulator.session import SessionRecord


def score_session(
    record: SessionRecord, rubric: Rubric | None = None, *, ui_lang: Lang | None = None
) -> Scorecard:
    """Score a session with `rubric` (default: `load_rubric()`, which honours CALLSIM_RUBRIC).

    Volunteer turns are scored by the codes they carry; a turn without codes counts as
    having none. A call with no volunteer turns scores 0 everywhere and is `not_yet`.
    `ui_lang` is the volunteer's interface language: the suggestions explain themselves
    (`why`) in it, while the better lines (`try_instead`) stay in the call's language.
    Default: the call's language.
    """
    rubric = rubric or load_rubric()
    turns = volunteer_turns(record)
    metrics = compute_metrics(record, turns)
    outcome = compute_outcome(record)
    if not turns:
        return Scorecard(
            overall=0,
            readiness="not_yet",
            dimensions={name: DimensionScore(score=0) for name in DIMENSIONS},
            metrics=metrics,
            outcome=outcome,
        )
    hard_fails = find_hard_fails(turns, rubric)
    blockers = find_blockers(turns, rubric)
    dimensions = {name: score_dimension(name, turns, metrics, rubric) for name in DIMENSIONS}
    overall = overall_score(
        _weighted_overall(dimensions, rubric),
        unsafe=any(turn.has("unsafe") for turn in turns),
        hard_fail=bool(hard_fails),
        rubric=rubric,
    )
    return Scorecard(
        overall=overall,
        readiness=_readiness(overall, hard_fails, blockers, len(turns), rubric),
        hard_fails=hard_fails,
        blockers=blockers,
        dimensions=dimensions,
        metrics=metrics,
        outcome=outcome,
        suggestions=suggest(
            turns, record.lang, rubric, load_lines(rubric), ui_lang=ui_lang or record.lang
        ),
    )


def overall_score(weighted: int, *, unsafe: bool, hard_fail: bool, rubric: Rubric) -> int:
    """The overall score from the weighted mean of the dimensions.

    A call with an `unsafe` turn is scaled into 0..`unsafe_cap`, and every other call scores
    at least `unsafe_cap` + 1, so an unsafe call ranks below any call without one while
    unsafe calls keep their order among themselves. Any other hard fail caps the score at
    `hard_fail_cap`.
    """
    if unsafe:
        return _round(weighted * rubric.unsafe_cap / 100)
    overall = max(weighted, rubric.unsafe_cap + 1)
    return min(overall, rubric.hard_fail_cap) if hard_fail else overall


def compute_metrics(record: SessionRecord, turns: Sequence[VolunteerTurn]) -> Metrics:
    """Counts a volunteer can act on.

    `open_questions` and `reflections` count volunteer turns with that code.
    `reflection_to_question` is reflections / (turns with `open_question` + turns with
    `closed_question`), rounded to 2 places; null when there were no questions.
    `volunteer_talk_share` is volunteer words / all words of the call, rounded to 3 places.
    """
    open_questions = _count(turns, "open_question")
    questions = open_questions + _count(turns, "closed_question")
    reflections = _count(turns, "reflection")
    volunteer_words = sum(turn.words for turn in turns)
    all_words = volunteer_words + sum(
        word_count(turn.text) for turn in record.turns if turn.speaker == "respondent"
    )
    return Metrics(
        volunteer_turns=len(turns),
        open_questions=open_questions,
        reflections=reflections,
        reflection_to_question=round(reflections / questions, 2) if questions else None,
        volunteer_talk_share=round(volunteer_words / all_words, 3) if all_words else 0.0,
    )


def compute_outcome(record: SessionRecord) -> Outcome:
    """Whether the respondent hung up, and their openness in their last known state."""
    states = [turn.state for turn in record.turns if turn.state is not None]
    return Outcome(
        hung_up=record.ended_by == "hangup",
        final_openness=states[-1].openness if states else 0.0,
    )


def find_hard_fails(turns: Sequence[VolunteerTurn], rubric: Rubric) -> list[HardFail]:
    """Every turn with a code that reached its hard-fail count in the rubric, in call order."""
    fails: list[HardFail] = []
    for code, threshold in rubric.hard_fail.items():
        matching = [turn for turn in turns if turn.has(code)]
        if len(matching) >= threshold:
            fails.extend(
                HardFail(turn=turn.index, code=code, quote=_quote(turn, code, rubric))
                for turn in matching
            )
    return sorted(fails, key=lambda fail: (fail.turn, fail.code))


def find_blockers(turns: Sequence[VolunteerTurn], rubric: Rubric) -> list[Blocker]:
    """Every turn with a code that keeps the call from `ready` (`readiness.blocked_by`)."""
    blocked_by = rubric.readiness.blocked_by
    return [
        Blocker(turn=turn.index, code=code, quote=_quote(turn, code, rubric))
        for turn in turns
        for code in blocked_by
        if turn.has(code)
    ]


def score_dimension(
    name: Dimension, turns: Sequence[VolunteerTurn], metrics: Metrics, rubric: Rubric
) -> DimensionScore:
    """One dimension's score under its rubric rule, with the turns that moved it as evidence.

    `turns` must not be empty (`score_session` scores a call without volunteer turns as 0)."""
    rule = rubric.dimensions.get(name)
    unsafe = [turn for turn in turns if turn.has("unsafe")]
    if name == "safety" and unsafe:
        evidence = [_quote_of(turn, "unsafe", rubric) for turn in unsafe]
        return DimensionScore(score=0, evidence=evidence[: rubric.evidence.per_dimension])
    score = float(rule.base)
    net = 0.0
    for code, points in rule.codes.items():
        delta = points.points * _count(turns, code, points.max_words)
        delta = max(-points.cap, min(points.cap, delta))
        net += delta
    for code, share_points in rule.code_shares.items():
        net += share_points * _count(turns, code) / len(turns)
    score += net
    if rule.reflection_to_question is not None:
        ratio_rule = rule.reflection_to_question
        ratio = metrics.reflection_to_question
        if ratio is None:
            earned = 1.0 if metrics.reflections else 0.0
        else:
            earned = min(1.0, ratio / ratio_rule.target)
        score += ratio_rule.points * earned
    if rule.talk_share is not None:
        share_rule = rule.talk_share
        share = metrics.volunteer_talk_share
        earned = (share_rule.worst - share) / (share_rule.worst - share_rule.best)
        score += share_rule.points * max(0.0, min(1.0, earned))
    if rule.short_turns is not None:
        short = sum(1 for turn in turns if turn.words <= rule.short_turns.max_words)
        score += rule.short_turns.points * short / len(turns)
    final = max(0, min(100, _round(score)))
    return DimensionScore(score=final, evidence=_evidence(turns, rule, rubric, net < 0))


def _evidence(
    turns: Sequence[VolunteerTurn], rule: DimensionRule, rubric: Rubric, negative_first: bool
) -> list[Quote]:
    """Quotes of the turns whose codes moved the dimension: those that lowered it first when
    the codes lowered it overall, else those that raised it first; then in call order."""
    ranked: list[tuple[int, VolunteerTurn, Code]] = []
    for turn in turns:
        moving = [
            (points.points, code)
            for code, points in rule.codes.items()
            if points.points
            and turn.has(code)
            and (points.max_words is None or turn.words <= points.max_words)
        ]
        moving += [
            (share_points, code)
            for code, share_points in rule.code_shares.items()
            if share_points and turn.has(code)
        ]
        if not moving:
            continue
        points, code = min(moving) if negative_first else max(moving)
        ranked.append((0 if (points < 0) == negative_first else 1, turn, code))
    ranked.sort(key=lambda item: (item[0], item[1].index))
    return [
        _quote_of(turn, code, rubric) for _, turn, code in ranked[: rubric.evidence.per_dimension]
    ]


def _quote_of(turn: VolunteerTurn, code: Code, rubric: Rubric) -> Quote:
    return Quote(turn=turn.index, quote=_quote(turn, code, rubric))


def _quote(turn: VolunteerTurn, code: Code, rubric: Rubric) -> str:
    return quote_turn(turn.text, turn.evidence.get(code, ()), rubric.evidence.quote_chars)


def _weighted_overall(dimensions: dict[Dimension, DimensionScore], rubric: Rubric) -> int:
    total_weight = sum(rubric.weights.get(name) for name in DIMENSIONS)
    weighted = sum(rubric.weights.get(name) * dimensions[name].score for name in DIMENSIONS)
    return max(0, min(100, _round(weighted / total_weight)))


def _readiness(
    overall: int, hard_fails: list[HardFail], blockers: list[Blocker], turns: int, rubric: Rubric
) -> Readiness:
    rule = rubric.readiness
    if hard_fails or turns < rule.min_volunteer_turns:
        return "not_yet"
    if overall >= rule.ready and not blockers:
        return "ready"
    if overall >= rule.almost:
        return "almost"
    return "not_yet"


def _count(turns: Sequence[VolunteerTurn], code: Code, max_words: int | None = None) -> int:
    return sum(
        1 for turn in turns if turn.has(code) and (max_words is None or turn.words <= max_words)
    )


def _round(value: float) -> int:
    """Round half up (Python's round() rounds half to even)."""
    return math.floor(value + 0.5)
