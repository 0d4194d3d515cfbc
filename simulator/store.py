"""SQLite history: every session and every turn, committed as it happens.

Schema changes are an append-only list of named migrations recorded in the `migrations` table.
The connection is shared between the app's main thread and its generation worker, so every
access holds a lock.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from simulator.config import data_dir
from simulator.errors import UserError
from simulator.scoring.model import Scorecard
from simulator.session import EndedBy, SessionRecord, Turn

DB_NAME = "history.sqlite3"


def _m001_sessions_and_turns(db: sqlite3.Connection) -> None:
    db.execute(
        """CREATE TABLE sessions (
            id TEXT PRIMARY KEY,
            persona TEXT NOT NULL,
            lang TEXT NOT NULL,
            model TEXT NOT NULL,
            mode TEXT NOT NULL,
            started_at TEXT NOT NULL,
            ended_by TEXT,
            scorecard TEXT
        )"""
    )
    db.execute(
        """CREATE TABLE turns (
            session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
            idx INTEGER NOT NULL,
            data TEXT NOT NULL,
            PRIMARY KEY (session_id, idx)
        )"""
    )


def _m002_summary_columns(db: sqlite3.Connection) -> None:
    db.execute("ALTER TABLE sessions ADD COLUMN overall INTEGER")
    db.execute("ALTER TABLE sessions ADD COLUMN readiness TEXT")
    db.execute("ALTER TABLE sessions ADD COLUMN ended_at TEXT")
    db.execute("CREATE INDEX sessions_started ON sessions(started_at)")


MIGRATIONS: list[tuple[str, Callable[[sqlite3.Connection], None]]] = [
    ("m001_sessions_and_turns", _m001_sessions_and_turns),
    ("m002_summary_columns", _m002_summary_columns),
]


@dataclass(frozen=True)
class SessionSummary:
    """One row of the history list."""

    id: str
    persona: str
    lang: str
    mode: str
    model: str
    started_at: str
    ended_by: str | None
    overall: int | None
    readiness: str | None
    turns: int


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class Store:
    """The history database at `path` (created and migrated on open)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA foreign_keys=ON")
            self._db.execute("PRAGMA busy_timeout=5000")
        except sqlite3.DatabaseError as exc:
            raise UserError(f"{path}: cannot open the history database: {exc}") from exc
        self._lock = threading.RLock()
        self._migrate()

    @classmethod
    def open(cls, directory: Path | str | None = None) -> Store:
        """The history database in the data directory (`--data-dir`, `CALLSIM_DATA_DIR`)."""
        return cls(data_dir(directory) / DB_NAME)

    def close(self) -> None:
        """Close the connection."""
        with self._lock:
            self._db.close()

    def _migrate(self) -> None:
        with self._lock:
            try:
                self._db.execute(
                    "CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied_at TEXT)"
                )
                done = {row[0] for row in self._db.execute("SELECT name FROM migrations")}
            except sqlite3.DatabaseError as exc:
                raise UserError(f"{self.path}: not a callsim history database: {exc}") from exc
            for name, migration in MIGRATIONS:
                if name in done:
                    continue
                self._db.execute("BEGIN IMMEDIATE")
                try:
                    migration(self._db)
                    self._db.execute(
                        "INSERT INTO migrations (name, applied_at) VALUES (?, ?)", (name, _now())
                    )
                    self._db.execute("COMMIT")
                except BaseException:
                    self._db.execute("ROLLBACK")
                    raise

    def applied_migrations(self) -> list[str]:
        """Names of the migrations this database has, in order."""
        with self._lock:
            return [r[0] for r in self._db.execute("SELECT name FROM migrations ORDER BY rowid")]

    def save_session(self, record: SessionRecord) -> None:
        """Insert or replace a whole session (its turns included) in one transaction."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                self._db.execute("DELETE FROM turns WHERE session_id = ?", (record.id,))
                self._db.execute(
                    "INSERT OR REPLACE INTO sessions (id, persona, lang, model, mode, started_at, "
                    "ended_by, scorecard, overall, readiness) VALUES (?,?,?,?,?,?,?,?,?,?)",
                    (
                        record.id,
                        record.persona,
                        record.lang,
                        record.model,
                        record.mode,
                        record.started_at,
                        record.ended_by,
                        record.scorecard.model_dump_json() if record.scorecard else None,
                        record.scorecard.overall if record.scorecard else None,
                        record.scorecard.readiness if record.scorecard else None,
                    ),
                )
                self._db.executemany(
                    "INSERT INTO turns (session_id, idx, data) VALUES (?, ?, ?)",
                    [(record.id, i, _turn_json(t)) for i, t in enumerate(record.turns)],
                )
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise

    def append_turn(self, session_id: str, index: int, turn: Turn) -> None:
        """Commit one turn at position `index` (replacing what was there)."""
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO turns (session_id, idx, data) VALUES (?, ?, ?)",
                (session_id, index, _turn_json(turn)),
            )

    def truncate_turns(self, session_id: str, keep: int) -> None:
        """Drop every turn from position `keep` on (undo)."""
        with self._lock:
            self._db.execute(
                "DELETE FROM turns WHERE session_id = ? AND idx >= ?", (session_id, keep)
            )

    def finish_session(
        self, session_id: str, ended_by: EndedBy | None, scorecard: Scorecard | None
    ) -> None:
        """Record how the call ended and its scorecard."""
        with self._lock:
            self._db.execute(
                "UPDATE sessions SET ended_by = ?, scorecard = ?, overall = ?, readiness = ?, "
                "ended_at = ? WHERE id = ?",
                (
                    ended_by,
                    scorecard.model_dump_json() if scorecard else None,
                    scorecard.overall if scorecard else None,
                    scorecard.readiness if scorecard else None,
                    _now(),
                    session_id,
                ),
            )

    def resolve_id(self, prefix: str) -> str:
        """The full id of the session whose id is or starts with `prefix`."""
        with self._lock:
            rows = [
                r[0]
                for r in self._db.execute(
                    "SELECT id FROM sessions WHERE id = ? OR id LIKE ? ESCAPE '\\' LIMIT 3",
                    (
                        prefix,
                        prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%",
                    ),
                )
            ]
        if prefix in rows:
            return prefix
        if not rows:
            raise UserError(f"no session with id {prefix!r} in {self.path}")
        if len(rows) > 1:
            raise UserError(f"session id {prefix!r} is ambiguous; give more characters")
        return rows[0]

    def load(self, session_id: str) -> SessionRecord:
        """The whole session record (id or unique id prefix)."""
        full = self.resolve_id(session_id)
        with self._lock:
            row = self._db.execute(
                "SELECT id, persona, lang, model, mode, started_at, ended_by, scorecard "
                "FROM sessions WHERE id = ?",
                (full,),
            ).fetchone()
            turns = [
                Turn.model_validate_json(r[0])
                for r in self._db.execute(
                    "SELECT data FROM turns WHERE session_id = ? ORDER BY idx", (full,)
                )
            ]
        return SessionRecord(
            id=row[0],
            persona=row[1],
            lang=row[2],
            model=row[3],
            mode=row[4],
            started_at=row[5],
            ended_by=row[6],
            scorecard=Scorecard.model_validate_json(row[7]) if row[7] else None,
            turns=turns,
        )

    def list_sessions(self) -> list[SessionSummary]:
        """Every session, newest first."""
        with self._lock:
            rows = self._db.execute(
                "SELECT s.id, s.persona, s.lang, s.mode, s.model, s.started_at, s.ended_by, "
                "s.overall, s.readiness, (SELECT COUNT(*) FROM turns t WHERE t.session_id = s.id) "
                "FROM sessions s ORDER BY s.started_at DESC, s.rowid DESC"
            ).fetchall()
        return [SessionSummary(*row) for row in rows]


def _turn_json(turn: Turn) -> str:
    return json.dumps(turn.model_dump(mode="json", exclude_none=True), ensure_ascii=False)
