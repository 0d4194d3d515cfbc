"""The rubric as data: trainers can change it, and a mistake names the file, line and field."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from simulator.errors import UserError
from simulator.scoring.rubric import BUNDLED_RUBRIC, load_lines, load_rubric
from simulator.scoring.scorecard import score_session
from tests.test_scoring import hand_coded


def write_rubric(tmp_path: Path, change: dict) -> Path:
    """The bundled rubric with `change` merged in (one level deep), written to a file."""
    data = yaml.safe_load(BUNDLED_RUBRIC.read_text(encoding="utf-8"))
    for key, value in change.items():
        if isinstance(value, dict) and isinstance(data.get(key), dict):
            data[key] = {**data[key], **value}
        else:
            data[key] = value
    path = tmp_path / "rubric.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def error_of(path: Path) -> str:
    with pytest.raises(UserError) as caught:
        load_rubric(path)
    return str(caught.value)


def test_the_bundled_rubric_and_lines_load() -> None:
    rubric = load_rubric()
    assert rubric.hard_fail["unsafe"] == 1
    assert rubric.readiness.almost <= rubric.readiness.ready
    lines = load_lines(rubric)
    for issue in rubric.suggestions.order:
        assert lines.get(issue).try_instead.get("ru")
        assert lines.get(issue).try_instead.get("en")


def test_callsim_rubric_points_at_a_trainers_own_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    record = hand_coded("en_empathetic.txt")
    before = score_session(record)
    path = write_rubric(tmp_path, {"readiness": {"ready": 95, "almost": 90}})
    monkeypatch.setenv("CALLSIM_RUBRIC", str(path))
    after = score_session(record)
    assert before.readiness == "ready"
    assert after.overall == before.overall
    assert after.readiness == "not_yet"


def test_weights_change_the_overall(tmp_path: Path) -> None:
    record = hand_coded("en_empathetic.txt")
    only_listening = {"empathy": 0, "human_life": 0, "listening": 1, "respect": 0, "safety": 0}
    rubric = load_rubric(write_rubric(tmp_path, {"weights": only_listening}))
    card = score_session(record, rubric)
    assert card.overall == card.dimensions["listening"].score


def test_a_trainer_can_make_one_insult_a_hard_fail(tmp_path: Path) -> None:
    record = hand_coded("en_empathetic.txt")
    record.turns[15].codes = ["confront"]
    assert score_session(record).hard_fails == []
    strict = load_rubric(write_rubric(tmp_path, {"hard_fail": {"confront": 1}}))
    assert [f.code for f in score_session(record, strict).hard_fails] == ["confront"]


def test_a_typo_names_file_line_and_field(tmp_path: Path) -> None:
    path = write_rubric(tmp_path, {"readiness": {"redy": 70}})
    message = error_of(path)
    line = next(
        n for n, text in enumerate(path.read_text().splitlines(), 1) if text.strip() == "redy: 70"
    )
    assert message.startswith(f"{path}:{line}:")
    assert "readiness.redy" in message
    assert "\n" not in message


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"hard_fail": {"unsafe": 2}}, "hard_fail", "unsafe: must be 1"),
        ({"weights": {"empathy": "lots"}}, "weights.empathy", "number"),
        ({"readiness": {"ready": 40, "almost": 60}}, "readiness", "almost must not be above"),
        ({"hard_fail_cap": 130}, "hard_fail_cap", "100"),
        ({"suggestions": {"order": ["unsafe", "shouting"]}}, "suggestions.order.1", "unsafe"),
        ({"unsafe_cap": 30}, "unsafe_cap", "must be below hard_fail_cap (30)"),
        ({"readiness": {"blocked_by": ["shouting"]}}, "readiness.blocked_by.0", "confront"),
    ],
)
def test_bad_values_are_reported(tmp_path: Path, change: dict, field: str, words: str) -> None:
    message = error_of(write_rubric(tmp_path, change))
    assert f": {field}: " in message
    assert words in message


def test_all_zero_weights_are_refused(tmp_path: Path) -> None:
    zero = dict.fromkeys(["empathy", "human_life", "listening", "respect", "safety"], 0)
    assert "at least one weight" in error_of(write_rubric(tmp_path, {"weights": zero}))


def test_broken_yaml_and_missing_files(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("weights:\n  empathy: [1,\n", encoding="utf-8")
    assert error_of(broken).startswith(f"{broken}:")
    assert "invalid YAML" in error_of(broken)
    assert "file not found" in error_of(tmp_path / "nowhere.yaml")
    listing = tmp_path / "list.yaml"
    listing.write_text("- 1\n", encoding="utf-8")
    assert "mapping" in error_of(listing)


def test_own_suggestion_lines_are_validated(tmp_path: Path) -> None:
    lines = yaml.safe_load(Path(load_rubric().source.parent / "suggestions.yaml").read_text())
    lines["lecture"]["try_instead"]["ru"] = ["Вы сказали: «{quote}»."]
    (tmp_path / "lines.yaml").write_text(yaml.safe_dump(lines, allow_unicode=True))
    rubric = load_rubric(write_rubric(tmp_path, {"suggestions": {"lines_file": "lines.yaml"}}))
    with pytest.raises(UserError, match=r"lines\.yaml:\d+:\d+: lecture\.try_instead\.ru: .*quote"):
        load_lines(rubric)


def test_the_bundled_russian_suggestions_fit_a_volunteer_of_either_gender() -> None:
    # Round 30: «..., если я правильно поняла» and «что слышала сама» were offered to every
    # volunteer, men included.
    from simulator.engine.reply_check import gender_error

    lines = yaml.safe_load(Path(load_rubric().source.parent / "suggestions.yaml").read_text())
    for kind, entry in lines.items():
        if not isinstance(entry, dict):
            continue
        for line in entry.get("try_instead", {}).get("ru", []):
            for gender in ("male", "female"):
                assert gender_error(line, gender, "ru") is None, (kind, line, gender)


def test_own_suggestion_lines_are_used(tmp_path: Path) -> None:
    lines = yaml.safe_load(Path(load_rubric().source.parent / "suggestions.yaml").read_text())
    lines["unsafe"]["try_instead"]["en"] = ["Keep them safe: ask how they are."]
    (tmp_path / "lines.yaml").write_text(yaml.safe_dump(lines, allow_unicode=True))
    rubric = load_rubric(write_rubric(tmp_path, {"suggestions": {"lines_file": "lines.yaml"}}))
    card = score_session(hand_coded("en_confrontational.txt"), rubric)
    assert card.suggestions[0].try_instead == "Keep them safe: ask how they are."


def test_a_trainer_can_let_confrontation_through_to_ready(tmp_path: Path) -> None:
    from tests.test_scoring_guide import INSULT, _good_call_with

    record = _good_call_with((INSULT, ["confront"]))
    assert score_session(record).readiness != "ready"
    lenient = load_rubric(write_rubric(tmp_path, {"readiness": {"blocked_by": [], "ready": 50}}))
    assert score_session(record, lenient).readiness == "ready"
