"""Plain call transcripts -> session records, and coding the turns a record left uncoded.

A transcript is lines `V: ...` (volunteer) and `R: ...` (respondent); the labels may also be
`В:`/`Р:`, `Volunteer:`/`Respondent:` or `Волонтёр:`/`Собеседник:`, in any case. A line
without a label continues the turn above it; blank lines and lines starting with `#` are
skipped. The language is Russian when most letters are Cyrillic, else English.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from datetime import UTC, datetime

from simulator.codes import Code, Lang
from simulator.errors import UserError
from simulator.limits import (
    MAX_CODED_CHARS,
    MAX_SESSION_BYTES,
    MAX_SESSION_TURNS,
    MAX_TURN_CHARS,
    too_big,
)
from simulator.session import SessionRecord, Speaker, Turn

TRANSCRIPT_PERSONA = "transcript"
"""The `persona` of a record read from a plain transcript (the transcript names none)."""

_LABELS: dict[str, Speaker] = {
    "v": "volunteer",
    "в": "volunteer",
    "volunteer": "volunteer",
    "волонтёр": "volunteer",
    "волонтер": "volunteer",
    "r": "respondent",
    "р": "respondent",
    "respondent": "respondent",
    "собеседник": "respondent",
    "респондент": "respondent",
}
_LABELLED = re.compile(r"^\s*(?P<label>[^\W\d_]+)\s*:\s?(?P<text>.*)$")
_CYRILLIC = re.compile(r"[\u0400-\u04FF]")
_LETTER = re.compile(r"[^\W\d_]")


def parse_transcript(text: str, source: str = "<transcript>") -> SessionRecord:
    """The turns of a plain transcript as an uncoded session record (`codes` left None).

    Raises `UserError` naming `source` and the line when text comes before any speaker
    label, when a turn is empty, or when there are no turns at all; and naming the limit
    when the text is over `MAX_SESSION_BYTES` or has more than `MAX_SESSION_TURNS` turns.
    """
    if len(text) > MAX_SESSION_BYTES:  # characters, each at least a byte
        raise UserError(f"{source}: {too_big('a transcript', MAX_SESSION_BYTES)}")
    turns: list[tuple[Speaker, list[str], int]] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        labelled = _LABELLED.match(line)
        speaker = _LABELS.get(labelled.group("label").casefold()) if labelled else None
        if labelled and speaker:
            if len(turns) == MAX_SESSION_TURNS:
                raise UserError(
                    f"{source}:{number}: more than {MAX_SESSION_TURNS:,} turns, the limit for "
                    "a transcript (a 30-turn call has 61)"
                )
            turns.append((speaker, [labelled.group("text").strip()], number))
        elif turns:
            turns[-1][1].append(line)
        else:
            raise UserError(
                f"{source}:{number}: expected a speaker label before the first turn "
                "(V: or R:, В: or Р:, Volunteer: or Respondent:)"
            )
    if not turns:
        raise UserError(f"{source}: no turns; write each turn as `V: ...` or `R: ...`")
    record_turns: list[Turn] = []
    for speaker, parts, number in turns:
        joined = " ".join(part for part in parts if part)
        if not joined:
            raise UserError(f"{source}:{number}: empty {speaker} turn")
        record_turns.append(Turn(speaker=speaker, text=joined))
    return SessionRecord(
        id="transcript-" + hashlib.sha1(text.encode("utf-8")).hexdigest()[:12],
        persona=TRANSCRIPT_PERSONA,
        lang=detect_lang(turn.text for turn in record_turns),
        model="transcript",
        started_at=datetime.now(UTC).isoformat(timespec="seconds"),
        ended_by="script_end",
        turns=record_turns,
    )


def detect_lang(texts: Iterable[str]) -> Lang:
    """`ru` when at least half of the letters are Cyrillic, else `en`."""
    letters = cyrillic = 0
    for text in texts:
        letters += len(_LETTER.findall(text))
        cyrillic += len(_CYRILLIC.findall(text))
    return "ru" if letters and cyrillic * 2 >= letters else "en"


def load_transcript(text: str, source: str = "<transcript>") -> SessionRecord:
    """A plain transcript parsed and its volunteer turns coded, ready to score."""
    return code_uncoded_turns(parse_transcript(text, source), source)


def code_uncoded_turns(record: SessionRecord, source: str = "<record>") -> SessionRecord:
    """The record with every volunteer turn that has no codes yet coded by the coder.

    Turns that already carry codes (the analysis made during the call) are kept as they are.
    The coder sees the session's language and the respondent's previous line. Coding takes
    time in proportion to the text, so a turn to code over `MAX_TURN_CHARS`, or more than
    `MAX_CODED_CHARS` to code in all, is a `UserError` naming `source` and the limit.
    """
    uncoded = [
        (index, turn)
        for index, turn in enumerate(record.turns)
        if turn.speaker == "volunteer" and turn.codes is None
    ]
    if not uncoded:
        return record
    for index, turn in uncoded:
        if len(turn.text) > MAX_TURN_CHARS:
            raise UserError(
                f"{source}: turn {index} is {len(turn.text):,} characters; a volunteer turn is "
                f"at most {MAX_TURN_CHARS:,}"
            )
    total = sum(len(turn.text) for _, turn in uncoded)
    if total > MAX_CODED_CHARS:
        raise UserError(
            f"{source}: {total:,} characters of volunteer turns to code; the limit is "
            f"{MAX_CODED_CHARS:,} (score a shorter part of the call)"
        )
    from simulator.coding import code_utterance

    previous: str | None = None
    coded: list[Turn] = []
    for turn in record.turns:
        if turn.speaker == "respondent":
            previous = turn.text
        elif turn.codes is None:
            coding = code_utterance(turn.text, lang=record.lang, previous=previous)
            evidence: dict[Code, list[str]] = {
                code: list(spans) for code, spans in coding.evidence.items()
            }
            turn = turn.model_copy(update={"codes": list(coding.codes), "evidence": evidence})
        coded.append(turn)
    return record.model_copy(update={"turns": coded})
