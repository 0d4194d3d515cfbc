"""The HTML export in a real headless Chromium: it renders, and a hostile reply stays text."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from simulator.export import export_session
from simulator.session import SessionRecord
from tests.test_export import SCRIPT_REPLY, english_record, parse_html, russian_record

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")


def _chromium() -> str:
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    pytest.skip("chromium not installed: apt-get install chromium")


def _run_chromium(tmp_path: Path, page: Path, *action: str) -> subprocess.CompletedProcess[str]:
    """Chromium headless with everything that could reach a network switched off."""
    profile = tmp_path / f"profile-{len(list(tmp_path.glob('profile-*')))}"
    return subprocess.run(
        [
            _chromium(),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={profile}",
            *action,
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )


def _write(tmp_path: Path, record: SessionRecord) -> Path:
    page = tmp_path / f"{record.id}.html"
    page.write_text(export_session(record, "html"), encoding="utf-8")
    return page


@pytest.mark.parametrize("make", [english_record, russian_record])
def test_browser_renders_transcript_and_score(tmp_path: Path, make) -> None:  # type: ignore[no-untyped-def]
    record = make()
    result = _run_chromium(tmp_path, _write(tmp_path, record), "--dump-dom")
    assert result.returncode == 0, result.stderr[-2000:]
    dom = parse_html(result.stdout)
    text = dom.visible_text
    assert record.scorecard is not None
    assert f"{record.scorecard.overall}/100" in text
    for turn in record.turns:
        assert " ".join(turn.text.split()) in text
    marks = [attrs for tag, attrs in dom.tags if tag == "mark"]
    assert len(marks) >= 3


def test_browser_does_not_run_a_script_from_a_reply(tmp_path: Path) -> None:
    control = tmp_path / "control.html"
    control.write_text(f"<html><head><title>t</title></head><body>{SCRIPT_REPLY}</body></html>")
    ran = _run_chromium(tmp_path, control, "--dump-dom")
    assert "<title>pwned</title>" in ran.stdout, "this Chromium does not run scripts here"
    record = english_record()
    result = _run_chromium(tmp_path, _write(tmp_path, record), "--dump-dom")
    assert result.returncode == 0, result.stderr[-2000:]
    dom = parse_html(result.stdout)
    titles = [i for i, (tag, _) in enumerate(dom.tags) if tag == "title"]
    assert len(titles) == 1
    assert "<title>doubtful-patriot</title>" in result.stdout  # no persona file: the id
    assert "pwned</title>" not in result.stdout
    assert not any(tag == "script" for tag, _ in dom.tags)
    assert SCRIPT_REPLY in dom.visible_text


def test_browser_screenshot_is_drawn(tmp_path: Path) -> None:
    shot = tmp_path / "page.png"
    result = _run_chromium(
        tmp_path,
        _write(tmp_path, english_record()),
        f"--screenshot={shot}",
        "--window-size=1200,1600",
    )
    assert result.returncode == 0, result.stderr[-2000:]
    png = shot.read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert (width, height) == (1200, 1600)
    assert len(png) > 30_000  # a blank page compresses to a few kilobytes
