"""SVG snapshots of the key screens at 80x24 and 120x40, with a scripted backend and a fixed
seed so the pictures are the same on every run. Update with `--snapshot-update` and look."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot

from simulator.llm.fake import FakeBackend
from tests.test_tui import make_app, open_persona, say

SIZES = [(80, 24), (120, 40)]
REPLIES = [
    "Well, my son is in the army. [bold]Nobody[/] asked us.",
    "Yes, I worry about him every day.",
]


def _app(tmp_path: Path):  # type: ignore[no-untyped-def]
    return make_app(tmp_path, FakeBackend(list(REPLIES)))


async def _home(pilot: Pilot[None]) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def _call(pilot: Pilot[None]) -> None:
    app = pilot.app
    await open_persona(app, pilot, "calm-neighbour")  # type: ignore[arg-type]
    await say(app, pilot, "What worries you most about it?")  # type: ignore[arg-type]
    await say(app, pilot, "That sounds really hard.")  # type: ignore[arg-type]


async def _scorecard(pilot: Pilot[None]) -> None:
    await _call(pilot)
    await pilot.press("ctrl+t")
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_home_snapshot(snap_compare, tmp_path: Path, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(_app(tmp_path), terminal_size=size, run_before=_home)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_call_snapshot(snap_compare, tmp_path: Path, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(_app(tmp_path), terminal_size=size, run_before=_call)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_scorecard_snapshot(snap_compare, tmp_path: Path, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(_app(tmp_path), terminal_size=size, run_before=_scorecard)
