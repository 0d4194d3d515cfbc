"""`callsim personas` and `callsim persona ...` as a user runs them: a real subprocess."""

from __future__ import annotations

import itertools
import json
import os
import re
import subprocess
import sys
from pathlib import Path

from simulator.cli.persona_cmd import skeleton_text
from simulator.persona_loader import load_persona

REPO = Path(__file__).resolve().parent.parent
PERSONAS = REPO / "personas"
GOOD = (PERSONAS / "firm-supporter.yaml").read_text(encoding="utf-8")


def callsim(*args: str, personas_dir: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    if personas_dir is not None:
        env["CALLSIM_PERSONAS_DIR"] = str(personas_dir)
    return subprocess.run(
        [sys.executable, "-m", "simulator", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        cwd=REPO,
        timeout=60,
    )


def test_personas_json_lists_valid_and_invalid(tmp_path: Path) -> None:
    (tmp_path / "firm-supporter.yaml").write_text(GOOD, encoding="utf-8")
    (tmp_path / "broken.yaml").write_text("id: broken\ndifficulty: brutal\n", encoding="utf-8")
    result = callsim("personas", "--json", personas_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    broken, good = json.loads(result.stdout)
    assert good == {
        "id": "firm-supporter",
        "name": "Call me 'you'",
        "difficulty": "hard",
        "languages": ["ru", "en"],
        "path": str(tmp_path / "firm-supporter.yaml"),
        "valid": True,
        "error": None,
    }
    assert broken["valid"] is False and broken["languages"] == []
    assert broken["error"].startswith(f"{tmp_path / 'broken.yaml'}:1:1: ")


def test_personas_table_shows_every_bundled_persona() -> None:
    result = callsim("personas")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["ID", "DIFFICULTY", "LANGUAGES", "NAME", "STATUS"]
    assert len(lines) == 7 and all(line.endswith("ok") for line in lines[1:])
    assert "village-pensioner      easy        ru,en      Valentina Petrovna" in result.stdout
    ru = callsim("personas", "--lang", "ru")
    assert "Валентина Петровна" in ru.stdout


def test_validate_bundled_personas_exit_zero() -> None:
    result = callsim("persona", "validate", *sorted(str(p) for p in PERSONAS.glob("*.yaml")))
    assert result.returncode == 0
    assert result.stdout == ""
    assert result.stderr.strip() == "callsim: 6 persona files valid"


def test_validate_prints_one_line_per_problem_and_exits_one(tmp_path: Path) -> None:
    bad = tmp_path / "firm-supporter.yaml"
    bad.write_text(GOOD.replace("age: 46", "age: forty").replace("hard", "brutal", 1), "utf-8")
    garbage = tmp_path / "garbage.yaml"
    garbage.write_bytes(b"\xff\xfe\x00garbage")
    good = tmp_path / "good"
    good.mkdir()
    (good / "firm-supporter.yaml").write_text(GOOD, encoding="utf-8")
    result = callsim("persona", "validate", str(bad), str(garbage), str(good))
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    age, difficulty = (GOOD.splitlines().index(x) + 1 for x in ("age: 46", "difficulty: hard"))
    assert lines == [
        f"{bad}:{age}:6: age: Input should be a valid integer, unable to parse string as an "
        "integer, got 'forty'",
        f"{bad}:{difficulty}:13: difficulty: Input should be 'easy', 'medium' or 'hard', "
        "got 'brutal'",
        f"{garbage}:1:1: (file): not UTF-8 text (byte 0xff); save the file as UTF-8",
    ]
    assert result.stderr.strip() == "callsim: 3 problems in 2 of 3 files"
    assert "Traceback" not in result.stderr


def test_validate_missing_path_is_a_problem_not_a_traceback(tmp_path: Path) -> None:
    result = callsim("persona", "validate", str(tmp_path / "nope.yaml"))
    assert result.returncode == 1
    assert result.stdout == f"{tmp_path / 'nope.yaml'}:1:1: (file): no such file\n"


def test_schema_prints_the_committed_schema() -> None:
    result = callsim("persona", "schema")
    assert result.returncode == 0
    assert result.stdout == (PERSONAS / "persona.schema.json").read_text(encoding="utf-8")


def test_new_writes_a_skeleton_that_validates_once_filled(tmp_path: Path) -> None:
    result = callsim("persona", "new", "taxi-driver", "--dir", str(tmp_path))
    assert result.returncode == 0, result.stderr
    path = tmp_path / "taxi-driver.yaml"
    assert result.stdout.strip() == str(path)
    assert (tmp_path / "persona.schema.json").exists()

    unfilled = callsim("persona", "validate", str(path))
    assert unfilled.returncode == 1
    assert unfilled.stdout.count("still a placeholder") == unfilled.stdout.count("\n") > 10

    text = path.read_text(encoding="utf-8")
    # A trainer writes a different line each time (the same line twice is a problem).
    written = (f"Written by the trainer, line {_letters(n)}." for n in itertools.count())
    filled = re.sub(r'TODO[^"\n]*', lambda _: next(written), text)
    path.write_text(filled, encoding="utf-8")
    ids_left = callsim("persona", "validate", str(path))
    assert ids_left.returncode == 1
    assert [line.split(": ", 1)[1] for line in ids_left.stdout.splitlines()] == [
        "lore.topics[0].id: still a placeholder: rename 'todo-topic' to a short id of your own "
        "(lowercase, e.g. prices)",
        "lore.stances[0].id: still a placeholder: rename 'todo-stance' to a short id of your own "
        "(lowercase, e.g. support_war)",
        "lore.facts[0].id: still a placeholder: rename 'todo-fact' to a short id of your own "
        "(lowercase, e.g. cousins_poltava)",
        "lore.people[0].id: still a placeholder: rename 'todo-person' to a short id of your own "
        "(lowercase, e.g. seryozha)",
    ]

    path.write_text(re.sub(r"\btodo-(\w+)", r"taxi-\1", filled), encoding="utf-8")
    valid = callsim("persona", "validate", str(path))
    assert valid.returncode == 0, valid.stdout

    persona = load_persona(path)
    lore = persona.lore
    assert persona.gender == "female"
    assert [len(lore.topics), len(lore.stances), len(lore.facts)] == [1, 1, 1]
    assert lore.deflections is not None and sorted(lore.reactions) == ["confront", "empathy"]
    assert lore.topics[0].examples is not None

    listed = callsim("personas", "--json", personas_dir=tmp_path)
    assert [e["id"] for e in json.loads(listed.stdout) if e["valid"]] == ["taxi-driver"]


def _letters(n: int) -> str:
    """0 -> "a", 25 -> "z", 26 -> "aa": distinct words (the checks ignore digits)."""
    out = ""
    n += 1
    while n:
        n, rest = divmod(n - 1, 26)
        out = chr(ord("a") + rest) + out
    return out


def test_skeleton_explains_the_lore() -> None:
    text = skeleton_text("taxi-driver")
    for words in ("lemmas", "plural", "short", "two or three sentences", "min_trust"):
        assert words in text, words
    for part in ("topics:", "stances:", "facts:", "deflections:", "reactions:"):
        assert f"  {part}" in text, part


def test_new_refuses_to_overwrite_and_bad_ids(tmp_path: Path) -> None:
    existing = tmp_path / "taxi-driver.yaml"
    existing.write_text("mine", encoding="utf-8")
    result = callsim("persona", "new", "taxi-driver", "--dir", str(tmp_path))
    assert result.returncode == 1
    assert result.stderr == (
        f"callsim: {existing} already exists; choose another id or remove that file\n"
    )
    assert existing.read_text(encoding="utf-8") == "mine"

    bad = callsim("persona", "new", "Taxi Driver", "--dir", str(tmp_path))
    assert bad.returncode == 1 and "lowercase letters, digits and dashes" in bad.stderr


def test_new_defaults_to_the_data_directory_which_the_list_reads(tmp_path: Path) -> None:
    data = tmp_path / "data"
    result = callsim("--data-dir", str(data), "persona", "new", "taxi-driver")
    assert result.returncode == 0, result.stderr
    assert (data / "personas" / "taxi-driver.yaml").exists()
    listed = callsim("--data-dir", str(data), "personas", "--json")
    entry = next(e for e in json.loads(listed.stdout) if e["id"] == "taxi-driver")
    assert entry["valid"] is False and "placeholder" in entry["error"]


def test_persona_without_action_is_a_usage_error() -> None:
    result = callsim("persona")
    assert result.returncode == 2
    assert "ACTION" in result.stderr
