"""Suggestions: the worst volunteer turns, why they hurt, and a better line to say.

Negative codes come first (in the rubric's order), then missed chances: no reflection in the
whole call, a monologue, or a closed question where an open one would do. Asking permission
(«Удобно сейчас пару минут?») is what the call guide asks for, so it is never one of them.

A better line fits the moment it replaces: a problem in the call's opening gets an opening
(introduce yourself, ask for a minute); a closed question gets an open question on its own
topic where the topic is clear; elsewhere a line that echoes what the respondent just said,
when that line is fit to quote (`quotable.fit_to_quote`), else a plain one. The explanation
(`why`) is in the volunteer's interface language, the better line in the call's language, and
no scorecard shows the same explanation or the same better line twice.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence

from simulator.codes import Code, Lang
from simulator.scoring.model import Suggestion
from simulator.scoring.quotable import asks_permission, question_topic
from simulator.scoring.rubric import ECHO, TOPIC, Issue, Rubric, SuggestionLines
from simulator.scoring.turns import VolunteerTurn, quote_turn

_CODE_OF_ISSUE: dict[Issue, Code] = {
    "unsafe": "unsafe",
    "guilt": "guilt",
    "confront": "confront",
    "lecture": "lecture",
}
"""Issues that are negative codes, and the code each one is."""
_ALREADY_OPEN: frozenset[Code] = frozenset({"open_question", "reflection", "autonomy", "empathy"})
"""A closed question alongside one of these (a permission, a checked reflection) is fine."""
_NOT_A_SLIP_WHEN_ASKING_PERMISSION: frozenset[Issue] = frozenset(
    {"closed_question", "missed_reflection"}
)
"""Issues never raised against a turn that asks permission."""


def suggest(
    turns: Sequence[VolunteerTurn],
    lang: Lang,
    rubric: Rubric,
    lines: SuggestionLines,
    *,
    ui_lang: Lang | None = None,
) -> list[Suggestion]:
    """Up to `rubric.suggestions.max` suggestions, worst issue first, one per turn.

    `lang` is the call's language (better lines), `ui_lang` the volunteer's interface
    language (explanations; default `lang`). At most `per_issue` of one issue are taken while
    other issues wait; a suggestion whose explanation and better line would repeat one already
    shown is left out.
    """
    rule = rubric.suggestions
    explain_in = ui_lang or lang
    rank = {issue: position for position, issue in enumerate(rule.order)}
    reflected = any(turn.has("reflection") for turn in turns)
    found: list[tuple[Issue, VolunteerTurn]] = []
    for turn in turns:
        permission = turn.has("autonomy") or asks_permission(turn.text, lines.permission.get(lang))
        issue = next(
            (
                issue
                for issue in rule.order
                if not (permission and issue in _NOT_A_SLIP_WHEN_ASKING_PERMISSION)
                and _applies(issue, turn, rubric, reflected)
            ),
            None,
        )
        if issue is not None:
            found.append((issue, turn))
    found.sort(key=lambda pair: (rank[pair[0]], pair[1].index))
    first_round = [pair for pair in found if _nth_of_issue(pair, found) < rule.per_issue]
    ordered = first_round + [pair for pair in found if pair not in first_round]

    made: list[tuple[Issue, Suggestion]] = []
    used_whys: set[str] = set()
    used_lines: set[str] = set()
    for issue, turn in ordered:
        if len(made) >= rule.max:
            break
        why = next((w for w in lines.get(issue).why.get(explain_in) if w not in used_whys), None)
        line = better_line(issue, turn, lang, lines, used_lines)
        if why is None or line is None:
            continue
        used_whys.add(why)
        used_lines.add(line)
        code = _CODE_OF_ISSUE.get(issue)
        spans = turn.evidence.get(code, ()) if code is not None else ()
        quote = quote_turn(turn.text, spans, rubric.evidence.quote_chars)
        made.append((issue, Suggestion(turn=turn.index, quote=quote, why=why, try_instead=line)))
    made.sort(key=lambda pair: (rank[pair[0]], pair[1].turn))
    return [suggestion for _, suggestion in made]


def _nth_of_issue(
    pair: tuple[Issue, VolunteerTurn], found: list[tuple[Issue, VolunteerTurn]]
) -> int:
    same = [other for other in found if other[0] == pair[0]]
    return same.index(pair)


def _applies(issue: Issue, turn: VolunteerTurn, rubric: Rubric, reflected: bool) -> bool:
    code = _CODE_OF_ISSUE.get(issue)
    if code is not None:
        return turn.has(code)
    if issue == "missed_reflection":
        # The first turn answers the pick-up: it introduces the caller, not a reflection.
        return not reflected and turn.echo is not None and turn.ordinal > 0
    if issue == "monologue":
        return turn.words > rubric.suggestions.monologue_words
    return turn.has("closed_question") and not (turn.codes & _ALREADY_OPEN)


def at_opening(turn: VolunteerTurn) -> bool:
    """Whether the turn opens the call (the volunteer's first turn, which answers «Алло?»)."""
    return turn.ordinal == 0


def better_line(
    issue: Issue,
    turn: VolunteerTurn,
    lang: Lang,
    lines: SuggestionLines,
    used: set[str] | frozenset[str] = frozenset(),
) -> str | None:
    """The better line for this turn, in the call's language `lang`: the same one every time,
    never one in `used`; None when every fitting line is used.

    The first fitting pool that has an unused line wins: the opening lines for a turn that
    opens the call; for a closed question, lines about its own topic; lines echoing the
    respondent when their last line is fit to quote; plain lines.
    """
    candidates = lines.get(issue).try_instead.get(lang)
    topic = question_topic(turn.text, lang) if issue == "closed_question" else None
    plain = [line for line in candidates if not _uses(line, ECHO) and not _uses(line, TOPIC)]
    pools: list[list[str]] = []
    if at_opening(turn) and lines.opening is not None:
        pools.append(lines.opening.get(lang))
    if topic:
        pools.append([line for line in candidates if _uses(line, TOPIC) and not _uses(line, ECHO)])
    if turn.echo:
        pools.append([line for line in candidates if _uses(line, ECHO) and not _uses(line, TOPIC)])
    pools.append(plain)
    seed = zlib.crc32(f"{issue}|{turn.index}|{turn.text}".encode())
    for pool in pools:
        filled = [line.format(echo=turn.echo or "", topic=topic or "") for line in pool]
        fresh = [line for line in filled if line not in used]
        if fresh:
            return fresh[seed % len(fresh)]
    return None


def _uses(line: str, placeholder: str) -> bool:
    return "{" + placeholder + "}" in line
