"""History, Progress and `callsim review` in the app (Pilot), and the whole loop with the real
model: play, find it in the history, export it three ways, review the JSON in the app."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from textual.widgets import DataTable, Static

from simulator.cli.review_cmd import load_review
from simulator.config import Settings
from simulator.errors import UserError
from simulator.scoring.model import DIMENSIONS
from simulator.session import SessionRecord
from simulator.store import Store
from simulator.tui.app import CallsimApp
from simulator.tui.screens.history import HistoryScreen
from simulator.tui.screens.home import HomeScreen
from simulator.tui.screens.progress import ProgressScreen
from simulator.tui.screens.session import SessionScreen, respondent
from simulator.tui.widgets.progress_chart import ProgressChart
from tests.test_export import assert_offline, parse_html
from tests.test_progress import save, scorecard
from tests.test_tui import SIZE, make_app, wait_for_personas

REPO = Path(__file__).resolve().parent.parent
WIDE = (120, 40)


def shown(app: CallsimApp, selector: str) -> str:
    """The plain text a Static shows."""
    return str(app.screen.query_one(selector, Static).render())


def stored_sessions(data: Path) -> None:
    """Three calls in the history at `data`: two scored, one unfinished."""
    store = Store.open(data)
    save(store, 1, "calm-neighbour", scorecard(40, "not_yet", empathy=20))
    save(store, 2, "short-fuse", scorecard(82, "ready", empathy=70))
    save(store, 3, "calm-neighbour", None, finished=False)
    store.close()


async def test_history_lists_sessions_and_opens_one_read_only(tmp_path: Path) -> None:
    stored_sessions(tmp_path)
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_personas(app, pilot)
        await pilot.press("h")
        await pilot.pause()
        assert isinstance(app.screen, HistoryScreen)
        table = app.screen.query_one(DataTable)
        assert table.row_count == 3
        newest = [str(cell) for cell in table.get_row_at(0)]
        assert newest[1] == "Ivan the neighbour\nEnglish · assessment"
        assert "unfinished" in newest
        middle = [str(cell) for cell in table.get_row_at(1)]
        assert "82" in middle and "ready" in middle

        await pilot.press("down", "enter")
        await pilot.pause()
        assert isinstance(app.screen, SessionScreen)
        assert "Overall 82/100" in shown(app, "#headline")
        assert "Is it all right if we talk?" in shown(app, "#score-transcript")
        # 80 columns: the scorecard and the transcript are stacked, both on screen.
        assert app.screen.query_one("#review-body").has_class("-narrow")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HistoryScreen)

        # The unfinished call opens too, scored as it stands.
        await pilot.press("up", "enter")
        await pilot.pause()
        assert isinstance(app.screen, SessionScreen)
        assert "unfinished" in str(app.screen.query_one("#review-ended", Static).render())
        await pilot.press("escape", "escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


async def test_history_and_progress_in_russian(tmp_path: Path) -> None:
    stored_sessions(tmp_path)
    app = make_app(tmp_path, ui_lang="ru")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_personas(app, pilot)
        await pilot.press("h")
        await pilot.pause()
        table = app.screen.query_one(DataTable)
        assert [str(c.label) for c in table.columns.values()] == [
            "Дата",
            "Звонок",
            "Итог",
            "Готовность",
            "Завершил",
        ]
        newest = [str(cell) for cell in table.get_row_at(0)]
        assert newest[1] == "Сосед Иван\nанглийский · проверка"  # the language in words
        assert "не завершён" in newest
        assert "готовы" in [str(cell) for cell in table.get_row_at(1)]
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(app.screen, ProgressScreen)
        verdict = shown(app, "#verdict")
        assert verdict.startswith("Пока не готовы к настоящим звонкам")
        assert "ещё 2 звонка в режиме проверки с оценкой «готовы»" in verdict
        # h from Progress goes back to the History underneath, not a second copy.
        await pilot.press("h")
        await pilot.pause()
        assert isinstance(app.screen, HistoryScreen)
        assert sum(isinstance(s, HistoryScreen) for s in app.screen_stack) == 1


async def test_progress_shows_verdict_missing_items_and_a_chart(tmp_path: Path) -> None:
    stored_sessions(tmp_path)
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_personas(app, pilot)
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(app.screen, ProgressScreen)
        verdict = shown(app, "#verdict")
        assert "Not ready for live calls yet" in verdict
        assert "2 more assessment-mode calls rated ready" in verdict
        assert "one call with a different respondent" in verdict
        chart = app.screen.query_one(ProgressChart)
        assert chart.series["empathy"] == [20, 70]
        assert set(chart.series) == set(DIMENSIONS)
        assert chart.size.height >= 8
        drawn = str(chart.render())
        # The y axis is drawn; no legend inside the plot (it covered the lines): the table
        # beside it is the legend.
        assert "100" in drawn and "Empathy" not in drawn
        table = shown(app, "#progress-table")
        assert "■ Empathy" in table and "70" in table and "45" in table  # latest and average


def review_app(tmp_path: Path, record: SessionRecord, size_lang: str = "en") -> CallsimApp:
    """The app as `callsim review` builds it, on `record`."""
    screen = SessionScreen(record, respondent(record.persona, None), standalone=True)
    settings = Settings(ui_lang=size_lang)
    return CallsimApp(settings, tmp_path, [], first_screen=screen)


async def assert_review_shows(
    app: CallsimApp, record: SessionRecord, size: tuple[int, int]
) -> None:
    """The review screen shows `record`'s scorecard: overall, readiness, every dimension."""
    card = record.scorecard
    assert card is not None
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, SessionScreen)
        headline = shown(app, "#headline")
        assert f"Overall {card.overall}/100" in headline
        assert app.t("readiness." + card.readiness) in headline
        dimensions = shown(app, "#dimensions").splitlines()
        for name, line in zip(DIMENSIONS, dimensions, strict=True):
            assert line.startswith(app.t("dimension." + name))
            assert line.rstrip().endswith(f" {card.dimensions[name].score}")
        transcript = shown(app, "#score-transcript")
        for turn in record.turns:
            assert turn.text.splitlines()[0] in transcript
        assert app.screen.query_one("#review-body").has_class("-narrow") == (size[0] < 100)
        await pilot.press("escape")
        await pilot.pause()
    assert app.return_code == 0


def test_review_refuses_a_bad_file_with_one_line(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{"schema": "callsim.session/1",\n  "id": 3,\n', "utf-8")
    with pytest.raises(UserError, match=r"broken\.json:3:1: invalid JSON"):
        load_review(str(broken))
    wrong = tmp_path / "wrong.json"
    wrong.write_text(json.dumps({"id": "x", "persona": "p", "lang": "de", "started_at": "t"}))
    with pytest.raises(UserError, match=r"wrong\.json: lang: "):
        load_review(str(wrong))
    result = subprocess.run(
        [sys.executable, "-m", "simulator", "review", str(broken)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=REPO,
    )
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "broken.json:3:1" in result.stderr
    assert result.stdout == ""  # the app never started


async def test_review_in_russian_labels_every_key(tmp_path: Path) -> None:
    store = Store.open(tmp_path)
    record = save(store, 2, "short-fuse", scorecard(82, "ready"))
    store.close()
    app = review_app(tmp_path, record, "ru")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        active = app.screen.active_bindings.values()
        footer = {b.binding.description for b in active if b.binding.show}
        assert footer >= {"Назад", "Выход", "Справка"}
        assert shown(app, "#headline").startswith("Итог 82/100  Готовы к настоящим звонкам")


async def test_review_scores_a_record_without_a_scorecard(tmp_path: Path) -> None:
    path = tmp_path / "plain.json"
    record = {
        "schema": "callsim.session/1",
        "id": "r1",
        "persona": "nobody-knows",
        "lang": "en",
        "started_at": "2025-02-01T09:00:00+00:00",
        "ended_by": "volunteer",
        "turns": [
            {"speaker": "respondent", "text": "Hello?"},
            {"speaker": "volunteer", "text": "What worries you most about it?"},
            {"speaker": "respondent", "text": "Prices. [bold]Everything[/] costs more."},
            {"speaker": "volunteer", "text": "So you feel nobody asked people like you."},
        ],
    }
    path.write_text(json.dumps(record), "utf-8")
    loaded = load_review(str(path))
    assert loaded.scorecard is not None
    assert loaded.turns[1].codes and "open_question" in loaded.turns[1].codes
    await assert_review_shows(review_app(tmp_path, loaded), loaded, WIDE)


def _callsim(data: Path, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "simulator", "--data-dir", str(data), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=REPO,
    )


@pytest.mark.model
async def test_play_history_export_and_review_show_the_same_scorecard(tmp_path: Path) -> None:
    data = tmp_path / "data"
    played = _callsim(
        data,
        "play",
        "--persona",
        "doubtful-patriot",
        "--lang",
        "en",
        "--script",
        "simulator/data/scripts/empathetic.en.txt",
        "--seed",
        "1",
        timeout=600,
    )
    assert played.returncode == 0, played.stderr
    history = json.loads(_callsim(data, "history", "--json").stdout)
    assert [row["persona"] for row in history] == ["doubtful-patriot"]
    row = history[0]
    assert row["finished"] and row["persona_name"] and row["overall"] is not None

    files = {}
    for fmt in ("md", "json", "html"):
        out = tmp_path / f"session.{fmt}"
        result = _callsim(data, "export", row["id"], "--format", fmt, "-o", str(out))
        assert result.returncode == 0, result.stderr
        files[fmt] = out.read_text("utf-8")
    exported = SessionRecord.model_validate_json(files["json"])
    store = Store.open(data)
    assert exported == store.load(row["id"])
    store.close()
    assert exported.scorecard is not None
    assert exported.scorecard.overall == row["overall"]

    md = files["md"]
    assert f"**Overall: {exported.scorecard.overall}/100**" in md
    for name, dimension in exported.scorecard.dimensions.items():
        assert f"| {name.replace('_', ' ').capitalize()} | {dimension.score} |" in md
    assert "Is it all right if we talk for a few minutes?" in md
    for suggestion in exported.scorecard.suggestions:
        assert f"«{suggestion.quote}»" in md.replace("\\", "")

    assert_offline(files["html"])
    page = parse_html(files["html"]).visible_text
    assert f"{exported.scorecard.overall}/100" in page
    for turn in exported.turns:
        assert " ".join(turn.text.split()) in page

    reviewed = load_review(str(tmp_path / "session.json"))
    assert reviewed.scorecard == exported.scorecard
    await assert_review_shows(review_app(tmp_path, reviewed), exported, SIZE)
