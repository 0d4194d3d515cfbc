"""Pilot tests of the app: whole flows with a scripted backend, and one with the real model."""

from __future__ import annotations

import html
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.widgets import Input, OptionList, Static

from simulator.config import Settings
from simulator.llm.base import BackendError
from simulator.llm.fake import FakeBackend
from simulator.store import Store
from simulator.tui.app import CallsimApp
from simulator.tui.i18n import UI_LANGS, keys, t, t_list
from simulator.tui.screens.briefing import BriefingScreen
from simulator.tui.screens.call import CallScreen
from simulator.tui.screens.home import HomeScreen
from simulator.tui.screens.scorecard import ScorecardScreen
from simulator.tui.screens.settings import SettingsScreen
from simulator.tui.widgets.mood_meter import MoodMeter
from simulator.tui.widgets.transcript import Transcript
from simulator.tui.widgets.turn_line import literal

PERSONAS = Path(__file__).parent / "data" / "personas_tui"
SIZE = (80, 24)


def make_app(
    data_dir: Path,
    backend: FakeBackend | None = None,
    *,
    mode: str = "practice",
    call_lang: str = "en",
    ui_lang: str = "en",
    factory: Callable[[Settings], FakeBackend] | None = None,
) -> CallsimApp:
    """The app on the test personas, with `backend` (a FakeBackend) as the model."""
    fake = backend or FakeBackend()
    settings = Settings(ui_lang=ui_lang, call_lang=call_lang, mode=mode)
    return CallsimApp(settings, data_dir, [PERSONAS], factory or (lambda _settings: fake), seed=7)


async def wait_for_personas(app: CallsimApp, pilot) -> None:  # type: ignore[no-untyped-def]
    """Until Home lists its personas: they load in a worker started after the first paint, so
    on a busy machine the worker may not even have started when the test first looks."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        await app.workers.wait_for_complete()
        await pilot.pause()
        if getattr(app.screen, "entries", None) is not None:
            return
        await pilot.pause(0.02)
    raise AssertionError("Home never listed its personas")


async def open_persona(app: CallsimApp, pilot, persona_id: str) -> None:  # type: ignore[no-untyped-def]
    """From Home, highlight `persona_id`, open its briefing and dial."""
    await wait_for_personas(app, pilot)
    plist = app.screen.query_one(OptionList)
    plist.highlighted = plist.get_option_index(persona_id)
    await pilot.press("enter")
    await pilot.pause()
    assert isinstance(app.screen, BriefingScreen)
    await pilot.press("enter")
    await app.workers.wait_for_complete()
    await pilot.pause()
    assert isinstance(app.screen, CallScreen)


async def say(app: CallsimApp, pilot, text: str) -> None:  # type: ignore[no-untyped-def]
    """Type a line, send it, and wait for the respondent's reply to finish."""
    box = app.screen.query_one("#say", Input)
    box.value = text
    await pilot.press("enter")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # until the floor is back: the worker's end is a message
        await app.workers.wait_for_complete()
        await pilot.pause()
        if not getattr(app.screen, "replying", False):
            break
        await pilot.pause(0.02)
    await pilot.pause()


def transcript_texts(app: CallsimApp) -> list[str]:
    """The lines of the call transcript as shown."""
    return [line.text for line in app.screen.query_one(Transcript).lines()]


def shown(app: CallsimApp, selector: str) -> str:
    """The plain text a Static shows."""
    return str(app.screen.query_one(selector, Static).render())


def test_every_interface_string_has_both_languages() -> None:
    for key in keys():
        for lang in UI_LANGS:
            assert t_list(key, lang)


def test_domain_words_come_from_the_one_vocabulary_file() -> None:
    from simulator.export.labels import Labels, label_keys
    from simulator.vocabulary import table, term

    shared = set(table())
    assert not shared & set(keys()), "named in vocabulary.yaml and again in strings.yaml"
    assert not shared & set(label_keys()), "named in vocabulary.yaml and again in labels.yaml"
    for lang in UI_LANGS:
        for key in shared:
            assert t(key, lang) == Labels(lang)(key) == term(key, lang)
    assert t("dimension.empathy", "ru") == Labels("ru")("dimension.empathy") == "Сочувствие"


def test_the_domain_vocabulary_does_not_import_textual() -> None:
    code = (
        "import sys, simulator.vocabulary, simulator.export.labels; print('textual' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_help_has_no_literal_backticks() -> None:
    for lang in UI_LANGS:
        for key in ("help.body", "help.persona_dirs", "guide"):
            assert not any("`" in line for line in t_list(key, lang)), (key, lang)


async def test_home_lists_personas_with_difficulty_and_invalid_file(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_personas(app, pilot)
        assert isinstance(app.screen, HomeScreen)
        plist = app.screen.query_one(OptionList)
        prompts = [str(plist.get_option_at_index(i).prompt) for i in range(plist.option_count)]
        assert any("Ivan the neighbour" in p and "easy" in p for p in prompts)
        broken = next(p for p in prompts if "broken-persona" in p)
        assert "cannot be used" in broken and "required field is missing" in broken
        assert plist.get_option("broken-persona").disabled


async def test_full_flow_home_briefing_call_scorecard_is_saved(tmp_path: Path) -> None:
    fake = FakeBackend(["Well, my son is in the army.", "Yes, I worry about him a lot."])
    app = make_app(tmp_path, fake)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_personas(app, pilot)
        plist = app.screen.query_one(OptionList)
        plist.highlighted = plist.get_option_index("calm-neighbour")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, BriefingScreen)
        briefing = " ".join(str(s.render()) for s in app.screen.query(Static))
        drawn = html.unescape(app.export_screenshot()).replace("\xa0", " ")
        assert "Tver region" in briefing and "Ask open questions" in drawn
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, CallScreen)
        assert transcript_texts(app) == ["Hello?"]
        await say(app, pilot, "What worries you most about it?")
        await say(app, pilot, "That sounds really hard.")
        lines = transcript_texts(app)
        assert lines[2] == "Well, my son is in the army."
        assert lines[4] == "Yes, I worry about him a lot."
        volunteer = app.screen.query_one(Transcript).lines()[1]
        assert volunteer.code_labels == [("open_question", "open question")]
        assert "Coach" in shown(app, "#coach")
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert isinstance(app.screen, ScorecardScreen)
        page = " ".join(str(s.render()) for s in app.screen.query(Static))
        assert "Overall" in page and "Empathy" in page and "Listening" in page
        assert "What worries you most about it?" in page and "‹open question›" in page
        session_id = app.screen.record.id
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
    saved = Store.open(tmp_path).load(session_id)
    assert saved.ended_by == "volunteer"
    assert [t.text for t in saved.turns][:3] == [
        "Hello?",
        "What worries you most about it?",
        "Well, my son is in the army.",
    ]
    assert saved.scorecard is not None


async def test_model_markup_and_ansi_are_shown_literally(tmp_path: Path) -> None:
    nasty = "[bold]no[/] [link=http://x]way[/link] \x1b[31mred"
    app = make_app(tmp_path, FakeBackend([nasty]))
    async with app.run_test(size=SIZE) as pilot:
        await open_persona(app, pilot, "calm-neighbour")
        await say(app, pilot, "What do you think about it?")
        line = app.screen.query_one(Transcript).lines()[-1]
        rendered = str(line.render())
        assert "[bold]no[/] [link=http://x]way[/link]" in rendered
        assert "\x1b" not in rendered and rendered.endswith("red")


def test_control_characters_in_a_line_become_visible_pictures() -> None:
    assert literal("a\x1b[2Jb\x07\r\nc") == "a␛[2Jb␇␍\nc"


async def test_hang_up_is_shown_and_leads_to_scorecard(tmp_path: Path) -> None:
    app = make_app(tmp_path, FakeBackend(["Whatever."]))
    async with app.run_test(size=SIZE) as pilot:
        await open_persona(app, pilot, "short-fuse")
        await say(app, pilot, "You people believe anything the TV says.")
        lines = transcript_texts(app)
        assert lines[-2] == "Get lost. That's it."
        assert "The respondent hung up." in lines[-1] and "angry" not in lines[-1]
        assert app.screen.query_one("#say", Input).disabled
        assert "call is over" in shown(app, "#status")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ScorecardScreen)
        assert "The respondent hung up." in shown(app, "#headline")


async def test_undo_takes_back_the_last_exchange_and_mood(tmp_path: Path) -> None:
    app = make_app(tmp_path, FakeBackend(["Hm, who knows.", "I see."]))
    async with app.run_test(size=SIZE) as pilot:
        await open_persona(app, pilot, "calm-neighbour")
        meter_before = str(app.screen.query_one(MoodMeter).render())
        await say(app, pilot, "You people believe anything the TV says.")
        assert str(app.screen.query_one(MoodMeter).render()) != meter_before
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert transcript_texts(app) == ["Hello?"]
        assert str(app.screen.query_one(MoodMeter).render()) == meter_before
        assert app.screen.call.turns[-1].text == "Hello?"
        await say(app, pilot, "What worries you most?")
        assert transcript_texts(app)[1:] == ["What worries you most?", "I see."]


async def test_assessment_mode_has_no_meter_hint_or_undo(tmp_path: Path) -> None:
    app = make_app(tmp_path, FakeBackend(["Maybe."]), mode="assessment")
    async with app.run_test(size=SIZE) as pilot:
        await open_persona(app, pilot, "calm-neighbour")
        await say(app, pilot, "What worries you most?")
        assert not app.screen.query(MoodMeter) and not app.screen.query("#coach")
        assert app.screen.query_one(Transcript).lines()[1].code_labels is None
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert len(transcript_texts(app)) == 3


async def test_escape_stops_the_reply_mid_stream(tmp_path: Path) -> None:
    words = "Well, " + "I do not really know what to say about all of that, " * 6
    fake = FakeBackend([words.strip()], token_delay=0.03)
    app = make_app(tmp_path, fake)
    async with app.run_test(size=SIZE) as pilot:
        await open_persona(app, pilot, "calm-neighbour")
        app.screen.query_one("#say", Input).value = "What do you think?"
        await pilot.press("enter")
        await pilot.pause(0.3)
        assert app.screen.replying
        await pilot.press("escape")
        await app.workers.wait_for_complete()
        await pilot.pause()
        reply = app.screen.call.turns[-1]
        assert reply.speaker == "respondent"
        assert reply.text.endswith("…") and len(reply.text) < len(words) / 2
        assert transcript_texts(app)[-1] == reply.text
        assert not app.screen.query_one("#say", Input).disabled


async def test_a_line_typed_while_the_respondent_speaks_is_kept_not_lost(tmp_path: Path) -> None:
    words = "Well, " + "I do not really know what to say about all of that, " * 12
    fake = FakeBackend([words.strip(), "Fine."], token_delay=0.05)
    app = make_app(tmp_path, fake)
    async with app.run_test(size=SIZE) as pilot:
        await open_persona(app, pilot, "calm-neighbour")
        box = app.screen.query_one("#say", Input)
        box.value = "What do you think?"
        await pilot.press("enter")
        await pilot.pause(0.2)
        assert app.screen.replying
        await pilot.press(*"And you")
        await pilot.press("enter")  # too early: they are still speaking
        await pilot.pause()
        assert app.screen.replying and box.value == "And you"
        assert "still speaking" in shown(app, "#status")
        await pilot.press("escape")  # no need to hear it all out
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert transcript_texts(app)[1] == "What do you think?"
        assert "And you" not in transcript_texts(app)
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert transcript_texts(app)[3] == "And you"
        assert box.value == ""


async def test_model_failure_to_start_is_one_clear_line(tmp_path: Path) -> None:
    def broken(_settings: Settings) -> FakeBackend:
        raise BackendError("model file not found: /nowhere/model.gguf")

    app = make_app(tmp_path, factory=broken)
    async with app.run_test(size=SIZE) as pilot:
        await open_persona(app, pilot, "calm-neighbour")
        assert "model file not found: /nowhere/model.gguf" in shown(app, "#status")
        assert app.screen.query_one("#say", Input).disabled
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


async def test_languages_and_mode_switch_and_are_remembered(tmp_path: Path) -> None:
    app = make_app(tmp_path, call_lang="ru")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_personas(app, pilot)
        await pilot.press("i", "l", "m")
        await pilot.pause()
        assert "Кому позвоним?" in shown(app, "#home-heading")
        options = shown(app, "#home-options")
        assert "английский" in options and "проверка" in options
    saved = Settings.load(tmp_path)
    assert (saved.ui_lang, saved.call_lang, saved.mode) == ("ru", "en", "assessment")


async def test_russian_call_and_interface(tmp_path: Path) -> None:
    app = make_app(tmp_path, FakeBackend(["Ну, не знаю."]), call_lang="ru", ui_lang="ru")
    async with app.run_test(size=SIZE) as pilot:
        await open_persona(app, pilot, "calm-neighbour")
        await say(app, pilot, "Что вас в этом больше всего тревожит?")
        lines = app.screen.query_one(Transcript).lines()
        # A role word, not the persona's display name.
        assert lines[0].text == "Алло?" and lines[0].speaker == "Собеседник"
        assert lines[1].code_labels == [("open_question", "открытый вопрос")]


async def test_settings_refuses_a_missing_model_file(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_personas(app, pilot)
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, SettingsScreen)
        app.screen.query_one("#model", Input).value = str(tmp_path / "missing.gguf")
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        result = shown(app, "#settings-result")
        assert "Not saved" in result and "model file not found" in result
    assert Settings.load(tmp_path).model is None


async def test_settings_refuses_a_server_that_does_not_answer(tmp_path: Path) -> None:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_personas(app, pilot)
        await pilot.press("s")
        await pilot.pause()
        app.screen.query_one("#openai").value = True
        app.screen.query_one("#url", Input).value = f"http://127.0.0.1:{port}/v1"
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        result = shown(app, "#settings-result")
        assert "Not saved" in result and f"127.0.0.1:{port}" in result
    assert Settings.load(tmp_path).backend == "embedded"


async def test_settings_saves_an_existing_model_file(tmp_path: Path) -> None:
    model = tmp_path / "tiny.gguf"
    model.write_bytes(b"GGUF" + b"\0" * 16)
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_personas(app, pilot)
        await pilot.press("s")
        await pilot.pause()
        app.screen.query_one("#model", Input).value = str(model)
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "Saved" in shown(app, "#settings-result")
    assert Settings.load(tmp_path).model == str(model)


async def test_help_opens_and_closes(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_personas(app, pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert "Ctrl+T ends the call" in " ".join(str(s.render()) for s in app.screen.query(Static))
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


@pytest.mark.model
async def test_a_call_with_the_real_bundled_model(tmp_path: Path, bundled_model_path: Path) -> None:
    from simulator.llm.embedded import EmbeddedBackend

    app = make_app(
        tmp_path, call_lang="ru", factory=lambda _s: EmbeddedBackend(bundled_model_path, seed=3)
    )
    async with app.run_test(size=SIZE) as pilot:
        await open_persona(app, pilot, "calm-neighbour")
        await say(app, pilot, "Здравствуйте! Меня зовут Анна. Вам удобно немного поговорить?")
        reply = app.screen.call.turns[-1]
        assert reply.speaker == "respondent" and reply.text.strip()
        assert transcript_texts(app)[-1] == reply.text
        assert not app.screen.query_one("#say", Input).disabled
        # Typed while the real model answers: the line is sent or kept, never lost.
        box = app.screen.query_one("#say", Input)
        box.value = "А как у вас погода?"
        await pilot.press("enter")
        await pilot.press(*"А вы где")
        await pilot.press("enter")
        if box.value:  # they were still speaking: the line waited in the box
            assert box.value == "А вы где"
            await say(app, pilot, box.value)
        assert box.value == ""
        assert transcript_texts(app).count("А вы где") == 1


async def test_ending_before_saying_anything_still_gives_a_scorecard(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_persona(app, pilot, "calm-neighbour")
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert isinstance(app.screen, ScorecardScreen)
        assert "Overall" in shown(app, "#headline")


def test_starting_the_app_does_not_load_the_model_library() -> None:
    code = (
        "import sys, simulator.tui.app, simulator.tui.screens.home;"
        "print('llama_cpp' in sys.modules, 'simulator.llm.embedded' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]
