"""The scorecard fed by the real coder: the bundled scripts score as a trainer would expect."""

from __future__ import annotations

import pytest

from simulator.scoring.scorecard import score_session
from simulator.scoring.transcript import load_transcript
from simulator.session import SessionRecord
from tests.test_scoring import TRANSCRIPTS, is_russian


def coded(name: str) -> SessionRecord:
    return load_transcript((TRANSCRIPTS / name).read_text(encoding="utf-8"), name)


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_empathetic_script_is_ready_or_almost(lang: str) -> None:
    card = score_session(coded(f"{lang}_empathetic.txt"))
    assert card.overall >= 70, card.dimensions
    assert card.readiness != "not_yet"
    assert card.hard_fails == []


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_confrontational_script_fails_on_an_unsafe_turn(lang: str) -> None:
    record = coded(f"{lang}_confrontational.txt")
    card = score_session(record)
    assert card.overall <= 35
    assert card.readiness == "not_yet"
    unsafe = [fail for fail in card.hard_fails if fail.code == "unsafe"]
    assert unsafe, card.hard_fails
    for fail in unsafe:
        assert record.turns[fail.turn].speaker == "volunteer"
        assert fail.quote in record.turns[fail.turn].text
    assert card.suggestions
    for suggestion in card.suggestions:
        assert suggestion.quote in record.turns[suggestion.turn].text
        assert is_russian(suggestion.try_instead) == (lang == "ru")
