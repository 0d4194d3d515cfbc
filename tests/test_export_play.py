"""Export a session that the real bundled model played, found through `callsim history`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from simulator.session import SessionRecord
from simulator.store import Store
from tests.test_export import assert_offline, parse_html

REPO = Path(__file__).resolve().parent.parent


def _callsim(data_dir: Path, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "simulator", "--data-dir", str(data_dir), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=REPO,
    )


@pytest.mark.model
def test_a_played_session_exports_to_all_three_formats(tmp_path: Path) -> None:
    data = tmp_path / "data"
    played = _callsim(
        data,
        "play",
        "--persona",
        "doubtful-patriot",
        "--lang",
        "en",
        "--script",
        "tests/data/scripts/empathetic.en.txt",
        "--seed",
        "1",
        timeout=600,
    )
    assert played.returncode == 0, played.stderr
    history = json.loads(_callsim(data, "history", "--json").stdout)
    assert [row["persona"] for row in history] == ["doubtful-patriot"]
    session_id = history[0]["id"]
    store = Store.open(data)
    stored = store.load(session_id)
    store.close()
    assert stored.scorecard is not None and len(stored.turns) > 10

    exported = {}
    for fmt in ("json", "md", "html"):
        out = tmp_path / f"session.{fmt}"
        result = _callsim(data, "export", session_id[:6], "--format", fmt, "-o", str(out))
        assert result.returncode == 0, result.stderr
        exported[fmt] = out.read_text("utf-8")

    assert SessionRecord.model_validate_json(exported["json"]) == stored

    md = exported["md"]
    assert f"**Overall: {stored.scorecard.overall}/100**" in md
    for name, dimension in stored.scorecard.dimensions.items():
        label = name.replace("_", " ").capitalize()
        assert f"| {label} | {dimension.score} |" in md
    assert "Is it all right if we talk for a few minutes?" in md
    for suggestion in stored.scorecard.suggestions:
        assert f"«{suggestion.quote}»" in md.replace("\\", "")

    html = exported["html"]
    assert_offline(html)
    text = parse_html(html).visible_text
    assert f"{stored.scorecard.overall}/100" in text
    for turn in stored.turns:
        assert " ".join(turn.text.split()) in text
