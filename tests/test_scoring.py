"""The scorecard from hand-coded sessions: what a volunteer reads after a call."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from simulator.scoring.rubric import load_lines, load_rubric
from simulator.scoring.scorecard import score_session
from simulator.scoring.transcript import parse_transcript
from simulator.session import RespondentState, SessionRecord, Turn

TRANSCRIPTS = Path(__file__).parent / "data" / "transcripts"
CYRILLIC = re.compile(r"[а-яё]", re.IGNORECASE)


def hand_coded(name: str) -> SessionRecord:
    """A bundled transcript with the codes a trainer gave each volunteer turn."""
    record = parse_transcript((TRANSCRIPTS / name).read_text(encoding="utf-8"), name)
    codes = iter(json.loads((TRANSCRIPTS / "hand_codes.json").read_text())[name])
    for turn in record.turns:
        if turn.speaker == "volunteer":
            turn.codes = next(codes)
    assert next(codes, None) is None, "hand_codes.json and the transcript disagree"
    return record


def record_of(*turns: tuple[str, str, list[str] | None], **fields: object) -> SessionRecord:
    """A session from (speaker, text, codes) triples; speaker is "v" or "r"."""
    built = [
        Turn(speaker="volunteer" if who == "v" else "respondent", text=text, codes=codes)
        for who, text, codes in turns
    ]
    data: dict[str, object] = {"id": "s1", "persona": "p", "lang": "en", "started_at": "now"}
    data.update(fields)
    return SessionRecord(turns=built, **data)  # type: ignore[arg-type]


def is_russian(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return sum(1 for c in letters if CYRILLIC.match(c)) > len(letters) / 2


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_empathetic_call_is_ready_or_almost(lang: str) -> None:
    card = score_session(hand_coded(f"{lang}_empathetic.txt"))
    assert card.overall >= 70
    assert card.readiness != "not_yet"
    assert card.hard_fails == []
    assert card.dimensions["safety"].score == 100
    assert card.dimensions["empathy"].score >= 70
    assert card.dimensions["human_life"].score >= 70


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_confrontational_call_fails_on_safety(lang: str) -> None:
    record = hand_coded(f"{lang}_confrontational.txt")
    card = score_session(record)
    assert card.overall <= 35
    assert card.readiness == "not_yet"
    assert card.dimensions["safety"].score == 0
    assert card.dimensions["respect"].score <= 20
    unsafe = [fail for fail in card.hard_fails if fail.code == "unsafe"]
    assert [fail.turn for fail in unsafe] == [7, 9]
    for fail in unsafe:
        assert fail.quote in record.turns[fail.turn].text
        assert record.turns[fail.turn].speaker == "volunteer"


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_suggestions_quote_the_turn_and_speak_the_session_language(lang: str) -> None:
    record = hand_coded(f"{lang}_confrontational.txt")
    suggestions = score_session(record).suggestions
    assert 1 <= len(suggestions) <= 5
    # Worst first: the unsafe turns lead.
    assert [s.turn for s in suggestions[:2]] == [7, 9]
    for suggestion in suggestions:
        assert suggestion.quote in record.turns[suggestion.turn].text
        assert is_russian(suggestion.try_instead) == (lang == "ru")
        assert is_russian(suggestion.why) == (lang == "ru")
        assert suggestion.try_instead not in record.turns[suggestion.turn].text


def test_metrics_on_a_hand_computed_call() -> None:
    record = record_of(
        ("r", "Hello who is it", None),  # 4 words
        ("v", "Can I ask you something?", ["autonomy", "closed_question"]),  # 5
        ("r", "Go on then", None),  # 3
        ("v", "What worries you most?", ["open_question"]),  # 4
        ("r", "Prices and my son at the front", None),  # 7
        ("v", "So your son is never far from your mind.", ["reflection"]),  # 9
        ("r", "Never", None),  # 1
        ("v", "Okay.", []),  # 1
    )
    metrics = score_session(record).metrics
    assert metrics.volunteer_turns == 4
    assert metrics.open_questions == 1
    assert metrics.reflections == 1
    assert metrics.reflection_to_question == 0.5  # 1 reflection / (1 open + 1 closed)
    assert metrics.volunteer_talk_share == round(19 / 34, 3)


def test_ratio_is_null_without_questions() -> None:
    record = record_of(("r", "Hi", None), ("v", "That sounds hard.", ["empathy"]))
    assert score_session(record).metrics.reflection_to_question is None


@pytest.mark.parametrize(
    "turns",
    [(), (("r", "Алло?", None), ("r", "Алло, говорите!", None))],
    ids=["no turns", "respondent only"],
)
def test_a_call_without_volunteer_turns_scores_zero(turns: tuple) -> None:
    card = score_session(record_of(*turns, ended_by="hangup"))
    assert card.overall == 0
    assert card.readiness == "not_yet"
    assert all(d.score == 0 for d in card.dimensions.values())
    assert card.suggestions == []
    assert card.outcome.hung_up is True


def test_one_unsafe_turn_caps_an_otherwise_good_call() -> None:
    record = hand_coded("en_empathetic.txt")
    record.turns[17].codes = ["common_ground", "unsafe"]
    card = score_session(record)
    assert card.overall <= load_rubric().hard_fail_cap
    assert card.readiness == "not_yet"
    assert card.dimensions["safety"].score == 0
    assert [(f.turn, f.code) for f in card.hard_fails] == [(17, "unsafe")]
    assert card.suggestions[0].turn == 17


def test_guilt_is_a_hard_fail_only_as_a_pattern() -> None:
    once = hand_coded("en_empathetic.txt")
    once.turns[11].codes = ["guilt"]
    assert score_session(once).hard_fails == []
    twice = hand_coded("en_empathetic.txt")
    twice.turns[11].codes = ["guilt"]
    twice.turns[17].codes = ["guilt"]
    card = score_session(twice)
    assert [(f.turn, f.code) for f in card.hard_fails] == [(11, "guilt"), (17, "guilt")]
    assert card.readiness == "not_yet"


def test_dimension_evidence_quotes_the_turns_that_moved_it() -> None:
    record = hand_coded("en_empathetic.txt")
    card = score_session(record)
    empathy_turns = {q.turn for q in card.dimensions["empathy"].evidence}
    assert empathy_turns <= {5, 7, 9, 13, 19}
    assert {q.turn for q in card.dimensions["human_life"].evidence} == {9, 11, 15}
    for dimension in card.dimensions.values():
        for quote in dimension.evidence:
            assert quote.quote == record.turns[quote.turn].text


def test_respect_shows_what_lowered_it_first() -> None:
    record = hand_coded("en_empathetic.txt")
    record.turns[15].codes = ["lecture"]
    respect = score_session(record).dimensions["respect"]
    assert respect.score < 90
    assert respect.evidence[0].turn == 15


def test_a_long_turn_is_quoted_by_the_sentence_with_the_evidence() -> None:
    long_turn = (
        "I have been thinking about this for a long time, and I want to tell you about my "
        "family and my town and everything that happened there last year in great detail. "
        "Tell me your home address so I can send you a parcel. Anyway, that is all."
    )
    record = record_of(("r", "Hello?", None), ("v", long_turn, ["unsafe"]))
    record.turns[1].evidence = {"unsafe": ["your home address"]}
    fail = score_session(record).hard_fails[0]
    assert fail.quote == "Tell me your home address so I can send you a parcel."


def test_a_closed_question_gets_an_open_one_echoing_the_respondent() -> None:
    record = record_of(
        ("r", "Hello? Who is this?", None),
        ("v", "So you weren't expecting a call.", ["reflection"]),
        ("r", "Life is hard. My son works all the time, we hardly see him.", None),
        ("v", "Is he at work now?", ["closed_question"]),
    )
    suggestion = score_session(record).suggestions[0]
    assert suggestion.quote == "Is he at work now?"
    assert "My son works all the time" in suggestion.try_instead
    assert suggestion.try_instead.endswith("?")


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_a_call_without_reflections_gets_a_reflection_of_what_was_said(lang: str) -> None:
    said = (
        "Life is hard. My son works all the time, we hardly see him."
        if lang == "en"
        else "Жизнь тяжёлая. Сын всё время на работе, мы его почти не видим."
    )
    record = record_of(
        ("r", "Hello?" if lang == "en" else "Алло?", None),
        ("v", "How are you?" if lang == "en" else "Как вы?", ["open_question"]),
        ("r", said, None),
        ("v", "What do you think?" if lang == "en" else "Что вы думаете?", ["open_question"]),
    )
    record.lang = lang  # type: ignore[assignment]
    (suggestion,) = score_session(record).suggestions
    assert suggestion.turn == 3
    assert "reflection" in suggestion.why or "отражени" in suggestion.why
    assert any(phrase in suggestion.try_instead for phrase in ("My son works", "Сын всё время"))


def test_permission_questions_are_not_missed_chances() -> None:
    record = record_of(
        ("r", "Hello?", None),
        ("v", "Is it all right if I ask you something?", ["autonomy", "closed_question"]),
    )
    assert score_session(record).suggestions == []


def test_a_monologue_gets_a_suggestion() -> None:
    speech = " ".join(["I think that this war is a disaster for everyone."] * 8)
    record = record_of(
        ("r", "Hello?", None),
        ("v", "Hello, I'm Anna, calling from Riga. Do you have a minute?", ["autonomy"]),
        ("r", "Yes?", None),
        ("v", speech, ["human_life"]),
    )
    suggestions = score_session(record).suggestions
    assert len(suggestions) == 1
    assert suggestions[0].quote.endswith("…")
    plain_lines = [
        line for line in load_lines(load_rubric()).monologue.try_instead.en if "{" not in line
    ]
    assert suggestions[0].try_instead in plain_lines  # "Hello?" has nothing to echo


def test_suggestions_are_capped_varied_and_deterministic() -> None:
    turns: list[tuple[str, str, list[str] | None]] = []
    for i in range(6):
        turns.append(("r", f"I said it {i} times already, leave me alone.", None))
        turns.append(("v", f"You are a fool number {i}.", ["confront"]))
    turns.append(("r", "Stop it.", None))
    turns.append(("v", "Read the news, it is all there.", ["lecture"]))
    record = record_of(*turns)
    first = score_session(record).suggestions
    # Two explanations of confrontation exist, so two confrontations are suggested, not six:
    # a scorecard never repeats an explanation or a better line.
    assert len(first) == 3
    assert len({s.why for s in first}) == len({s.try_instead for s in first}) == 3
    assert sum(1 for s in first if s.turn == 13) == 1, "a lecture is not crowded out"
    assert first == score_session(record).suggestions


def test_outcome_reads_the_last_respondent_state() -> None:
    record = record_of(("v", "Hello, can we talk?", ["autonomy"]), ended_by="hangup")
    for openness in (0.1, 0.4):
        record.turns.append(
            Turn(
                speaker="respondent",
                text="Hm.",
                state=RespondentState(trust=0.5, openness=openness, irritation=0.2),
            )
        )
    outcome = score_session(record).outcome
    assert outcome.hung_up is True
    assert outcome.final_openness == 0.4


def test_a_short_call_is_too_short_to_be_ready() -> None:
    record = record_of(
        ("r", "Hello?", None),
        ("v", "That sounds really hard; you clearly love your family.", ["empathy", "affirmation"]),
        ("r", "Yes.", None),
    )
    assert score_session(record).readiness == "not_yet"


def test_a_quoted_title_does_not_cut_the_phrase_a_suggestion_echoes() -> None:
    # A practice call's "Try" line read «Вы сказали: «У коллег дети рассказывают про». ...»:
    # the opening quotation mark of «Разговоры о важном» ended the clause mid-phrase.
    from simulator.scoring.turns import echo_phrase

    line = "У коллег дети рассказывают про «Разговоры о важном». Ну такое."
    assert echo_phrase(line) == "У коллег дети рассказывают про Разговоры о важном"
    assert echo_phrase('He said "it is fine", but nobody believes that.') == "He said it is fine"


def test_an_echo_is_a_whole_clause_where_one_fits_not_one_cut_off() -> None:
    # A scripted call's "Try instead" read: You said "my husband Kolya will be back from the…".
    from simulator.scoring.turns import echo_phrase

    line = (
        "Oh, all day on the till, my feet are aching. I'm home now peeling potatoes, my husband"
        " Kolya will be back from the plant soon."
    )
    assert echo_phrase(line) == "all day on the till"
    # Where every clause is long, the longest is cut and shown cut.
    long = "Every single morning I walk the dog along the river before anyone else is awake."
    assert echo_phrase(long) == "Every single morning I walk the dog along…"
