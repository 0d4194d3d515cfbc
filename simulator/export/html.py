"""A session as one self-contained HTML page a trainer opens in a browser or prints.

The page has inline CSS only: no scripts, no images, no fonts, no links, and a Content Security
Policy that forbids loading anything, so it works offline and cannot leak a visit. Every piece
of text is HTML-escaped: model output is untrusted, and a reply containing `<script>` shows as
those characters.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape

from simulator.codes import NEGATIVE_CODES, POSITIVE_CODES, Code
from simulator.export.labels import Labels, LabelsError
from simulator.export.style import STYLESHEET
from simulator.persona import MOODS
from simulator.scoring.model import DIMENSIONS, Scorecard
from simulator.session import SessionRecord, Turn
from simulator.vocabulary import VocabularyError, volunteer_turn_number

_CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"


def render_html(record: SessionRecord, persona_name: str | None = None) -> str:
    """The whole session as an HTML document in the session's language, titled with the
    persona's name (its id when `persona_name` is not given)."""
    t = Labels(record.lang)
    title = persona_name or record.persona
    body = "\n".join(
        [
            _header(record, t, title),
            _scorecard(record, t),
            _transcript(record, t),
            f"<footer>{_e(t('generated'))} · {_e(record.id)}</footer>",
        ]
    )
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{_e(record.lang)}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(title)}</title>\n<style>\n{STYLESHEET}</style>\n</head>\n"
        f"<body>\n<main>\n{body}\n</main>\n</body>\n</html>\n"
    )


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _header(record: SessionRecord, t: Labels, title: str) -> str:
    facts = [
        (t("language"), t(f"lang.{record.lang}")),
        (t("mode"), t(f"mode.{record.mode}")),
        (t("date"), t.date(record.started_at)),
        (t("ended"), t.ended_by(record.ended_by)),
        (t("model"), record.model or "—"),
    ]
    items = "".join(f"<div><dt>{_e(name)}</dt><dd>{_e(value)}</dd></div>" for name, value in facts)
    return (
        '<header><p class="kicker">callsim</p>'
        f"<h1>{_e(title)}</h1>"
        f'<dl class="facts">{items}</dl></header>'
    )


def _scorecard(record: SessionRecord, t: Labels) -> str:
    scorecard = record.scorecard
    if scorecard is None:
        return (
            f'<section class="scorecard"><h2>{_e(t("scorecard"))}</h2>'
            f'<p class="muted">{_e(t("not_scored"))}</p></section>'
        )
    readiness = scorecard.readiness
    summary = (
        f'<div class="summary"><div class="overall readiness-{_e(readiness)}">'
        f'<span class="overall-label">{_e(t("overall"))}</span>'
        f'<span class="overall-score">{scorecard.overall}</span>'
        f'<span class="overall-max">/100</span></div>'
        f'<div class="readiness"><span class="overall-label">{_e(t("readiness"))}</span>'
        f'<span class="badge readiness-{_e(readiness)}">{_e(t(f"readiness.{readiness}"))}</span>'
        f"{_outcome(scorecard, t)}</div></div>"
    )
    return (
        f'<section class="scorecard"><h2>{_e(t("scorecard"))}</h2>{summary}'
        f"{_dimensions(record, scorecard, t)}{_hard_fails(record, scorecard, t)}"
        f"{_blockers(record, scorecard, t)}"
        f"{_metrics(scorecard, t)}{_suggestions(record, scorecard, t)}</section>"
    )


def _outcome(scorecard: Scorecard, t: Labels) -> str:
    outcome = scorecard.outcome
    said = t("outcome.hung_up" if outcome.hung_up else "outcome.stayed")
    return (
        f'<p class="outcome">{_e(said)}; {_e(t("outcome.final_openness"))} '
        f"{outcome.final_openness:.2f}</p>"
    )


def _dimensions(record: SessionRecord, scorecard: Scorecard, t: Labels) -> str:
    rows = []
    for name in DIMENSIONS:
        dimension = scorecard.dimensions.get(name)
        if dimension is None:
            continue
        score = max(0, min(100, dimension.score))
        level = "high" if score >= 70 else "mid" if score >= 40 else "low"
        quotes = "".join(
            f'<li><span class="turn-ref">{_e(t.turn(record.turns, q.turn))}</span> '
            f"«{_e(q.quote)}»</li>"
            for q in dimension.evidence
        )
        rows.append(
            f'<div class="dimension"><span class="dimension-name">{_e(t(f"dimension.{name}"))}'
            f'</span><span class="bar"><span class="fill {level}" style="width: {score}%">'
            f'</span></span><span class="dimension-score">{score}</span>'
            + (f'<ul class="evidence">{quotes}</ul>' if quotes else "")
            + "</div>"
        )
    return f'<h3>{_e(t("dimensions"))}</h3><div class="dimensions">{"".join(rows)}</div>'


def _hard_fails(record: SessionRecord, scorecard: Scorecard, t: Labels) -> str:
    if not scorecard.hard_fails:
        return (
            f'<h3>{_e(t("hard_fails"))}</h3><p class="no-hard-fails">{_e(t("no_hard_fails"))}</p>'
        )
    items = "".join(
        f'<li><span class="turn-ref">{_e(t.turn(record.turns, fail.turn))}</span> '
        f"{_chip(fail.code, t)} «{_e(fail.quote)}»</li>"
        for fail in scorecard.hard_fails
    )
    return f'<div class="hard-fails"><h3>{_e(t("hard_fails"))}</h3><ul>{items}</ul></div>'


def _blockers(record: SessionRecord, scorecard: Scorecard, t: Labels) -> str:
    if not scorecard.blockers:
        return ""
    items = "".join(
        f'<li><span class="turn-ref">{_e(t.turn(record.turns, b.turn))}</span> '
        f"{_chip(b.code, t)} «{_e(b.quote)}»</li>"
        for b in scorecard.blockers
    )
    return (
        f'<div class="blockers"><h3>{_e(t("blockers"))}</h3>'
        f'<p class="muted">{_e(t("blockers.why"))}</p><ul>{items}</ul></div>'
    )


def _metrics(scorecard: Scorecard, t: Labels) -> str:
    metrics = scorecard.metrics
    ratio = metrics.reflection_to_question
    values = [
        ("volunteer_turns", str(metrics.volunteer_turns)),
        ("open_questions", str(metrics.open_questions)),
        ("reflections", str(metrics.reflections)),
        ("reflection_to_question", t("metric.none") if ratio is None else f"{ratio:.2f}"),
        ("volunteer_talk_share", f"{metrics.volunteer_talk_share:.0%}"),
    ]
    cells = "".join(
        f'<div class="metric"><span class="metric-value">{_e(value)}</span>'
        f'<span class="metric-name">{_e(t(f"metric.{name}"))}</span></div>'
        for name, value in values
    )
    return f'<h3>{_e(t("metrics"))}</h3><div class="metrics">{cells}</div>'


def _suggestions(record: SessionRecord, scorecard: Scorecard, t: Labels) -> str:
    if not scorecard.suggestions:
        return f'<h3>{_e(t("suggestions"))}</h3><p class="muted">{_e(t("no_suggestions"))}</p>'
    items = "".join(
        f'<li class="suggestion"><p class="quote"><span class="turn-ref">'
        f"{_e(t.turn(record.turns, s.turn))}</span> «{_e(s.quote)}»</p>"
        f'<p><span class="why-label">{_e(t("why"))}:</span> {_e(s.why)}</p>'
        f'<p class="try"><span class="try-label">{_e(t("try_instead"))}:</span> '
        f"{_e(s.try_instead)}</p></li>"
        for s in scorecard.suggestions
    )
    return f'<h3>{_e(t("suggestions"))}</h3><ol class="suggestions">{items}</ol>'


def _transcript(record: SessionRecord, t: Labels) -> str:
    if not record.turns:
        turns = f'<p class="muted">{_e(t("no_turns"))}</p>'
    else:
        turns = "\n".join(
            _turn(index, turn, record.turns, t) for index, turn in enumerate(record.turns)
        )
    return f'<section class="transcript"><h2>{_e(t("transcript"))}</h2>\n{turns}\n</section>'


def _turn(index: int, turn: Turn, turns: Sequence[Turn], t: Labels) -> str:
    speaker = turn.speaker
    number = ""
    if speaker == "volunteer":
        number = str(volunteer_turn_number(turns, index))
        text = highlight_evidence(turn.text, turn.evidence or {}, t)
        chips = "".join(_chip(code, t) for code in turn.codes or [])
        meta = f'<div class="chips">{chips or _e(t("no_codes"))}</div>'
    else:
        text = _e(turn.text)
        meta = _respondent_meta(turn, t)
    return (
        f'<div class="turn {speaker}" id="turn-{index}"><div class="who">'
        f'<span class="turn-index">{number}</span> {_e(t(f"speaker.{speaker}"))}</div>'
        f'<div class="bubble"><p class="text">{text}</p>{meta}</div></div>'
    )


def _respondent_meta(turn: Turn, t: Labels) -> str:
    parts = []
    if turn.state is not None:
        for name in ("trust", "openness", "irritation"):
            value = getattr(turn.state, name)
            parts.append(
                f'<span class="gauge {name}">{_e(t(f"state.{name}"))} '
                f'<span class="gauge-bar"><span style="width: {round(value * 100)}%"></span>'
                f"</span> {value:.2f}</span>"
            )
    if turn.mood:
        mood = t(f"mood.{turn.mood}") if turn.mood in MOODS else turn.mood
        parts.append(f'<span class="mood">{_e(t("mood_label"))}: {_e(mood)}</span>')
    if turn.source and turn.source != "model":
        parts.append(f'<span class="source">{_e(t(f"source.{turn.source}"))}</span>')
    return f'<div class="state">{"".join(parts)}</div>' if parts else ""


def _polarity(code: str) -> str:
    if code in NEGATIVE_CODES:
        return "negative"
    if code in POSITIVE_CODES:
        return "positive"
    return "neutral"


def _code_label(code: str, t: Labels | None) -> str:
    if t is None:
        return code
    try:
        return t(f"code.{code}")
    except (LabelsError, VocabularyError):
        return code


def _chip(code: str, t: Labels) -> str:
    name = _code_label(code, t)
    polarity = _polarity(code)
    return (
        f'<span class="chip {polarity}" title="{_e(t(f"polarity.{polarity}"))}">{_e(name)}</span>'
    )


@dataclass
class _Span:
    start: int
    end: int
    codes: list[str]


def highlight_evidence(
    text: str, evidence: Mapping[Code, Sequence[str]], t: Labels | None = None
) -> str:
    """`text` HTML-escaped, with each evidence span that occurs in it wrapped in `<mark>`.

    Overlapping spans merge into one mark that names all their codes (in `t`'s language, raw
    without `t`); a span that is not a substring of the text (the coder may normalise it) is
    left out. A mark is negative when any of its codes is warned against, positive when any is
    encouraged, else neutral (a closed question is neither).
    """
    found: list[_Span] = []
    folded = text.casefold() if len(text.casefold()) == len(text) else None
    for code, spans in evidence.items():
        for span in spans:
            if not span.strip():
                continue
            start, length = text.find(span), len(span)
            if start < 0 and folded is not None:
                start, length = folded.find(span.casefold()), len(span.casefold())
            if start >= 0:
                found.append(_Span(start, start + length, [code]))
    merged: list[_Span] = []
    for hit in sorted(found, key=lambda s: (s.start, -s.end)):
        if merged and hit.start < merged[-1].end:
            last = merged[-1]
            last.end = max(last.end, hit.end)
            last.codes += [c for c in hit.codes if c not in last.codes]
        else:
            merged.append(hit)
    out: list[str] = []
    cursor = 0
    for mark in merged:
        if any(c in NEGATIVE_CODES for c in mark.codes):
            polarity = "negative"
        elif any(c in POSITIVE_CODES for c in mark.codes):
            polarity = "positive"
        else:
            polarity = "neutral"
        names = [_code_label(c, t) for c in mark.codes]
        out.append(_e(text[cursor : mark.start]))
        out.append(
            f'<mark class="{polarity}" title="{_e(", ".join(names))}">'
            f"{_e(text[mark.start : mark.end])}</mark>"
        )
        cursor = mark.end
    out.append(_e(text[cursor:]))
    return "".join(out)
