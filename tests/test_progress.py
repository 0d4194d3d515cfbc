"""The readiness verdict over several calls, on hand-made sessions in a real SQLite history."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from simulator.errors import UserError
from simulator.progress import assess, line_keys, load_calls, load_progress, missing_lines
from simulator.scoring.model import (
    DIMENSIONS,
    DimensionScore,
    HardFail,
    Metrics,
    Outcome,
    Readiness,
    Scorecard,
)
from simulator.scoring.rubric import ProgressRule, load_rubric
from simulator.session import SessionRecord, Turn
from simulator.store import Store

REPO = Path(__file__).resolve().parent.parent
DEFAULT = ProgressRule()


def scorecard(
    overall: int, readiness: Readiness, *, unsafe: bool = False, empathy: int | None = None
) -> Scorecard:
    """A scorecard with every dimension at `overall` (empathy at `empathy` when given)."""
    dims = {d: DimensionScore(score=overall) for d in DIMENSIONS}
    if empathy is not None:
        dims["empathy"] = DimensionScore(score=empathy)
    return Scorecard(
        overall=overall,
        readiness=readiness,
        hard_fails=[HardFail(turn=1, code="unsafe", quote="Tell me your address.")]
        if unsafe
        else [],
        dimensions=dims,
        metrics=Metrics(volunteer_turns=4),
        outcome=Outcome(),
    )


def save(
    store: Store,
    day: int,
    persona: str,
    card: Scorecard | None,
    *,
    mode: str = "assessment",
    finished: bool = True,
) -> SessionRecord:
    """Store one call started on day `day` of January 2025."""
    record = SessionRecord(
        id=f"s{day:02d}",
        persona=persona,
        lang="en",
        model="fake",
        mode=mode,  # type: ignore[arg-type]
        started_at=f"2025-01-{day:02d}T10:00:00+00:00",
        ended_by="volunteer" if finished else None,
        turns=[
            Turn(speaker="respondent", text="Hello?"),
            Turn(speaker="volunteer", text="Is it all right if we talk?", codes=["autonomy"]),
        ],
        scorecard=card if finished else None,
    )
    store.save_session(record)
    return record


@pytest.fixture
def store(tmp_path: Path):  # type: ignore[no-untyped-def]
    store = Store.open(tmp_path / "data")
    yield store
    store.close()


def test_three_ready_assessment_calls_with_two_respondents_are_ready(store: Store) -> None:
    save(store, 1, "calm-neighbour", scorecard(80, "ready"))
    save(store, 2, "firm-supporter", scorecard(75, "ready"))
    save(store, 3, "calm-neighbour", scorecard(90, "ready"))
    progress = load_progress(store)
    assert progress.ready
    assert missing_lines(progress, "en") == []
    assert [c.id for c in progress.counted] == ["s03", "s02", "s01"]


def test_an_empty_history_needs_three_calls_and_two_respondents(store: Store) -> None:
    progress = load_progress(store)
    assert not progress.ready
    assert missing_lines(progress, "en") == [
        "3 more assessment-mode calls rated ready",
        "2 calls with different respondents",
    ]
    assert missing_lines(progress, "ru") == [
        "ещё 3 звонка в режиме проверки с оценкой «готовы»",
        "2 звонка другим собеседникам",
    ]


def test_a_failed_call_in_the_window_needs_calls_to_push_it_out(store: Store) -> None:
    save(store, 1, "calm-neighbour", scorecard(80, "ready"))
    save(store, 2, "firm-supporter", scorecard(40, "not_yet"))
    save(store, 3, "firm-supporter", scorecard(90, "ready"))
    # Only the newest call is kept; two more ready calls push the not_yet one out.
    assert missing_lines(load_progress(store), "en") == [
        "2 more assessment-mode calls rated ready",
        "one call with a different respondent",
    ]


def test_practice_and_unfinished_calls_do_not_count(store: Store) -> None:
    save(store, 1, "calm-neighbour", scorecard(80, "ready"))
    save(store, 2, "firm-supporter", scorecard(80, "ready"))
    save(store, 3, "firm-supporter", scorecard(95, "ready"), mode="practice")
    save(store, 4, "short-fuse", None, finished=False)
    progress = load_progress(store)
    assert [c.id for c in progress.counted] == ["s02", "s01"]
    assert missing_lines(progress, "en") == ["one more assessment-mode call rated ready"]
    assert missing_lines(progress, "ru") == ["ещё 1 звонок в режиме проверки с оценкой «готовы»"]
    # Every session is still listed, the unfinished one too.
    assert [c.id for c in progress.calls] == ["s01", "s02", "s03", "s04"]
    assert not progress.calls[-1].finished


def test_same_respondent_three_times_asks_for_another_respondent(store: Store) -> None:
    for day in (1, 2, 3):
        save(store, day, "calm-neighbour", scorecard(85, "ready"))
    progress = load_progress(store)
    assert not progress.ready
    assert missing_lines(progress, "en") == ["one call with a different respondent"]
    assert missing_lines(progress, "ru") == ["1 звонок другому собеседнику"]


def test_a_hard_fail_in_the_last_call_is_named(store: Store) -> None:
    save(store, 1, "calm-neighbour", scorecard(80, "ready"))
    save(store, 2, "firm-supporter", scorecard(80, "ready"))
    save(store, 3, "firm-supporter", scorecard(30, "not_yet", unsafe=True))
    lines = missing_lines(load_progress(store), "en")
    assert lines == [
        "3 more assessment-mode calls rated ready",
        "2 calls with different respondents",
        "last call had a hard fail: unsafe",
    ]
    assert "в последнем звонке грубая ошибка: опасно" in missing_lines(load_progress(store), "ru")


def test_the_rule_is_read_from_the_rubric_file(store: Store, tmp_path: Path) -> None:
    save(store, 1, "calm-neighbour", scorecard(60, "almost", empathy=40))
    save(store, 2, "firm-supporter", scorecard(60, "almost"))
    text = (REPO / "simulator/scoring/rubric.yaml").read_text("utf-8")
    start = text.index("progress:")
    custom = text[:start] + (
        "progress:\n  counts: any\n  last_n: 2\n  min_readiness: almost\n"
        "  min_distinct_personas: 2\n  no_hard_fails: true\n  min_dimension: {empathy: 50}\n"
    )
    path = tmp_path / "rubric.yaml"
    path.write_text(custom, "utf-8")
    progress = load_progress(store, load_rubric(path))
    assert missing_lines(progress, "en") == [
        "one more call rated at least almost ready",
        "one call with a different respondent",
        "Empathy at least 50 (the call of 2025-01-01 10:00 UTC: 40)",
    ]


def test_a_bad_progress_rule_names_file_line_and_field(tmp_path: Path) -> None:
    text = (REPO / "simulator/scoring/rubric.yaml").read_text("utf-8")
    path = tmp_path / "rubric.yaml"
    path.write_text(text.replace("last_n: 3", "last_n: 1"), "utf-8")
    with pytest.raises(UserError) as caught:
        load_rubric(path)
    message = str(caught.value)
    assert message.startswith(f"{path}:") and "progress" in message
    assert "min_distinct_personas must not be above last_n" in message


def test_series_latest_and_average_follow_the_calls(store: Store) -> None:
    save(store, 1, "calm-neighbour", scorecard(40, "not_yet", empathy=20))
    save(store, 2, "firm-supporter", scorecard(80, "ready", empathy=60))
    save(store, 3, "short-fuse", None, finished=False)
    progress = assess(load_calls(store), DEFAULT)
    assert progress.series("empathy") == [20, 60]
    assert progress.latest("empathy") == 60
    assert progress.average("respect") == 60


def test_every_progress_line_has_both_languages() -> None:
    from simulator.progress import _lines

    for key in line_keys():
        assert set(_lines()[key]) == {"en", "ru"}, key


def _callsim(data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "simulator", "--data-dir", str(data), *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=REPO,
    )


def test_history_and_progress_commands(tmp_path: Path) -> None:
    data = tmp_path / "cli"
    store = Store.open(data)
    save(store, 1, "calm-neighbour", scorecard(80, "ready"))
    save(store, 2, "firm-supporter", scorecard(30, "not_yet", unsafe=True))
    save(store, 3, "firm-supporter", None, finished=False)
    store.close()

    history = _callsim(data, "history", "--json")
    assert history.returncode == 0, history.stderr
    rows = json.loads(history.stdout)
    assert [r["id"] for r in rows] == ["s03", "s02", "s01"]
    assert {"id", "persona", "lang", "mode", "started_at", "ended_by", "overall"} <= set(rows[0])
    assert rows[0]["finished"] is False and rows[0]["counts_for_progress"] is False
    assert rows[1]["hard_fails"] == ["unsafe"] and rows[1]["persona_name"] is not None
    assert rows[2]["counts_for_progress"] is True

    text = _callsim(data, "history").stdout
    assert "unfinished" in text and "hard fail: unsafe" in text

    progress = _callsim(data, "progress", "--json", "--lang", "en")
    assert progress.returncode == 0, progress.stderr
    verdict = json.loads(progress.stdout)
    assert verdict["ready"] is False
    assert "last call had a hard fail: unsafe" in [m["text"] for m in verdict["missing"]]
    assert verdict["dimensions"]["empathy"] == {"latest": 30, "average": 55.0, "series": [80, 30]}

    ru = _callsim(data, "progress", "--lang", "ru").stdout
    assert ru.startswith("Пока не готовы к настоящим звонкам")
    assert "в последнем звонке грубая ошибка: опасно" in ru
