"""Plain transcripts -> session records, and coding only what the call left uncoded."""

from __future__ import annotations

import sys
import types

import pytest

from simulator.errors import UserError
from simulator.scoring.transcript import code_uncoded_turns, detect_lang, parse_transcript


def test_labels_continuations_comments_and_blank_lines() -> None:
    text = (
        "# practice call 3\n"
        "\n"
        "R: Алло?\n"
        "Volunteer: Hello, do you have a minute?\n"
        "  I won't keep you long.\n"
        "respondent: Go on.\n"
        "# a note in the middle\n"
        "В: Как вы?\n"
        "Собеседник: Нормально.\n"
        "Волонтёр: Хорошо.\n"
        "Р: Ну да.\n"
        "v: ok\n"
    )
    record = parse_transcript(text, "call.txt")
    assert [(t.speaker, t.text) for t in record.turns] == [
        ("respondent", "Алло?"),
        ("volunteer", "Hello, do you have a minute? I won't keep you long."),
        ("respondent", "Go on."),
        ("volunteer", "Как вы?"),
        ("respondent", "Нормально."),
        ("volunteer", "Хорошо."),
        ("respondent", "Ну да."),
        ("volunteer", "ok"),
    ]
    assert all(turn.codes is None for turn in record.turns)
    assert record.persona == "transcript"


def test_a_colon_inside_a_line_is_not_a_label() -> None:
    record = parse_transcript("V: Hello.\nNote: this continues the turn\n", "t.txt")
    assert record.turns[0].text == "Hello. Note: this continues the turn"


def test_text_before_the_first_label_names_file_and_line() -> None:
    with pytest.raises(UserError, match=r"^call\.txt:3: expected a speaker label"):
        parse_transcript("# header\n\nHello there\nV: Hi\n", "call.txt")


def test_empty_turns_and_empty_transcripts_are_errors() -> None:
    with pytest.raises(UserError, match=r"^t\.txt:2: empty volunteer turn"):
        parse_transcript("R: Алло?\nV:\nR: Говорите.\n", "t.txt")
    with pytest.raises(UserError, match=r"^t\.txt: no turns"):
        parse_transcript("# only a comment\n\n", "t.txt")


@pytest.mark.parametrize(
    ("texts", "lang"),
    [
        (["Алло?", "Здравствуйте, можно вас на минуту?"], "ru"),
        (["Hello?", "Hi, do you have a minute?"], "en"),
        (["Алло?", "Hello, my name is Anna, I am calling from Vilnius today."], "en"),
        ([""], "en"),
    ],
)
def test_language_is_detected_from_the_cyrillic_share(texts: list[str], lang: str) -> None:
    assert detect_lang(texts) == lang


def use_coder(monkeypatch: pytest.MonkeyPatch, coder: object) -> None:
    """Stand `coder` in for `simulator.coding.code_utterance` (present or not)."""
    module = types.ModuleType("simulator.coding")
    module.code_utterance = coder  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "simulator.coding", module)


def test_turns_with_codes_are_never_recoded(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[tuple[str, str | None, str | None]] = []

    def fake_coder(text: str, lang: str | None = None, previous: str | None = None) -> object:
        seen.append((text, lang, previous))
        return types.SimpleNamespace(
            lang="ru", codes=("empathy",), evidence={"empathy": ("тяжело",)}
        )

    use_coder(monkeypatch, fake_coder)
    record = parse_transcript("Р: Мне тяжело.\nВ: Это тяжело.\nР: Да.\nВ: Понимаю.\n", "t")
    record.turns[3].codes = []  # analysed during the call: no codes
    coded = code_uncoded_turns(record)
    assert seen == [("Это тяжело.", "ru", "Мне тяжело.")]
    assert coded.turns[1].codes == ["empathy"]
    assert coded.turns[1].evidence == {"empathy": ["тяжело"]}
    assert coded.turns[3].codes == []
    assert record.turns[1].codes is None, "the input record is left as it was"


def test_a_fully_coded_record_does_not_touch_the_coder(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> object:
        raise AssertionError("the coder was called")

    use_coder(monkeypatch, refuse)
    record = parse_transcript("R: Hi\nV: Hello\n", "t")
    record.turns[1].codes = ["autonomy"]
    assert code_uncoded_turns(record) is record
