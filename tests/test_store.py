"""The SQLite history: migrations, turns committed as they happen, undo, listing."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from simulator.errors import UserError
from simulator.session import RespondentState, SessionRecord, Turn
from simulator.store import MIGRATIONS, Store


def _record(session_id: str = "abc123def456") -> SessionRecord:
    return SessionRecord(
        id=session_id,
        persona="firm-supporter",
        lang="ru",
        model="fake",
        started_at="2026-11-30T10:00:00+00:00",
    )


def test_migrations_apply_once_and_are_recorded(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    Store(path).close()
    store = Store(path)
    assert store.applied_migrations() == [name for name, _ in MIGRATIONS]
    cols = {r[1] for r in sqlite3.connect(path).execute("PRAGMA table_info(sessions)")}
    assert {"overall", "readiness", "ended_by"} <= cols


def test_turns_are_visible_to_another_connection_as_soon_as_appended(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    writer = Store(path)
    record = _record()
    writer.save_session(record)
    writer.append_turn(
        record.id,
        0,
        Turn(
            speaker="respondent",
            text="Алло?",
            state=RespondentState(trust=0.2, openness=0.1, irritation=0.3),
        ),
    )
    writer.append_turn(record.id, 1, Turn(speaker="volunteer", text="Здравствуйте!", codes=[]))
    reader = Store(path)
    loaded = reader.load(record.id[:6])
    assert [t.text for t in loaded.turns] == ["Алло?", "Здравствуйте!"]
    assert loaded.turns[0].state is not None and loaded.turns[0].state.irritation == 0.3
    assert loaded.ended_by is None
    assert reader.list_sessions()[0].turns == 2


def test_truncate_and_finish(tmp_path: Path) -> None:
    store = Store(tmp_path / "h.sqlite3")
    record = _record()
    store.save_session(record)
    for i, text in enumerate(["a", "b", "c"]):
        store.append_turn(record.id, i, Turn(speaker="volunteer", text=text))
    store.truncate_turns(record.id, 1)
    store.finish_session(record.id, "volunteer", None)
    loaded = store.load(record.id)
    assert [t.text for t in loaded.turns] == ["a"] and loaded.ended_by == "volunteer"


def test_unknown_and_ambiguous_ids_are_clear_errors(tmp_path: Path) -> None:
    store = Store(tmp_path / "h.sqlite3")
    store.save_session(_record("aa1111111111"))
    store.save_session(_record("aa2222222222"))
    with pytest.raises(UserError, match="no session"):
        store.load("zz")
    with pytest.raises(UserError, match="ambiguous"):
        store.load("aa")


def test_a_file_that_is_not_a_database_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(UserError, match="h.sqlite3"):
        Store(path)
