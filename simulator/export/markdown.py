"""A session as Markdown: a header, the transcript with codes, then the scorecard.

Every piece of text that came from a person or a model goes through `escape_inline`, so a
reply like `# Title`, `*shout*`, `| a | b |` or `<script>` reads literally instead of changing
the document's structure.
"""

from __future__ import annotations

import re

from simulator.export.labels import Labels
from simulator.scoring.model import DIMENSIONS, Scorecard
from simulator.session import RespondentState, SessionRecord, Turn

BAR_WIDTH = 10

# Characters that can open or close Markdown (CommonMark and GitHub tables) inside a line.
_INLINE_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~&{}])")
_WHITESPACE = re.compile(r"\s+")
# What would start a block if it opened a line: lists, quotes, headings, rules, tables.
_BLOCK_START = re.compile(r"^(\d+)([.)])|^([-+=>])")


def escape_inline(text: str) -> str:
    """`text` on one line with every Markdown-significant character backslash-escaped."""
    flat = _WHITESPACE.sub(" ", text).strip()
    flat = _INLINE_SPECIAL.sub(r"\\\1", flat)
    return _BLOCK_START.sub(
        lambda m: f"{m.group(1)}\\{m.group(2)}" if m.group(1) else f"\\{m.group(3)}", flat
    )


def render_markdown(record: SessionRecord, persona_name: str | None = None) -> str:
    """The whole session as a Markdown document in the session's language, titled with the
    persona's name (its id when `persona_name` is not given)."""
    labels = Labels(record.lang)
    parts = [
        _header(record, labels, persona_name or record.persona),
        _transcript(record, labels),
        _scorecard(record, labels),
    ]
    return "\n\n".join(parts).rstrip() + "\n"


def _header(record: SessionRecord, t: Labels, name: str) -> str:
    persona = escape_inline(name)
    if name != record.persona:
        persona += f" (`{record.persona}`)" if "`" not in record.persona else ""
    rows = [
        (t("persona"), persona),
        (t("language"), t(f"lang.{record.lang}")),
        (t("mode"), t(f"mode.{record.mode}")),
        (t("date"), escape_inline(t.date(record.started_at))),
        (t("ended"), t.ended_by(record.ended_by)),
        (t("model"), escape_inline(record.model) if record.model else "—"),
        (t("session"), f"`{record.id}`" if "`" not in record.id else escape_inline(record.id)),
    ]
    lines = [f"# {escape_inline(name)}", "", "| | |", "|---|---|"]
    lines += [f"| {name} | {value} |" for name, value in rows]
    return "\n".join(lines)


def _transcript(record: SessionRecord, t: Labels) -> str:
    lines = [f"## {t('transcript')}", ""]
    if not record.turns:
        lines.append(t("no_turns"))
    number = 0
    for turn in record.turns:
        number += turn.speaker == "volunteer"
        lines.append(_turn(number, turn, t))
        lines.append("")
    return "\n".join(lines).rstrip()


def _turn(number: int, turn: Turn, t: Labels) -> str:
    """One line of the transcript; volunteer turns carry the number the volunteer counts."""
    speaker = t(f"speaker.{turn.speaker}")
    if turn.speaker == "volunteer":
        line = f"**{number} · {speaker}:** {escape_inline(turn.text)}"
    else:
        line = f"**{speaker}:** {escape_inline(turn.text)}"
    if turn.speaker == "volunteer":
        codes = ", ".join(t(f"code.{code}") for code in turn.codes or [])
        line += f"  \n*{t('codes')}: {codes or t('no_codes')}*"
    elif turn.state is not None:
        line += f"  \n*{_state(turn.state, t)}*"
    return line


def _state(state: RespondentState, t: Labels) -> str:
    return " · ".join(
        f"{t(f'state.{name}')} {getattr(state, name):.2f}"
        for name in ("trust", "openness", "irritation")
    )


def _scorecard(record: SessionRecord, t: Labels) -> str:
    scorecard: Scorecard | None = record.scorecard
    turns = record.turns
    lines = [f"## {t('scorecard')}", ""]
    if scorecard is None:
        lines.append(t("not_scored"))
        return "\n".join(lines)
    lines += [
        f"**{t('overall')}: {scorecard.overall}/100** · "
        f"{t('readiness')}: **{t(f'readiness.{scorecard.readiness}')}**",
        "",
        f"### {t('dimensions')}",
        "",
        f"| {t('dimension')} | {t('score')} | | {t('evidence')} |",
        "|---|---:|---|---|",
    ]
    for name in DIMENSIONS:
        dimension = scorecard.dimensions.get(name)
        if dimension is None:
            continue
        evidence = "<br>".join(
            f"{t.turn(turns, q.turn)}: «{escape_inline(q.quote)}»" for q in dimension.evidence
        )
        lines.append(
            f"| {t(f'dimension.{name}')} | {dimension.score} | `{_bar(dimension.score)}` | "
            f"{evidence} |"
        )
    lines += ["", f"### {t('hard_fails')}", ""]
    if not scorecard.hard_fails:
        lines.append(t("no_hard_fails"))
    for fail in scorecard.hard_fails:
        lines.append(
            f"- {t.turn(turns, fail.turn)} · {t(f'code.{fail.code}')}: "
            f"«{escape_inline(fail.quote)}»"
        )
    if scorecard.blockers:
        lines += ["", f"### {t('blockers')}", "", t("blockers.why"), ""]
        for blocker in scorecard.blockers:
            lines.append(
                f"- {t.turn(turns, blocker.turn)} · {t(f'code.{blocker.code}')}: "
                f"«{escape_inline(blocker.quote)}»"
            )
    metrics = scorecard.metrics
    ratio = metrics.reflection_to_question
    outcome = "outcome.hung_up" if scorecard.outcome.hung_up else "outcome.stayed"
    lines += [
        "",
        f"### {t('metrics')}",
        "",
        f"- {t('metric.volunteer_turns')}: {metrics.volunteer_turns}",
        f"- {t('metric.open_questions')}: {metrics.open_questions}",
        f"- {t('metric.reflections')}: {metrics.reflections}",
        f"- {t('metric.reflection_to_question')}: "
        f"{t('metric.none') if ratio is None else f'{ratio:.2f}'}",
        f"- {t('metric.volunteer_talk_share')}: {metrics.volunteer_talk_share:.0%}",
        f"- {t('outcome')}: {t(outcome)}; "
        f"{t('outcome.final_openness')} {scorecard.outcome.final_openness:.2f}",
        "",
        f"### {t('suggestions')}",
        "",
    ]
    if not scorecard.suggestions:
        lines.append(t("no_suggestions"))
    for number, suggestion in enumerate(scorecard.suggestions, start=1):
        lines += [
            f"{number}. **{t.turn(turns, suggestion.turn)}:** «{escape_inline(suggestion.quote)}»",
            f"   - *{t('why')}:* {escape_inline(suggestion.why)}",
            f"   - *{t('try_instead')}:* {escape_inline(suggestion.try_instead)}",
        ]
    return "\n".join(lines)


def _bar(score: int) -> str:
    filled = round(max(0, min(100, score)) * BAR_WIDTH / 100)
    return "█" * filled + "░" * (BAR_WIDTH - filled)
