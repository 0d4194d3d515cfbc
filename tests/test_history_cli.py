"""`callsim history` as text: in the interface language (or --lang), with values in words and
names whole."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from simulator.config import Settings
from tests.test_tui_snapshots import seed_history

REPO = Path(__file__).resolve().parent.parent


def _history(data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "simulator", "--data-dir", str(data), "history", *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=REPO,
    )


def _seeded(tmp_path: Path, lang: str) -> Path:
    data = tmp_path / "data"
    seed_history(data, lang)
    # The bundled personas are not the test ones: add the test personas by id to this data dir.
    personas = data / "personas"
    personas.mkdir()
    for source in (REPO / "tests" / "data" / "personas_tui").glob("*.yaml"):
        if source.stem != "broken-persona":
            (personas / source.name).write_text(source.read_text("utf-8"), "utf-8")
    return data


def test_history_follows_the_saved_interface_language(tmp_path: Path) -> None:
    data = _seeded(tmp_path, "ru")
    Settings(ui_lang="ru").save(data)
    result = _history(data)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    header = out.splitlines()[0]
    assert header.split()[:3] == ["id", "начало", "собеседник"]
    for word in ("русский, тренировка", "английский, проверка", "Пока не готовы", "Почти готовы"):
        assert word in out, word
    assert "собеседник повесил трубку" in out and "сценарий закончился" in out
    assert "грубая ошибка: опасно" in out
    for raw in ("practice", "assessment", "not_yet", "hangup", " ru ", "unsafe"):
        assert raw not in out, raw


@pytest.mark.parametrize(("flag", "word"), [("en", "Not ready yet"), ("ru", "Пока не готовы")])
def test_history_lang_flag_wins(tmp_path: Path, flag: str, word: str) -> None:
    data = _seeded(tmp_path, "en")
    Settings(ui_lang="ru" if flag == "en" else "en").save(data)
    result = _history(data, "--lang", flag)
    assert result.returncode == 0, result.stderr
    assert word in result.stdout


def test_history_shows_names_whole(tmp_path: Path) -> None:
    data = _seeded(tmp_path, "en")
    long_name = "Galina, a mobilised soldier's mother from a village near Kursk"
    text = (data / "personas" / "calm-neighbour.yaml").read_text("utf-8")
    (data / "personas" / "calm-neighbour.yaml").write_text(
        text.replace('en: "Ivan the neighbour"', f'en: "{long_name}"'), "utf-8"
    )
    result = _history(data, "--lang", "en")
    assert result.returncode == 0, result.stderr
    rows = result.stdout.splitlines()[1:]
    assert sum(long_name in row for row in rows) == 4
    assert "retired-persona" in result.stdout  # a persona no longer here: its id
    # Every row lines its columns up under the header.
    header = result.stdout.splitlines()[0]
    start = header.index("score")
    assert all(row[start - 1] == " " for row in rows)
