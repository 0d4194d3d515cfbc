"""SQLite history: every session and every turn, committed as it happens.

Schema changes are an append-only list of named migrations recorded in the `migrations` table.
The connection is shared between the app's main thread and its generation worker, so every
access holds a lock.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from simulator.config import data_dir
from simulator.errors import UserError
from simulator.safe_text import printable, printable_tree
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


class StoreError(UserError):
    """The history database cannot do what was asked; the message says what, where and what
    to do, in one line."""


_DAMAGED = ("malformed", "not a database", "file is encrypted", "corrupt")
_READ_ONLY = ("readonly", "read-only", "unable to open", "permission", "access permission")


def _explain(path: Path, exc: BaseException, doing: str) -> str:
    """One line for a failure of the database at `path` while `doing` something."""
    message = " ".join(str(exc).split()) or type(exc).__name__
    lowered = message.lower()
    if "not a database" in lowered:
        return (
            f"{path}: not a callsim history database ({message}); move it aside (e.g. rename "
            f"it to {path.name}.old) and callsim starts a new one"
        )
    if any(word in lowered for word in _DAMAGED):
        return (
            f"{path}: the history database is damaged ({message}) while {doing}; move it "
            f"aside (e.g. rename it to {path.name}.damaged) and callsim starts a new one "
            f"(`sqlite3 {path.name}.damaged .recover` may rescue old sessions)"
        )
    if any(word in lowered for word in _READ_ONLY) or isinstance(exc, PermissionError):
        return (
            f"{path}: cannot write the history database ({message}) while {doing}; make the "
            "file and its folder writable, or choose another folder with --data-dir"
        )
    if "locked" in lowered or "busy" in lowered:
        return (
            f"{path}: the history database is busy ({message}) while {doing}; another callsim "
            "is writing to it, try again"
        )
    if "full" in lowered or "disk i/o" in lowered:
        return f"{path}: the disk failed or is full ({message}) while {doing}; free some space"
    return f"{path}: history database error while {doing}: {message}"


class Store:
    """The history database at `path` (created and migrated on open).

    When the database or its folder cannot be written, the store still opens for reading (an
    empty history when there is no file yet) and `read_only` says why; starting a session then
    fails with that line. A write that fails once a session has started does not interrupt the
    call: the first such failure is kept in `write_error` for the caller to warn about, and the
    call goes on unsaved. A database that is not SQLite or is damaged gives a one-line
    `StoreError` (a `UserError`) on the operation that meets the damage."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.read_only: str | None = None
        """Why this history cannot be written (then only reads work), or None."""
        self.write_error: str | None = None
        """The first write that failed after a session started, or None."""
        self._checked = False
        self._lock = threading.RLock()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError:
            pass  # connecting below reports it, or falls back to reading
        self._db = self._connect()
        self._migrate()

    @classmethod
    def open(cls, directory: Path | str | None = None) -> Store:
        """The history database in the data directory (`--data-dir`, `CALLSIM_DATA_DIR`)."""
        return cls(data_dir(directory) / DB_NAME)

    def close(self) -> None:
        """Close the connection."""
        with self._lock:
            self._db.close()

    # -- opening ---------------------------------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        """A connection for writing, else one for reading (`read_only` set)."""
        try:
            db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
            # The busy timeout comes first: switching to WAL takes a lock another callsim
            # starting at the same moment may hold.
            db.execute("PRAGMA busy_timeout=10000")
            db.execute("PRAGMA foreign_keys=ON")
            db.execute("SELECT count(*) FROM sqlite_master").fetchone()
            _use_wal(db)
            return db
        except sqlite3.OperationalError as exc:
            if not _is_read_only(exc):
                raise StoreError(_explain(self.path, exc, "opening it")) from None
            self.read_only = _explain(self.path, exc, "opening it")
        except sqlite3.DatabaseError as exc:
            raise StoreError(_explain(self.path, exc, "opening it")) from None
        return self._connect_for_reading()

    def _connect_for_reading(self) -> sqlite3.Connection:
        if not self.path.is_file():
            return self._empty()  # nothing saved yet, and nowhere to save: an empty history
        uri = self.path.resolve().as_uri()
        last: sqlite3.Error | None = None
        # `immutable` also reads a WAL database whose folder does not allow its lock files.
        for query in ("mode=ro", "immutable=1"):
            try:
                db = sqlite3.connect(
                    f"{uri}?{query}", uri=True, check_same_thread=False, isolation_level=None
                )
                db.execute("SELECT count(*) FROM sqlite_master").fetchone()
                return db
            except sqlite3.OperationalError as exc:
                last = exc
            except sqlite3.DatabaseError as exc:
                raise StoreError(_explain(self.path, exc, "opening it")) from None
        raise StoreError(_explain(self.path, last or OSError("unreadable"), "opening it"))

    def _empty(self) -> sqlite3.Connection:
        db = sqlite3.connect(":memory:", check_same_thread=False, isolation_level=None)
        for _, migration in MIGRATIONS:
            migration(db)
        db.execute("CREATE TABLE migrations (name TEXT PRIMARY KEY, applied_at TEXT)")
        db.executemany(
            "INSERT INTO migrations (name, applied_at) VALUES (?, ?)",
            [(name, _now()) for name, _ in MIGRATIONS],
        )
        return db

    def _pending(self) -> list[str]:
        names = {
            r[0]
            for r in self._db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'migrations'"
            )
        }
        done = {r[0] for r in self._db.execute("SELECT name FROM migrations")} if names else set()
        return [name for name, _ in MIGRATIONS if name not in done]

    def _migrate(self) -> None:
        """Apply the migrations this database lacks, all in one `BEGIN IMMEDIATE`
        transaction that re-reads what is applied once it holds the write lock: several
        callsim processes starting at once on a fresh folder each see either nothing applied
        or everything, never half."""
        with self._lock:
            try:
                if not self._pending():
                    return
                if self.read_only:
                    self._db.close()
                    self._db = self._empty()  # an old or empty file we may not upgrade
                    return
                self._db.execute("BEGIN IMMEDIATE")
                try:
                    self._db.execute(
                        "CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, "
                        "applied_at TEXT)"
                    )
                    pending = set(self._pending())
                    for name, migration in MIGRATIONS:
                        if name in pending:
                            migration(self._db)
                            self._db.execute(
                                "INSERT INTO migrations (name, applied_at) VALUES (?, ?)",
                                (name, _now()),
                            )
                    self._db.execute("COMMIT")
                except BaseException:
                    if self._db.in_transaction:
                        self._db.execute("ROLLBACK")
                    raise
            except sqlite3.OperationalError as exc:
                if not _is_read_only(exc):
                    raise StoreError(_explain(self.path, exc, "preparing it")) from None
                self.read_only = _explain(self.path, exc, "preparing it")
                self._db.close()
                self._db = self._connect_for_reading()
                if self._pending():
                    self._db.close()
                    self._db = self._empty()
            except sqlite3.DatabaseError as exc:
                raise StoreError(_explain(self.path, exc, "opening it")) from None

    def applied_migrations(self) -> list[str]:
        """Names of the migrations this database has, in order."""
        with self._reading("listing migrations"):
            return [r[0] for r in self._db.execute("SELECT name FROM migrations ORDER BY rowid")]

    # -- writing ---------------------------------------------------------------------------

    def check_writable(self) -> None:
        """Raise `StoreError` when a new session could not be saved: the history is read-only
        or the database is damaged (checked once per store, `PRAGMA quick_check`)."""
        if self.read_only:
            raise StoreError(self.read_only)
        if self._checked:
            return
        with self._lock:
            try:
                result = self._db.execute("PRAGMA quick_check(1)").fetchone()[0]
            except sqlite3.DatabaseError as exc:
                raise StoreError(_explain(self.path, exc, "checking it")) from None
        if result != "ok":
            detail = str(result).replace("*** in database main ***", "").strip()
            raise StoreError(
                _explain(self.path, sqlite3.DatabaseError(f"malformed: {detail}"), "checking it")
            )
        self._checked = True

    def save_session(self, record: SessionRecord) -> None:
        """Insert or replace a whole session (its turns included) in one transaction.

        Raises `StoreError` when the history cannot be written: a call must not start."""
        self.check_writable()
        with self._lock:
            try:
                self._db.execute("BEGIN IMMEDIATE")
                try:
                    self._db.execute("DELETE FROM turns WHERE session_id = ?", (record.id,))
                    self._db.execute(
                        "INSERT OR REPLACE INTO sessions (id, persona, lang, model, mode, "
                        "started_at, ended_by, scorecard, overall, readiness) "
                        "VALUES (?,?,?,?,?,?,?,?,?,?)",
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
                    if self._db.in_transaction:
                        self._db.execute("ROLLBACK")
                    raise
            except sqlite3.Error as exc:
                raise StoreError(_explain(self.path, exc, "saving a session")) from None

    def _during_call(self, doing: str, sql: str, params: tuple[object, ...]) -> None:
        """Run one write of a call in progress; a failure is kept in `write_error` (the call
        goes on, unsaved from here) instead of stopping the call."""
        if self.read_only:
            self.write_error = self.write_error or self.read_only
            return
        with self._lock:
            try:
                self._db.execute(sql, params)
            except sqlite3.Error as exc:
                self.write_error = self.write_error or _explain(self.path, exc, doing)

    def append_turn(self, session_id: str, index: int, turn: Turn) -> None:
        """Commit one turn at position `index` (replacing what was there)."""
        self._during_call(
            "saving a turn",
            "INSERT OR REPLACE INTO turns (session_id, idx, data) VALUES (?, ?, ?)",
            (session_id, index, _turn_json(turn)),
        )

    def truncate_turns(self, session_id: str, keep: int) -> None:
        """Drop every turn from position `keep` on (undo)."""
        self._during_call(
            "undoing a turn",
            "DELETE FROM turns WHERE session_id = ? AND idx >= ?",
            (session_id, keep),
        )

    def finish_session(
        self, session_id: str, ended_by: EndedBy | None, scorecard: Scorecard | None
    ) -> None:
        """Record how the call ended and its scorecard."""
        self._during_call(
            "saving the scorecard",
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

    # -- reading ---------------------------------------------------------------------------

    @contextmanager
    def _reading(self, doing: str) -> Iterator[None]:
        """Hold the lock; turn a database failure inside into a one-line `StoreError`."""
        with self._lock:
            try:
                yield
            except sqlite3.Error as exc:
                raise StoreError(_explain(self.path, exc, doing)) from None
            except (ValueError, RecursionError) as exc:  # a turn's JSON broken (pydantic too)
                detail = exc.errors()[0]["msg"] if isinstance(exc, ValidationError) else exc
                damaged = sqlite3.DatabaseError(f"malformed record: {detail}")
                raise StoreError(_explain(self.path, damaged, doing)) from None

    def resolve_id(self, prefix: str) -> str:
        """The full id of the session whose id is or starts with `prefix`."""
        with self._reading("looking up a session"):
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
        with self._reading("reading a session"):
            row = self._db.execute(
                "SELECT id, persona, lang, model, mode, started_at, ended_by, scorecard "
                "FROM sessions WHERE id = ?",
                (full,),
            ).fetchone()
            # What callsim writes is clean already; a history file from elsewhere may not be,
            # and every string read here may go on screen.
            turns = [
                Turn.model_validate(printable_tree(json.loads(r[0])))
                for r in self._db.execute(
                    "SELECT data FROM turns WHERE session_id = ? ORDER BY idx", (full,)
                )
            ]
            scorecard = (
                Scorecard.model_validate(printable_tree(json.loads(row[7]))) if row[7] else None
            )
        id_, persona, lang, model, mode, started_at, ended_by = (_shown(v) for v in row[:7])
        return SessionRecord(
            id=id_,
            persona=persona,
            lang=lang,
            model=model,
            mode=mode,
            started_at=started_at,
            ended_by=ended_by,
            scorecard=scorecard,
            turns=turns,
        )

    def list_sessions(self) -> list[SessionSummary]:
        """Every session, newest first."""
        with self._reading("listing sessions"):
            rows = self._db.execute(
                "SELECT s.id, s.persona, s.lang, s.mode, s.model, s.started_at, s.ended_by, "
                "s.overall, s.readiness, (SELECT COUNT(*) FROM turns t WHERE t.session_id = s.id) "
                "FROM sessions s ORDER BY s.started_at DESC, s.rowid DESC"
            ).fetchall()
        return [SessionSummary(*(_shown(value) for value in row)) for row in rows]


WAL_WAIT_S = 10.0
"""How long opening waits for other callsim processes switching a new database to WAL."""


def _use_wal(db: sqlite3.Connection) -> None:
    """Switch to write-ahead logging. Changing the journal mode can report "database is
    locked" at once, without waiting, while another process starting at the same moment does
    the same; that is retried for up to `WAL_WAIT_S`."""
    deadline = time.monotonic() + WAL_WAIT_S
    delay = 0.005
    while True:
        try:
            mode = db.execute("PRAGMA journal_mode").fetchone()[0]
            if str(mode).lower() != "wal":
                db.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc).lower() or time.monotonic() > deadline:
                raise
        time.sleep(delay)
        delay = min(delay * 2, 0.2)


def _shown(value: Any) -> Any:
    """A column value read for display: strings made terminal-safe."""
    return printable(value) if isinstance(value, str) else value


def _is_read_only(exc: sqlite3.Error) -> bool:
    lowered = str(exc).lower()
    return any(word in lowered for word in _READ_ONLY)


def _turn_json(turn: Turn) -> str:
    return json.dumps(turn.model_dump(mode="json", exclude_none=True), ensure_ascii=False)
