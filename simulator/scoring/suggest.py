"""Suggestions: the worst volunteer turns, why they hurt, and a better line to say.

Negative codes come first (in the rubric's order), then missed chances: no reflection in the
whole call, a monologue, or a closed question where an open one would do. Better lines come
from the suggestion lines file in the session's language, chosen deterministically per turn
and, where the line allows, echoing a phrase from what the respondent had just said.
"""

from __future__ import annotations

import zlib
from collections import Counter
from collections.abc import Sequence

from simulator.codes import Code, Lang
from simulator.scoring.model import Suggestion
from simulator.scoring.rubric import ECHO, Issue, IssueLines, Rubric, SuggestionLines
from simulator.scoring.turns import VolunteerTurn, echo_phrase, quote_turn

_CODE_OF_ISSUE: dict[Issue, Code] = {
    "unsafe": "unsafe",
    "guilt": "guilt",
    "confront": "confront",
    "lecture": "lecture",
}
"""Issues that are negative codes, and the code each one is."""
_ALREADY_OPEN: frozenset[Code] = frozenset({"open_question", "reflection", "autonomy", "empathy"})
"""A closed question alongside one of these (a permission, a checked reflection) is fine."""
MIN_WORDS_WORTH_REFLECTING = 4
"""A respondent line this long or longer said enough to reflect back."""


def suggest(
    turns: Sequence[VolunteerTurn], lang: Lang, rubric: Rubric, lines: SuggestionLines
) -> list[Suggestion]:
    """Up to `rubric.suggestions.max` suggestions, worst issue first, one per turn."""
    rule = rubric.suggestions
    rank = {issue: position for position, issue in enumerate(rule.order)}
    found: list[tuple[Issue, VolunteerTurn]] = []
    reflected = any(turn.has("reflection") for turn in turns)
    for turn in turns:
        issue = next((i for i in rule.order if _applies(i, turn, rubric, reflected)), None)
        if issue is not None:
            found.append((issue, turn))
    found.sort(key=lambda pair: (rank[pair[0]], pair[1].index))

    chosen: list[tuple[Issue, VolunteerTurn]] = []
    waiting: list[tuple[Issue, VolunteerTurn]] = []
    per_issue: Counter[Issue] = Counter()
    for issue, turn in found:
        if per_issue[issue] < rule.per_issue:
            per_issue[issue] += 1
            chosen.append((issue, turn))
        else:
            waiting.append((issue, turn))
    chosen = (chosen + waiting)[: rule.max]
    chosen.sort(key=lambda pair: (rank[pair[0]], pair[1].index))

    return [
        _suggestion(issue, turn, lang, lines.get(issue), rubric.evidence.quote_chars)
        for issue, turn in chosen
    ]


def _applies(issue: Issue, turn: VolunteerTurn, rubric: Rubric, reflected: bool) -> bool:
    code = _CODE_OF_ISSUE.get(issue)
    if code is not None:
        return turn.has(code)
    if issue == "missed_reflection":
        said = turn.previous or ""
        return (
            not reflected
            and len(said.split()) >= MIN_WORDS_WORTH_REFLECTING
            and (echo_phrase(said) is not None)
        )
    if issue == "monologue":
        return turn.words > rubric.suggestions.monologue_words
    return turn.has("closed_question") and not (turn.codes & _ALREADY_OPEN)


def _suggestion(
    issue: Issue, turn: VolunteerTurn, lang: Lang, lines: IssueLines, quote_chars: int
) -> Suggestion:
    code = _CODE_OF_ISSUE.get(issue)
    spans = turn.evidence.get(code, ()) if code is not None else ()
    return Suggestion(
        turn=turn.index,
        quote=quote_turn(turn.text, spans, quote_chars),
        why=lines.why.get(lang),
        try_instead=better_line(issue, turn, lines.try_instead.get(lang)),
    )


def better_line(issue: Issue, turn: VolunteerTurn, candidates: Sequence[str]) -> str:
    """One of `candidates` for this turn, the same one every time. Lines that echo the
    respondent are preferred when the respondent said something worth echoing."""
    echo = echo_phrase(turn.previous)
    echoing = [line for line in candidates if "{" + ECHO + "}" in line]
    plain = [line for line in candidates if "{" + ECHO + "}" not in line]
    pool = echoing if echo and echoing else plain
    seed = zlib.crc32(f"{issue}|{turn.index}|{turn.text}".encode())
    return pool[seed % len(pool)].format(echo=echo or "")
