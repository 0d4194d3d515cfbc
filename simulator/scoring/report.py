"""A scorecard as a plain-text report in the session's language (for `callsim score`)."""

from __future__ import annotations

from simulator.codes import Lang
from simulator.scoring.model import DIMENSIONS, Scorecard
from simulator.scoring.rubric import Rubric
from simulator.session import SessionRecord
from simulator.vocabulary import term, volunteer_turn_number

BAR_WIDTH = 20

_LABELS: dict[Lang, dict[str, str]] = {
    "en": {
        "title": "Scorecard",
        "overall": "Overall",
        "readiness": "Readiness",
        "ready": "ready for live calls",
        "almost": "almost ready",
        "not_yet": "not yet",
        "hard_fails": "Hard fails",
        "blockers": (
            "Not ready for live calls while any turn attacks, mocks or blames the respondent "
            "(the call guide: never scold, insult or shame), whatever the score"
        ),
        "unsafe_rank": (
            "An unsafe turn is a hard fail: the call scores at most {cap} and ranks below "
            "every call without one"
        ),
        "turn": "turn",
        "metrics": "Metrics",
        "volunteer_turns": "volunteer turns",
        "open_questions": "open questions",
        "reflections": "reflections",
        "reflection_to_question": "reflections per question",
        "volunteer_talk_share": "your share of the words",
        "outcome": "Outcome",
        "hung_up": "the respondent hung up",
        "stayed": "the respondent stayed on the line",
        "final_openness": "final openness",
        "suggestions": "Suggestions",
        "no_suggestions": "Nothing to change: keep it up.",
        "why": "Why",
        "try_instead": "Try instead",
        "no_turns": "No volunteer turns to score.",
        "too_short": "The call is too short to judge readiness.",
        "none": "none",
    },
    "ru": {
        "title": "Оценка звонка",
        "overall": "Итог",
        "readiness": "Готовность",
        "ready": "готовы к настоящим звонкам",
        "almost": "почти готовы",
        "not_yet": "пока нет",
        "hard_fails": "Грубые ошибки",
        "blockers": (
            "Пока в звонке есть реплика с нападкой, насмешкой или обвинением, он не готов "
            "к настоящим звонкам, каким бы ни был итог (в памятке: не ругать, не оскорблять, "
            "не стыдить)"
        ),
        "unsafe_rank": (
            "Опасная реплика — грубая ошибка: звонок получает не больше {cap} и стоит ниже "
            "любого звонка без неё"
        ),
        "turn": "реплика",
        "metrics": "Показатели",
        "volunteer_turns": "ваших реплик",
        "open_questions": "открытых вопросов",
        "reflections": "отражений",
        "reflection_to_question": "отражений на вопрос",
        "volunteer_talk_share": "ваша доля слов",
        "outcome": "Результат",
        "hung_up": "собеседник повесил трубку",
        "stayed": "собеседник остался на линии",
        "final_openness": "открытость в конце",
        "suggestions": "Что можно сказать иначе",
        "no_suggestions": "Менять нечего: так держать.",
        "why": "Почему",
        "try_instead": "Попробуйте",
        "no_turns": "Нет реплик волонтёра, оценивать нечего.",
        "too_short": "Звонок слишком короткий, чтобы судить о готовности.",
        "none": "нет",
    },
}


def format_report(
    record: SessionRecord,
    scorecard: Scorecard,
    rubric: Rubric,
    evidence_per_dimension: int = 2,
    *,
    lang: Lang | None = None,
) -> str:
    """The session's scorecard as text in the interface language `lang` (default: the
    session's): overall and readiness, why the call is not ready when a turn keeps it from
    that, a bar per dimension with quoted evidence, hard fails, metrics, outcome and
    suggestions. Quotes and better lines stay in the call's language."""
    lang = lang or record.lang
    t = dict(_LABELS[lang])
    # Dimension and code names come from the one vocabulary the app and the exports use.
    t.update({name: term(f"dimension.{name}", lang) for name in DIMENSIONS})

    def code(name: str) -> str:
        return term(f"code.{name}", lang)

    def turn(index: int) -> int:
        return volunteer_turn_number(record.turns, index)

    min_volunteer_turns = rubric.readiness.min_volunteer_turns
    lines = [
        f"{t['title']}: {record.persona} · {record.id}",
        f"{t['overall']}: {scorecard.overall}/100    {t['readiness']}: {t[scorecard.readiness]}",
    ]
    metrics = scorecard.metrics
    if metrics.volunteer_turns == 0:
        lines.append(t["no_turns"])
    elif metrics.volunteer_turns < min_volunteer_turns:
        lines.append(t["too_short"])
    if scorecard.blockers:
        lines.append(f"{t['blockers']}:")
        for blocker in scorecard.blockers:
            lines.append(
                f"  {t['turn']} {turn(blocker.turn)} [{code(blocker.code)}]: «{blocker.quote}»"
            )
    lines.append("")
    width = max(len(t[name]) for name in DIMENSIONS)
    for name in DIMENSIONS:
        dimension = scorecard.dimensions[name]
        lines.append(f"{t[name]:<{width}}  {_bar(dimension.score)} {dimension.score:>3}")
        for quote in dimension.evidence[:evidence_per_dimension]:
            lines.append(f"{'':<{width}}    {t['turn']} {turn(quote.turn)}: «{quote.quote}»")
    if scorecard.hard_fails:
        lines += ["", f"{t['hard_fails']}:"]
        if any(fail.code == "unsafe" for fail in scorecard.hard_fails):
            lines.append("  " + t["unsafe_rank"].format(cap=rubric.unsafe_cap))
        for fail in scorecard.hard_fails:
            lines.append(f"  {t['turn']} {turn(fail.turn)} [{code(fail.code)}]: «{fail.quote}»")
    ratio = metrics.reflection_to_question
    lines += [
        "",
        f"{t['metrics']}:",
        f"  {t['volunteer_turns']}: {metrics.volunteer_turns}",
        f"  {t['open_questions']}: {metrics.open_questions}",
        f"  {t['reflections']}: {metrics.reflections}",
        f"  {t['reflection_to_question']}: {t['none'] if ratio is None else f'{ratio:.2f}'}",
        f"  {t['volunteer_talk_share']}: {metrics.volunteer_talk_share:.0%}",
        "",
        f"{t['outcome']}: {_outcome(record, scorecard, lang)}",
        "",
        f"{t['suggestions']}:",
    ]
    if not scorecard.suggestions and metrics.volunteer_turns:
        lines.append(f"  {t['no_suggestions']}")
    for number, suggestion in enumerate(scorecard.suggestions, start=1):
        lines += [
            f"  {number}. {t['turn']} {turn(suggestion.turn)}: «{suggestion.quote}»",
            f"     {t['why']}: {suggestion.why}",
            f"     {t['try_instead']}: {suggestion.try_instead}",
        ]
    return "\n".join(lines) + "\n"


def _outcome(record: SessionRecord, scorecard: Scorecard, lang: Lang) -> str:
    t = _LABELS[lang]
    text = t["hung_up"] if scorecard.outcome.hung_up else t["stayed"]
    if any(turn.state is not None for turn in record.turns):
        text += f"; {t['final_openness']} {scorecard.outcome.final_openness:.2f}"
    return text


def _bar(score: int) -> str:
    filled = round(score * BAR_WIDTH / 100)
    return "█" * filled + "░" * (BAR_WIDTH - filled)
