"""What a volunteer sees on each screen, read off the screen itself: nothing cut mid-word, every
column on screen, the respondent named by role, turns counted the volunteer's way."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from rich.cells import cell_len
from textual.widgets import DataTable, Input, Static

from simulator.config import Settings
from simulator.llm.fake import FakeBackend
from simulator.tui.app import CallsimApp
from simulator.tui.screens.briefing import BriefingScreen
from simulator.tui.screens.progress import ProgressScreen
from simulator.tui.screens.scorecard import ScorecardScreen
from simulator.tui.widgets.transcript import Transcript
from tests.test_tui import (
    PERSONAS,
    make_app,
    open_persona,
    say,
    transcript_texts,
    wait_for_personas,
)
from tests.test_tui_snapshots import seed_history

REPO = Path(__file__).resolve().parent.parent
SMALL, LARGE = (80, 24), (120, 40)

_TEXT = re.compile(r'<text class="[^"]*" x="([\d.]+)" y="([\d.]+)"[^>]*>([^<]*)</text>')


def screen_lines(app: CallsimApp) -> list[str]:
    """The terminal as the volunteer sees it, one string per row (read from the screenshot)."""
    rows: dict[float, list[tuple[float, str]]] = {}
    for x, y, text in _TEXT.findall(app.export_screenshot()):
        rows.setdefault(float(y), []).append(
            (float(x), html.unescape(text).replace("\xa0", " ").strip("\n"))
        )
    return ["".join(t for _, t in sorted(parts)) for _, parts in sorted(rows.items())]


def on_screen(app: CallsimApp, text: str) -> bool:
    """Whether `text` is shown whole on one row."""
    return any(text in line for line in screen_lines(app))


async def _start(app: CallsimApp, pilot, *keys: str) -> None:  # type: ignore[no-untyped-def]
    await wait_for_personas(app, pilot)
    if keys:
        await pilot.press(*keys)
        await pilot.pause()


# --- Home ---------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "ru"])
async def test_home_footer_shows_enter_and_q(tmp_path: Path, lang: str) -> None:
    app = make_app(tmp_path, ui_lang=lang)
    async with app.run_test(size=SMALL) as pilot:
        await _start(app, pilot)
        footer = screen_lines(app)[-1]
        choose, quit_ = app.t("key.choose"), app.t("key.quit")
        assert f"Enter {choose}" in footer and f"q {quit_}" in footer


@pytest.mark.parametrize("lang", ["en", "ru"])
async def test_home_shows_every_bundled_persona_whole_without_scrolling(
    tmp_path: Path, lang: str
) -> None:
    from simulator.persona_loader import load_personas

    bundled = [REPO / "personas"]
    personas = [e.persona for e in load_personas(bundled) if e.persona]
    app = CallsimApp(Settings(ui_lang=lang), tmp_path, bundled, lambda _s: FakeBackend())
    async with app.run_test(size=SMALL) as pilot:
        for _ in range(100):  # the personas load in a worker after the first paint
            await _start(app, pilot)
            if getattr(app.screen, "entries", None) is not None:
                break
        shown = " ".join(" ".join(line.split()) for line in screen_lines(app))
        for persona in personas:
            assert persona.name.get(lang) in shown
            assert persona.description.get(lang) in shown, "a description is cut"


# --- Briefing and Call ---------------------------------------------------------------------


async def test_briefing_does_not_give_the_respondents_name(tmp_path: Path) -> None:
    app = make_app(tmp_path, ui_lang="ru", call_lang="ru")
    async with app.run_test(size=SMALL) as pilot:
        await _start(app, pilot)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, BriefingScreen)
        page = " ".join(str(s.render()) for s in app.screen.query(Static))
        assert "Сосед Иван" not in page and "Ivan" not in page
        assert "Мужчина, 60 лет, Тверь" in page


@pytest.mark.parametrize(
    ("mode", "title", "wrong"),
    [
        ("practice", "Тренировочный звонок", "провер"),
        ("assessment", "Проверочный звонок", "трениров"),
    ],
)
async def test_call_title_says_the_mode(tmp_path: Path, mode: str, title: str, wrong: str) -> None:
    app = make_app(tmp_path, FakeBackend(["Ну."]), mode=mode, ui_lang="ru", call_lang="ru")
    async with app.run_test(size=SMALL) as pilot:
        await open_persona(app, pilot, "calm-neighbour")
        header = screen_lines(app)[0]
        assert title in header and wrong not in header.lower()


def _persona_copy(folder: Path, gender: str) -> Path:
    """short-fuse (hangs up at the first insult) as a woman, in `folder`."""
    folder.mkdir()
    text = (PERSONAS / "short-fuse.yaml").read_text("utf-8")
    (folder / "short-fuse.yaml").write_text(
        text.replace("gender: male", f"gender: {gender}"), "utf-8"
    )
    return folder


@pytest.mark.parametrize(
    ("gender", "speaker", "notice"),
    [
        ("male", "Собеседник", "Собеседник повесил трубку."),
        ("female", "Собеседница", "Собеседница повесила трубку."),
    ],
)
async def test_respondent_is_named_by_role_and_the_hang_up_agrees_with_gender(
    tmp_path: Path, gender: str, speaker: str, notice: str
) -> None:
    folder = _persona_copy(tmp_path / "personas", gender)
    settings = Settings(ui_lang="ru", call_lang="ru")
    app = CallsimApp(settings, tmp_path, [folder], lambda _s: FakeBackend(["Что?"]), seed=7)
    async with app.run_test(size=SMALL) as pilot:
        await open_persona(app, pilot, "short-fuse")
        await say(app, pilot, "Вы там всему верите, что по телевизору скажут.")
        lines = app.screen.query_one(Transcript).lines()
        assert {line.speaker for line in lines if line.kind == "respondent"} == {speaker}
        assert "Злой дядя" not in " ".join(screen_lines(app))
        assert notice in lines[-1].text and "(а)" not in lines[-1].text


async def test_undo_puts_the_line_back_in_the_input(tmp_path: Path) -> None:
    app = make_app(tmp_path, FakeBackend(["Hm."]))
    async with app.run_test(size=SMALL) as pilot:
        await open_persona(app, pilot, "calm-neighbour")
        await say(app, pilot, "You people believe anything the TV says.")
        await pilot.press("ctrl+z")
        await pilot.pause()
        box = app.screen.query_one("#say", Input)
        assert transcript_texts(app) == ["Hello?"]
        assert box.value == "You people believe anything the TV says."
        assert box.cursor_position == len(box.value) and not box.disabled


# --- Scorecard: turns counted the volunteer's way -------------------------------------------


async def test_scorecard_numbers_the_volunteers_turns_from_one(tmp_path: Path) -> None:
    app = make_app(tmp_path, FakeBackend(["Well.", "No."]), mode="assessment")
    async with app.run_test(size=LARGE) as pilot:
        await open_persona(app, pilot, "calm-neighbour")
        await say(app, pilot, "What worries you most about it?")
        await say(app, pilot, "Tell me your full name and address so I can send you materials.")
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert isinstance(app.screen, ScorecardScreen)
        card = app.screen.scorecard
        assert card.hard_fails and card.hard_fails[0].turn == 3  # the SPEC index stays
        fails = str(app.screen.query_one("#hard-fails", Static).render())
        assert fails.startswith("Your turn 2 ")
        transcript = str(app.screen.query_one("#score-transcript", Static).render()).splitlines()
        numbered = [line.split()[0] for line in transcript if " You: " in f" {line}"]
        assert numbered == ["1", "2"]
        assert card.metrics.volunteer_turns == 2


# --- History, Progress, Settings -------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "ru"])
async def test_history_shows_every_column_whole_at_80_columns(tmp_path: Path, lang: str) -> None:
    seed_history(tmp_path, lang)
    other = "ru" if lang == "en" else "en"
    app = make_app(tmp_path, ui_lang=lang)
    async with app.run_test(size=SMALL) as pilot:
        await _start(app, pilot, "h")
        table = app.screen.query_one(DataTable)
        assert table.row_count == 7
        assert table.virtual_size.width <= table.scrollable_content_region.width
        screen = "\n".join(screen_lines(app))
        for column in ("date", "call", "score", "readiness", "ended"):
            assert app.t("history.col." + column) in screen
        for value in (
            app.t("history.ended.hangup"),
            app.t("history.ended.turn_limit"),
            app.t("history.ended.none"),
            app.t("history.readiness.not_yet"),
            f"{app.t('lang.' + lang)} · {app.t('mode.practice')}",
            f"{app.t('lang.' + other)} · {app.t('mode.assessment')}",
        ):
            assert value in screen, value
        assert not re.search(r"\b(ru|en)\b", screen)


@pytest.mark.parametrize("size", [SMALL, LARGE], ids=["80", "120"])
@pytest.mark.parametrize("lang", ["en", "ru"])
async def test_progress_table_lines_stay_whole_and_aligned(
    tmp_path: Path, lang: str, size: tuple[int, int]
) -> None:
    seed_history(tmp_path, lang)
    app = make_app(tmp_path, ui_lang=lang)
    async with app.run_test(size=size) as pilot:
        await _start(app, pilot, "p")
        assert isinstance(app.screen, ProgressScreen)
        widget = app.screen.query_one("#progress-table", Static)
        lines = str(widget.render()).splitlines()
        header, rows = lines[0], lines[1:6]
        assert widget.content_region.width >= max(cell_len(line) for line in lines), "wraps"
        assert all(cell_len(row) == cell_len(header) for row in rows), "columns out of line"
        assert "." not in header  # whole words, no «посл.» / «сред.»
        for name in ("dimension.human_life", "dimension.safety"):
            assert on_screen(app, app.t(name))


@pytest.mark.parametrize("lang", ["en", "ru"])
async def test_settings_labels_are_whole_and_translated(tmp_path: Path, lang: str) -> None:
    app = make_app(tmp_path, ui_lang=lang)
    async with app.run_test(size=SMALL) as pilot:
        await _start(app, pilot, "s")
        for key in (
            "settings.embedded",
            "settings.server",
            "settings.model",
            "settings.style.chat",
            "settings.style.transcript",
        ):
            assert on_screen(app, app.t(key)), key
        if lang == "ru":
            assert not any(re.search(r"\b(chat|transcript)\b", line) for line in screen_lines(app))


@pytest.mark.parametrize("lang", ["en", "ru"])
async def test_help_shows_no_backticks(tmp_path: Path, lang: str) -> None:
    app = make_app(tmp_path, ui_lang=lang)
    async with app.run_test(size=LARGE) as pilot:
        await _start(app, pilot, "question_mark")
        assert not any("`" in line for line in screen_lines(app))
        assert on_screen(app, "callsim persona validate")


async def test_a_reviewed_session_title_fits_80_columns(tmp_path: Path) -> None:
    seed_history(tmp_path, "ru")
    app = make_app(tmp_path, ui_lang="ru")
    async with app.run_test(size=SMALL) as pilot:
        await _start(app, pilot, "h", "enter")
        header = screen_lines(app)[0]
        assert "…" not in header and "Сосед Иван — 2026-11-19 19:30" in header
        ended = str(app.screen.query_one("#review-ended", Static).render())
        assert ended == "— проверка · русский · вы завершили звонок —"


async def test_a_reply_stopped_with_esc_does_not_end_with_a_stop_and_an_ellipsis(
    tmp_path: Path,
) -> None:
    # Distinct words: a reply repeating itself would be refused as a word loop before Esc.
    words = (
        "Well. Maybe. Perhaps. Honestly. Sometimes. Probably. Certainly. Really. Indeed. Surely. "
        "Naturally. Obviously. Clearly. Frankly. Basically. Actually. Anyway. Besides. Still. "
        "Though. Otherwise. Meanwhile. Likewise. Similarly. Accordingly. Consequently. Hence. "
        "Thus. Therefore. Nevertheless. Nonetheless. Regardless. Admittedly. Arguably. Ideally."
    )
    fake = FakeBackend([words], token_delay=0.03)
    app = make_app(tmp_path, fake)
    async with app.run_test(size=SMALL) as pilot:
        await open_persona(app, pilot, "calm-neighbour")
        app.screen.query_one("#say", Input).value = "What do you think?"
        await pilot.press("enter")
        for _ in range(200):  # coding the turn comes first; wait for the reply to stream
            if fake.requests and transcript_texts(app)[-1].startswith("Well."):
                break
            await pilot.pause(0.05)
        await pilot.pause(0.2)
        await pilot.press("escape")
        await app.workers.wait_for_complete()
        await pilot.pause()
        reply = app.screen.call.turns[-1].text
        assert reply.startswith("Well.") and len(reply) < len(words)
        assert not reply.endswith(".…") and transcript_texts(app)[-1] == reply


async def test_scorecard_says_what_keeps_the_call_from_ready(tmp_path: Path) -> None:
    app = make_app(tmp_path, FakeBackend(["Well.", "No."]), ui_lang="ru", call_lang="ru")
    async with app.run_test(size=LARGE) as pilot:
        await open_persona(app, pilot, "calm-neighbour")
        await say(app, pilot, "Что вас в этом больше всего тревожит?")
        await say(app, pilot, "Вы просто зомбированы телевизором.")
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert isinstance(app.screen, ScorecardScreen)
        assert app.screen.scorecard.blockers, "the scorer no longer blocks a confrontation"
        shown = str(app.screen.query_one("#blockers", Static).render())
        assert "не готов к настоящим звонкам" in shown
        assert "Ваша реплика 2 ‹конфронтация›" in shown
        assert on_screen(app, "Что не даёт оценку «готовы»")


async def test_coach_hint_reads_the_turn_itself(tmp_path: Path) -> None:
    from simulator.coding import code_utterance
    from simulator.engine.coach import coach_hint

    line = "Ребят хоронят в обеих странах, а что думает ваша семья?"
    codes = code_utterance(line, "ru").codes
    with_text, codes_only = coach_hint(codes, "ru", line), coach_hint(codes, "ru")
    assert with_text != codes_only  # the line already asks about family
    app = make_app(tmp_path, FakeBackend(["Ну."]), ui_lang="ru", call_lang="ru")
    async with app.run_test(size=SMALL) as pilot:
        await open_persona(app, pilot, "calm-neighbour")
        await say(app, pilot, line)
        hint = str(app.screen.query_one("#coach", Static).render())
        assert hint == f"Подсказка: {with_text}"
        assert on_screen(app, with_text.split()[-1])  # the whole hint fits its lines


async def test_coach_hears_a_goodbye(tmp_path: Path) -> None:
    from simulator.engine.coach import _hints

    app = make_app(tmp_path, FakeBackend(["Ну."]), ui_lang="en", call_lang="ru")
    async with app.run_test(size=SMALL) as pilot:
        await open_persona(app, pilot, "calm-neighbour")
        await say(app, pilot, "Спасибо вам большое, берегите себя и своих близких!")
        hint = str(app.screen.query_one("#coach", Static).render())
        assert hint == f"Coach: {_hints().leaving.en}"


async def test_scorecard_explains_in_the_interface_language(tmp_path: Path) -> None:
    app = make_app(tmp_path, FakeBackend(["Ну.", "Нет."]), ui_lang="en", call_lang="ru")
    async with app.run_test(size=LARGE) as pilot:
        await open_persona(app, pilot, "calm-neighbour")
        await say(app, pilot, "Вы просто зомбированы телевизором.")
        await say(app, pilot, "Вам не стыдно?")
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert isinstance(app.screen, ScorecardScreen)
        stored = app.screen.record.scorecard
        shown = app.screen.scorecard
        assert stored is not None and shown.suggestions
        assert shown.overall == stored.overall
        # Stored as scored, in the call's language; shown in the interface's.
        assert any(re.search("[а-яА-ЯёЁ]", s.why) for s in stored.suggestions)
        for suggestion in shown.suggestions:
            assert not re.search("[а-яА-ЯёЁ]", suggestion.why), suggestion.why  # English
            assert re.search("[а-яА-ЯёЁ]", suggestion.try_instead)  # the call's language
        drawn = " ".join(" ".join(line.split()) for line in screen_lines(app))
        assert shown.suggestions[0].why in drawn


async def test_progress_legend_colours_are_the_chart_lines_colours(tmp_path: Path) -> None:
    from simulator.tui.widgets.progress_chart import LINE_COLORS

    seed_history(tmp_path, "en")
    app = make_app(tmp_path)
    async with app.run_test(size=LARGE) as pilot:
        await _start(app, pilot, "p")
        svg = app.export_screenshot().lower()
        for dimension, colour in LINE_COLORS.items():
            # One style for the line in the chart, one (bold) for the ■ beside its name.
            assert re.search(rf"{colour} \}}", svg), f"{dimension}: no line in that colour"
            assert f"{colour};font-weight: bold" in svg, f"{dimension}: no legend mark"
        assert len(set(LINE_COLORS.values())) == len(LINE_COLORS)


async def test_scorecard_says_when_a_call_is_too_short_to_judge(tmp_path: Path) -> None:
    app = make_app(tmp_path, FakeBackend(["Ну."]), ui_lang="ru", call_lang="ru")
    async with app.run_test(size=SMALL) as pilot:
        await open_persona(app, pilot, "calm-neighbour")
        await say(app, pilot, "Что вас в этом больше всего тревожит?")
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert isinstance(app.screen, ScorecardScreen)
        assert app.screen.scorecard.readiness == "not_yet"
        headline = str(app.screen.query_one("#headline", Static).render())
        assert "слишком короткий" in headline and "не меньше 3" in headline
        assert on_screen(app, "Звонок слишком короткий, чтобы судить о готовности:")


async def test_scorecard_says_when_nothing_needs_a_better_line(tmp_path: Path) -> None:
    replies = ["Ну, есть минута.", "За сына боюсь, он в армии.", "Да. Очень боюсь."]
    app = make_app(tmp_path, FakeBackend(replies), ui_lang="ru", call_lang="ru")
    async with app.run_test(size=LARGE) as pilot:
        await open_persona(app, pilot, "calm-neighbour")
        await say(app, pilot, "Здравствуйте! Меня зовут Анна. Удобно вам пару минут поговорить?")
        await say(app, pilot, "Что вас сейчас больше всего тревожит?")
        await say(app, pilot, "Вам очень страшно за сына.")
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert isinstance(app.screen, ScorecardScreen)
        assert not app.screen.scorecard.suggestions
        # Not a bare «Нет.» under "what to say differently".
        assert on_screen(app, "Менять нечего: ни одна ваша реплика не требовала другой.")
