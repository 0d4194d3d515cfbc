"""Persona files: the bundled ones load in both languages; broken ones give exact positions."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from simulator.errors import UserError
from simulator.persona import MOODS, Lines, Persona, Text
from simulator.persona_loader import (
    PersonaError,
    find_persona,
    load_persona,
    load_personas,
)

REPO = Path(__file__).resolve().parent.parent
PERSONAS = REPO / "personas"
PERSONA_IDS = [
    "doubtful-patriot",
    "firm-supporter",
    "it-worker",
    "mobilised-son-mother",
    "suspicious-respondent",
    "village-pensioner",
]
GOOD = (PERSONAS / "firm-supporter.yaml").read_text(encoding="utf-8")
CYRILLIC = re.compile(r"[А-Яа-яЁё]")


def line_of(text: str, needle: str) -> int:
    """1-based line of the first line containing `needle`."""
    for number, line in enumerate(text.splitlines(), 1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in text")


def write(tmp_path: Path, text: str, name: str = "firm-supporter.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def problems_of(path: Path) -> list[str]:
    with pytest.raises(PersonaError) as caught:
        load_persona(path)
    return [str(p) for p in caught.value.problems]


# -- the bundled personas --------------------------------------------------------------------


def test_bundled_personas_are_exactly_the_six_and_all_load() -> None:
    entries = load_personas([PERSONAS])
    assert [e.id for e in entries] == PERSONA_IDS
    assert all(e.valid for e in entries), [e.error for e in entries if not e.valid]
    difficulty = {e.id: e.difficulty for e in entries}
    assert difficulty["firm-supporter"] == difficulty["suspicious-respondent"] == "hard"
    assert difficulty["village-pensioner"] == "easy"


def _texts(persona: Persona) -> list[tuple[str, Text | Lines]]:
    found: list[tuple[str, Text | Lines]] = []
    for name in type(persona).model_fields:
        value = getattr(persona, name)
        if isinstance(value, Text | Lines):
            found.append((name, value))
    for group in ("example_lines", "fallback_lines"):
        for mood in MOODS:
            found.append((f"{group}.{mood}", getattr(persona, group).get(mood)))
    return found


@pytest.mark.parametrize("persona_id", PERSONA_IDS)
def test_every_text_is_written_in_russian_and_in_english(persona_id: str) -> None:
    persona = load_persona(PERSONAS / f"{persona_id}.yaml")
    for field, text in _texts(persona):
        ru = text.ru if isinstance(text.ru, list) else [text.ru]
        en = text.en if isinstance(text.en, list) else [text.en]
        assert ru and en, field
        assert all(CYRILLIC.search(line) for line in ru), f"{field}.ru is not Russian: {ru}"
        assert not any(CYRILLIC.search(line) for line in en), f"{field}.en has Russian: {en}"
        if isinstance(text, Lines):
            assert len(ru) == len(en), f"{field}: {len(ru)} ru lines but {len(en)} en lines"
    assert persona.trainer_notes.strip()


@pytest.mark.parametrize("persona_id", PERSONA_IDS)
def test_lines_are_short_spoken_sentences(persona_id: str) -> None:
    persona = load_persona(PERSONAS / f"{persona_id}.yaml")
    for lang in ("ru", "en"):
        for opening in persona.opening_lines.get(lang):
            assert len(opening.split()) <= 5, opening
        for mood in MOODS:
            examples = persona.example_lines.get(mood).get(lang)
            assert 2 <= len(examples) <= 4, (mood, lang)
            assert all(len(line.split()) <= 16 for line in examples), examples
            fallbacks = persona.fallback_lines.get(mood).get(lang)
            assert all(len(line.split()) <= 8 for line in fallbacks), fallbacks


def test_real_respondents_lines_are_quoted() -> None:
    supporter = load_persona(PERSONAS / "firm-supporter.yaml")
    assert "Можете звать меня «вы»." in supporter.example_lines.guarded.ru
    assert "You can call me 'you'." in supporter.example_lines.guarded.en
    assert "Ukraine is a seedbed of Nazis." in supporter.beliefs.en
    patriot = load_persona(PERSONAS / "doubtful-patriot.yaml")
    assert "This war was necessary, it was unavoidable." in patriot.beliefs.en


# -- broken files ------------------------------------------------------------------------------


def test_misspelt_field_points_at_the_key_and_suggests_the_name(tmp_path: Path) -> None:
    text = GOOD.replace("speech_style:", "speach_style:")
    path = write(tmp_path, text)
    line = line_of(text, "speach_style:")
    top = line_of(text, "id: firm-supporter")  # the top-level mapping starts at its first key
    assert problems_of(path) == [
        f"{path}:{top}:1: speech_style: required field is missing",
        f"{path}:{line}:1: speach_style: unknown field; did you mean 'speech_style'?",
    ]


def test_misspelt_nested_field_names_the_whole_path(tmp_path: Path) -> None:
    text = GOOD.replace("guilt: {trust:", "guilt: {trsut:")
    path = write(tmp_path, text)
    line = line_of(text, "guilt: {trsut")
    assert problems_of(path) == [
        f"{path}:{line}:13: dynamics.effects.guilt.trsut: unknown field; did you mean 'trust'?"
    ]


def test_wrong_type_points_at_the_value(tmp_path: Path) -> None:
    text = GOOD.replace("age: 46", "age: forty")
    path = write(tmp_path, text)
    line = line_of(text, "age: forty")
    assert problems_of(path) == [
        f"{path}:{line}:6: age: Input should be a valid integer, unable to parse string as "
        "an integer, got 'forty'"
    ]


def test_missing_field_points_at_the_mapping_that_lacks_it(tmp_path: Path) -> None:
    text = GOOD.replace("  hangup_irritation: 0.9\n", "")
    path = write(tmp_path, text)
    line = line_of(text, "initial: {trust")
    assert problems_of(path) == [
        f"{path}:{line}:3: dynamics.hangup_irritation: required field is missing"
    ]


def test_bad_difficulty_lists_the_choices(tmp_path: Path) -> None:
    text = GOOD.replace("difficulty: hard", "difficulty: brutal")
    path = write(tmp_path, text)
    line = line_of(text, "difficulty: brutal")
    assert problems_of(path) == [
        f"{path}:{line}:13: difficulty: Input should be 'easy', 'medium' or 'hard', got 'brutal'"
    ]


def test_unknown_behaviour_code_points_at_the_key(tmp_path: Path) -> None:
    text = GOOD.replace("    lecture: {openness", "    lectures: {openness")
    path = write(tmp_path, text)
    line = line_of(text, "lectures:")
    [problem] = problems_of(path)
    assert problem.startswith(f"{path}:{line}:5: dynamics.effects.lectures: Input should be ")
    assert problem.endswith("got 'lectures'")


def test_item_in_a_list_is_named_by_index(tmp_path: Path) -> None:
    text = GOOD.replace('"Людей мне тоже жалко, я же не зверь."', '""')
    path = write(tmp_path, text)
    line = line_of(text, '      - ""')
    assert problems_of(path) == [
        f"{path}:{line}:9: example_lines.neutral.ru[1]: text is blank; write something or "
        "remove the line"
    ]


def test_yaml_syntax_error_is_one_line_with_position(tmp_path: Path) -> None:
    text = GOOD.replace("age: 46", "age: [46")
    path = write(tmp_path, text)
    [problem] = problems_of(path)
    assert re.fullmatch(rf"{re.escape(str(path))}:\d+:\d+: \(file\): YAML: .+", problem)
    assert "\n" not in problem


def test_repeated_key_is_reported(tmp_path: Path) -> None:
    text = GOOD.replace("age: 46", "age: 46\nage: 47")
    path = write(tmp_path, text)
    line = line_of(text, "age: 47")
    assert problems_of(path) == [f"{path}:{line}:1: age: repeated key (first at line {line - 1})"]


def test_id_must_match_the_file_name(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD, "my-copy.yaml")
    line = line_of(GOOD, "id: firm-supporter")
    assert problems_of(path) == [
        f"{path}:{line}:5: id: is 'firm-supporter' but the file is my-copy.yaml; they must match"
    ]


def test_initial_irritation_at_the_hangup_threshold_is_rejected(tmp_path: Path) -> None:
    text = GOOD.replace("hangup_irritation: 0.9", "hangup_irritation: 0.3")
    path = write(tmp_path, text)
    line = line_of(text, "hangup_irritation:")
    [problem] = problems_of(path)
    assert problem.startswith(f"{path}:{line}:22: dynamics.hangup_irritation: must be above")


@pytest.mark.parametrize(
    ("content", "line", "column", "message"),
    [
        (b"id: x\n\xff\xfename: y\n", 2, 1, "not UTF-8 text (byte 0xff); save the file as UTF-8"),
        (b"", 1, 1, "file is empty; a persona is a mapping of fields"),
        (
            b"- a\n- b\n",
            1,
            1,
            "a persona file is a mapping of fields (id: ..., name: ...), found a list",
        ),
        (b"id: x\x00\n", 1, 6, "character #x0000 is not allowed in YAML"),
        (b"age: 2022-13-45\n", 1, 6, None),
        (b"\x89PNG\r\n\x1a\n\x00\x00", 1, 1, None),
        (b"!!python/object:os.system {}\n", 1, 1, None),
        (b"[" * 5000, 1, None, None),
    ],
    ids=["bytes", "empty", "list", "nul", "bad-date", "binary", "python-tag", "deep"],
)
def test_any_file_content_gives_a_one_line_problem(
    tmp_path: Path, content: bytes, line: int, column: int | None, message: str | None
) -> None:
    path = tmp_path / "firm-supporter.yaml"
    path.write_bytes(content)
    problems = problems_of(path)
    assert problems and all("\n" not in p for p in problems)
    assert problems[0].startswith(f"{path}:{line}:" + (f"{column}: " if column else ""))
    if message is not None:
        assert problems[0].endswith(f": {message}")


def test_missing_file_and_folder_are_problems_too(tmp_path: Path) -> None:
    assert problems_of(tmp_path / "nope.yaml") == [
        f"{tmp_path / 'nope.yaml'}:1:1: (file): no such file"
    ]
    assert problems_of(tmp_path) == [f"{tmp_path}:1:1: (file): is a folder, not a persona file"]


def test_error_string_is_the_first_problem_and_a_count(tmp_path: Path) -> None:
    text = GOOD.replace("age: 46", "age: old").replace("difficulty: hard", "difficulty: x")
    path = write(tmp_path, text)
    with pytest.raises(PersonaError) as caught:
        load_persona(path)
    assert str(caught.value) == f"{caught.value.problems[0]} (and 1 more problem)"


# -- folders -----------------------------------------------------------------------------------


def test_one_broken_file_does_not_stop_the_others(tmp_path: Path) -> None:
    write(tmp_path, GOOD)
    write(tmp_path, "id: [unclosed\n", "broken.yaml")
    write(tmp_path, GOOD.replace("id: firm-supporter", "id: copy"), "copy.yml")
    (tmp_path / "notes.txt").write_text("not a persona", encoding="utf-8")
    entries = load_personas([tmp_path])
    assert [(e.id, e.valid) for e in entries] == [
        ("broken", False),
        ("copy", True),
        ("firm-supporter", True),
    ]
    broken = entries[0]
    assert broken.error is not None and broken.error.startswith(f"{tmp_path / 'broken.yaml'}:")
    assert broken.languages == [] and broken.difficulty is None
    assert entries[2].languages == ["ru", "en"]


def test_later_folder_overrides_and_same_folder_duplicate_is_an_error(tmp_path: Path) -> None:
    bundled, own = tmp_path / "bundled", tmp_path / "own"
    bundled.mkdir()
    own.mkdir()
    write(bundled, GOOD)
    write(own, GOOD.replace("difficulty: hard", "difficulty: easy"))
    [entry] = load_personas([bundled, own])
    assert entry.path == own / "firm-supporter.yaml" and entry.difficulty == "easy"

    write(own, GOOD, "firm-supporter.yml")
    [entry] = load_personas([bundled, own])
    assert not entry.valid
    assert entry.error == (
        f"{own / 'firm-supporter.yml'}:1:1: (file): same persona id as firm-supporter.yaml; "
        "keep one file"
    )


def test_find_persona_names_known_ids_or_the_problem(tmp_path: Path) -> None:
    write(tmp_path, GOOD)
    write(tmp_path, "id: broken\nage: 3\n", "broken.yaml")
    assert find_persona("firm-supporter", [tmp_path]).id == "firm-supporter"
    with pytest.raises(UserError, match=r"unknown persona 'nobody'; known: firm-supporter \("):
        find_persona("nobody", [tmp_path])
    with pytest.raises(UserError, match=r"persona 'broken' is invalid: .*broken\.yaml:\d+:\d+: "):
        find_persona("broken", [tmp_path])


def test_yaml_boolean_where_text_belongs_says_to_quote_it(tmp_path: Path) -> None:
    text = GOOD.replace('ru: ["Ну и?", "Допустим."]', "ru: [no, Допустим.]")
    path = write(tmp_path, text)
    line = line_of(text, "ru: [no, ")
    assert problems_of(path) == [
        f"{path}:{line}:10: fallback_lines.guarded.ru[0]: Input should be a valid string, "
        "got False; put the text in quotes"
    ]
