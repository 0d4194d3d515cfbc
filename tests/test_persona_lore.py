"""Persona lore checked beyond the schema: repeated ids and lines, keys without words, Russian
lines in the wrong gender, lines spoken as the caller; each one line at its place in the file,
and a persona with such a problem is listed as invalid."""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator.persona_checks import persona_findings
from simulator.persona_loader import load_persona, load_personas
from tests.test_persona_loader import GOOD, PERSONA_IDS, PERSONAS, line_of, problems_of, write

# Lines of firm-supporter.yaml (a man) the tests rewrite.
RU_LINE = '            - "Слушайте, это не я придумал."'
EN_LINE = '            - "Look, I didn\'t invent this."'


def only_problem(tmp_path: Path, text: str) -> str:
    [problem] = problems_of(write(tmp_path, text))
    return problem


def test_bundled_personas_have_no_lore_problems() -> None:
    for persona_id in PERSONA_IDS:
        persona = load_persona(PERSONAS / f"{persona_id}.yaml")
        assert persona_findings(persona) == [], persona_id


def test_an_id_used_twice_names_the_first_entry_and_its_line(tmp_path: Path) -> None:
    text = GOOD.replace("    - id: nato\n", "    - id: nazis\n", 1)
    problem = only_problem(tmp_path, text)
    first, second = line_of(GOOD, "- id: nazis"), line_of(GOOD, "- id: nato")
    assert problem == (
        f"{tmp_path / 'firm-supporter.yaml'}:{second}:11: lore.topics[1].id: id 'nazis' is also "
        f"the id of lore.topics[0] (line {first}); ids must be unique across topics, stances "
        "and facts, rename one"
    )


def test_an_id_shared_by_a_topic_and_a_stance_is_reported(tmp_path: Path) -> None:
    text = GOOD.replace("    - id: support_operation\n", "    - id: nato\n", 1)
    problem = only_problem(tmp_path, text)
    assert f":{line_of(GOOD, '- id: support_operation')}:11: lore.stances[0].id: " in problem
    assert "also the id of lore.topics[1]" in problem


def test_a_key_without_words_never_matches(tmp_path: Path) -> None:
    text = GOOD.replace("ru: [нато, альянс,", 'ru: ["—", альянс,', 1)
    problem = only_problem(tmp_path, text)
    line = line_of(GOOD, "ru: [нато, альянс,")
    assert problem.startswith(f"{tmp_path / 'firm-supporter.yaml'}:{line}:")
    assert "lore.topics[1].keys.ru[0]: key '—' has no words once lemmatised" in problem


@pytest.mark.parametrize(
    ("line", "word"),
    [("Слушайте, это не я придумала.", "придумала"), ("Я была уверена, что он прав.", "была")],
)
def test_a_russian_line_in_the_wrong_gender(tmp_path: Path, line: str, word: str) -> None:
    text = GOOD.replace(RU_LINE, f'            - "{line}"', 1)
    problem = only_problem(tmp_path, text)
    assert f":{line_of(GOOD, RU_LINE)}:15: lore.topics[0].lines.guarded.ru[1]: " in problem
    assert f"{word!r} does not agree with gender 'male'" in problem


def test_gender_is_checked_only_when_the_persona_has_one(tmp_path: Path) -> None:
    text = GOOD.replace(RU_LINE, '            - "Слушайте, это не я придумала."', 1)
    assert problems_of(write(tmp_path, text.replace("gender: male", "gender: female")))
    load_persona(write(tmp_path, text.replace("gender: male\n", "")))


def test_the_same_wrong_form_in_a_talking_point_or_fallback_line(tmp_path: Path) -> None:
    text = GOOD.replace('"Не звоните сюда больше."', '"Я устала, не звоните сюда больше."', 1)
    problem = only_problem(tmp_path, text)
    assert "hangup_line.ru[1]: 'устала' does not agree" in problem


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        (RU_LINE, '            - "Я звоню из-за границы, мне тут виднее."', "guarded.ru[1]"),
        (EN_LINE, '            - "Here in the States we see it differently."', "guarded.en[1]"),
    ],
)
def test_a_line_spoken_as_the_caller(tmp_path: Path, old: str, new: str, field: str) -> None:
    problem = only_problem(tmp_path, GOOD.replace(old, new, 1))
    assert f"lore.topics[0].lines.{field}: speaks as the caller" in problem


def test_a_line_written_twice_names_the_first(tmp_path: Path) -> None:
    first = '            - "У них батальоны с нацистскими нашивками воюют, это факт."'
    text = GOOD.replace(
        RU_LINE, '            - "У них батальоны с нацистскими нашивками воюют — это факт!"', 1
    )
    problem = only_problem(tmp_path, text)
    assert (
        f":{line_of(GOOD, RU_LINE)}:15: lore.topics[0].lines.guarded.ru[1]: the same line as "
        in (problem)
    )
    assert f"lore.topics[0].lines.guarded.ru[0] (line {line_of(GOOD, first)})" in problem


def test_a_line_repeated_across_entries_and_languages_apart(tmp_path: Path) -> None:
    hangup = "Не звоните сюда больше."
    text = GOOD.replace(RU_LINE, f'            - "{hangup}"', 1)
    problem = only_problem(tmp_path, text)
    assert "lore.topics[0].lines.guarded.ru[1]: the same line as hangup_line.ru[1]" in problem
    # A line of the Russian list copied into the English one is not said twice in a call.
    load_persona(write(tmp_path, GOOD.replace(EN_LINE, f'            - "{hangup}"', 1)))


def test_an_invalid_lore_makes_the_persona_invalid_in_the_list(tmp_path: Path) -> None:
    write(tmp_path, GOOD.replace("    - id: nato\n", "    - id: nazis\n", 1))
    [entry] = load_personas([tmp_path])
    assert not entry.valid
    assert entry.error is not None and "lore.topics[1].id: id 'nazis' is also" in entry.error


def test_every_problem_is_reported_in_file_order(tmp_path: Path) -> None:
    text = GOOD.replace("    - id: nato\n", "    - id: nazis\n", 1).replace(
        RU_LINE, '            - "Я звоню из-за границы."', 1
    )
    problems = problems_of(write(tmp_path, text))
    assert [p.split(": ")[1] for p in problems] == [
        "lore.topics[0].lines.guarded.ru[1]",
        "lore.topics[1].id",
    ]


@pytest.mark.parametrize(
    ("line", "asks_support"),
    [
        ("Спасибо вам за то, что выслушали. Можно спросить?", False),
        ("Спасибо вам за разговор.", False),
        ("Вы за то, что сейчас происходит?", True),
        ("Вы за то, что происходит на Украине?", True),
        ("А вы за или против?", True),
        ("Вы за войну?", True),
    ],
)
def test_thanking_the_firm_supporter_is_not_asking_if_he_supports_it(
    line: str, asks_support: bool
) -> None:
    from simulator.engine.lore import LoreIndex

    index = LoreIndex(load_persona(PERSONAS / "firm-supporter.yaml"), "ru")
    found = {(m.kind, m.id) for m in index.matches(line)}
    assert (("stance", "support_operation") in found) is asks_support


def test_example_lines_and_beliefs_are_in_the_respondents_voice_too(tmp_path: Path) -> None:
    example = '      - "Можете звать меня «вы»."'
    text = GOOD.replace(example, '      - "Я уже говорила: зовите меня «вы»."', 1)
    problem = only_problem(tmp_path, text)
    assert f":{line_of(GOOD, example)}:" in problem
    assert "example_lines.guarded.ru[0]: 'говорила' does not agree with gender 'male'" in problem


def test_no_authored_line_reads_as_a_word_loop() -> None:
    # The reply check refuses a line that keeps repeating itself; an authored line that trips it
    # («не знаю... не знаю... не знаю») would be counted as a loop in every call that says it.
    from simulator.engine.reply_check import word_loop
    from simulator.engine.smalltalk import with_small_talk
    from simulator.persona_checks import spoken_lines

    for persona_id in PERSONA_IDS:
        persona = with_small_talk(load_persona(PERSONAS / f"{persona_id}.yaml"))
        looping = [(loc, line) for loc, _, line in spoken_lines(persona) if word_loop(line)]
        assert looping == [], persona_id


def test_no_authored_line_takes_the_caller_for_a_man_or_a_woman() -> None:
    # The respondent does not know who is calling: round 29's held-out teacher, Galina Petrovna,
    # who gave her name at the start, was asked «Вы кто такой вообще?».
    import re

    from simulator.engine.smalltalk import with_small_talk
    from simulator.persona_checks import spoken_lines

    gendered = re.compile(r"(?i)\b(кто|вы)(-то)?\s+(вообще\s+)?так(ой|ая)\b")
    for persona_id in PERSONA_IDS:
        persona = with_small_talk(load_persona(PERSONAS / f"{persona_id}.yaml"))
        found = [(loc, line) for loc, _, line in spoken_lines(persona) if gendered.search(line)]
        assert found == [], persona_id
