"""Killing callsim with SIGKILL in the middle of a call loses no finished turn."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from simulator.store import DB_NAME, Store

SCRIPTS = Path(__file__).parent / "data" / "scripts"


def _turn_count(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(db, timeout=1) as conn:
            return int(conn.execute("SELECT COUNT(*) FROM turns").fetchone()[0])
    except sqlite3.OperationalError:
        return 0


@pytest.mark.model
def test_kill_during_a_call_keeps_every_finished_turn(tmp_path: Path) -> None:
    data = tmp_path / "data"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "simulator",
            "--data-dir",
            str(data),
            "play",
            "--persona",
            "doubtful-patriot",
            "--lang",
            "ru",
            "--script",
            str(SCRIPTS / "long.ru.txt"),
            "--seed",
            "3",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    db = data / DB_NAME
    deadline = time.monotonic() + 180
    try:
        while _turn_count(db) < 8 and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.05)
        assert proc.poll() is None, "the call finished before it could be killed"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
    printed = [ln for ln in proc.stdout.read().splitlines() if ln[:2] in ("Р:", "В:")]  # type: ignore[union-attr]

    store = Store(db)
    (summary,) = store.list_sessions()
    assert summary.ended_by is None
    record = store.load(summary.id)
    assert len(record.turns) >= 8
    # Every line the user saw printed is stored, word for word, in order.
    assert [ln[3:] for ln in printed] == [t.text for t in record.turns[: len(printed)]]
    for turn in record.turns:
        assert turn.text
        if turn.speaker == "volunteer":
            assert turn.codes is not None
        else:
            assert turn.state is not None

    history = subprocess.run(
        [sys.executable, "-m", "simulator", "--data-dir", str(data), "history", "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(history.stdout)[0]["id"] == summary.id
    exported = tmp_path / "killed.json"
    exported.write_text(json.dumps(record.to_json_dict(), ensure_ascii=False), encoding="utf-8")
    scored = subprocess.run(
        [sys.executable, "-m", "simulator", "score", str(exported), "--json"],
        capture_output=True,
        text=True,
    )
    assert scored.returncode == 0, scored.stderr
    assert 0 <= json.loads(scored.stdout)["overall"] <= 100
