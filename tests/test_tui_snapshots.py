"""SVG snapshots of every screen in both interface languages at 80x24, and of the call and the
scorecard at 120x40, with a scripted backend, a fixed seed and a history of fixed sessions, so
the pictures are the same on every run. Update with `--snapshot-update`, then look at each one
(README of tests: convert with rsvg-convert) for anything cut mid-word or overlapping."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from simulator.llm.fake import FakeBackend
from simulator.scoring.model import (
    DIMENSIONS,
    Blocker,
    DimensionScore,
    HardFail,
    Metrics,
    Outcome,
    Quote,
    Scorecard,
    Suggestion,
)
from simulator.session import SessionRecord, Turn
from simulator.store import Store
from simulator.tui.app import CallsimApp
from tests.test_tui import make_app, open_persona, say, wait_for_personas

SMALL, LARGE = (80, 24), (120, 40)
LANGS = ["en", "ru"]

REPLIES = {
    "en": ["Well, my son is in the army. [bold]Nobody[/] asked us.", "Yes, I worry every day."],
    "ru": ["Ну, сын у меня в армии. [bold]Нас[/] никто не спрашивал.", "Да, каждый день волнуюсь."],
}
LINES = {
    "en": ["What worries you most about it?", "That sounds really hard."],
    "ru": ["Что вас в этом больше всего тревожит?", "Это, наверное, очень тяжело."],
}

Step = Callable[[Pilot[None]], Awaitable[None]]


def _card(
    overall: int, readiness: str, lang: str, *, unsafe: bool = False, hung_up: bool = False
) -> Scorecard:
    """A fixed scorecard (not computed: the snapshots must not move with the rubric)."""
    en = lang == "en"
    quote = "Tell me your address." if en else "Скажите ваш адрес."
    return Scorecard.model_validate(
        {
            "overall": overall,
            "readiness": readiness,
            "hard_fails": [HardFail(turn=3, code="unsafe", quote=quote)] if unsafe else [],
            "blockers": [Blocker(turn=3, code="confront", quote=quote)] if unsafe else [],
            "dimensions": {
                d: DimensionScore(
                    score=max(0, min(100, overall + 7 * i - 14)),
                    evidence=[Quote(turn=1, quote="…")] if i == 0 else [],
                )
                for i, d in enumerate(DIMENSIONS)
            },
            "metrics": Metrics(
                volunteer_turns=2,
                open_questions=1,
                reflections=0,
                reflection_to_question=0.0,
                volunteer_talk_share=0.41,
            ),
            "outcome": Outcome(hung_up=hung_up, final_openness=0.35),
            "suggestions": [
                Suggestion(
                    turn=3,
                    quote=quote,
                    why="An address can put the person at risk."
                    if en
                    else "Адрес может подвергнуть человека риску.",
                    try_instead="Would you like me to tell you where to read more?"
                    if en
                    else "Хотите, я подскажу, где можно почитать ещё?",
                )
            ]
            if unsafe
            else [],
        }
    )


def _record(n: int, persona: str, lang: str, mode: str, ended: str | None, card: Scorecard | None):  # type: ignore[no-untyped-def]
    en = lang == "en"
    turns = [
        Turn(speaker="respondent", text="Hello?" if en else "Алло?"),
        Turn(
            speaker="volunteer",
            text=LINES[lang][0],
            codes=["open_question"],
        ),
        Turn(speaker="respondent", text=REPLIES[lang][0]),
        Turn(
            speaker="volunteer",
            text="Tell me your address." if en else "Скажите ваш адрес.",
            codes=["unsafe"],
        ),
        Turn(speaker="respondent", text="No." if en else "Нет."),
    ]
    return SessionRecord(
        id=f"snap{n:02d}",
        persona=persona,
        lang=lang,  # type: ignore[arg-type]
        model="fake:scripted",
        mode=mode,  # type: ignore[arg-type]
        started_at=f"2026-11-{n + 10:02d}T1{n % 10}:30:00+00:00",
        ended_by=ended,  # type: ignore[arg-type]
        turns=turns,
        scorecard=card,
    )


def seed_history(data: Path, lang: str) -> None:
    """Six calls: every readiness, every way a call ends, both modes and call languages, a
    persona that is no longer on this machine, and an unfinished call."""
    other = "ru" if lang == "en" else "en"
    rows = [
        ("calm-neighbour", lang, "practice", "volunteer", _card(44, "not_yet", lang)),
        ("short-fuse", lang, "practice", "hangup", _card(23, "not_yet", lang, hung_up=True)),
        ("calm-neighbour", other, "assessment", "turn_limit", _card(61, "almost", lang)),
        ("retired-persona", lang, "assessment", "script_end", _card(72, "ready", lang)),
        ("short-fuse", lang, "assessment", "volunteer", _card(78, "ready", lang)),
        ("calm-neighbour", lang, "practice", None, None),
    ]
    store = Store.open(data)
    for n, (persona, call_lang, mode, ended, card) in enumerate(rows, start=1):
        store.save_session(_record(n, persona, call_lang, mode, ended, card))
    # The one a volunteer opens from History: a hard fail and a suggestion.
    store.save_session(
        _record(
            9,
            "calm-neighbour",
            lang,
            "assessment",
            "volunteer",
            _card(18, "not_yet", lang, unsafe=True),
        )
    )
    store.close()


def _app(tmp_path: Path, lang: str, mode: str = "practice") -> CallsimApp:
    seed_history(tmp_path, lang)
    fake = FakeBackend(list(REPLIES[lang]))
    return make_app(tmp_path, fake, mode=mode, call_lang=lang, ui_lang=lang)


async def _home(pilot: Pilot[None]) -> None:
    """Home with its personas listed (they load in a worker started after the first paint)."""
    await wait_for_personas(pilot.app, pilot)  # type: ignore[arg-type]


def _keys(*keys: str) -> Step:
    async def run(pilot: Pilot[None]) -> None:
        await _home(pilot)
        await pilot.press(*keys)
        await pilot.pause()

    return run


async def _briefing(pilot: Pilot[None]) -> None:
    await _home(pilot)
    await pilot.press("enter")
    await pilot.pause()


async def _call(pilot: Pilot[None]) -> None:
    app = pilot.app
    lang = app.ui_lang  # type: ignore[attr-defined]
    await open_persona(app, pilot, "calm-neighbour")  # type: ignore[arg-type]
    for line in LINES[lang]:
        await say(app, pilot, line)  # type: ignore[arg-type]


async def _scorecard(pilot: Pilot[None]) -> None:
    from simulator.tui.screens.scorecard import ScorecardScreen

    await _call(pilot)
    await pilot.press("ctrl+t")
    for _ in range(100):  # scoring runs before the screen switches: wait for it, not a guess
        await pilot.pause(0.05)
        if isinstance(pilot.app.screen, ScorecardScreen):
            break
    assert isinstance(pilot.app.screen, ScorecardScreen)
    await pilot.pause()


async def _session(pilot: Pilot[None]) -> None:
    await _keys("h")(pilot)
    await pilot.press("enter")  # the newest: snap09, with a hard fail and a suggestion
    await pilot.pause()


SCREENS: dict[str, tuple[str, Step]] = {
    "home": ("practice", _home),
    "help": ("practice", _keys("question_mark")),
    "briefing": ("practice", _briefing),
    "call_practice": ("practice", _call),
    "call_assessment": ("assessment", _call),
    "scorecard": ("practice", _scorecard),
    "history": ("practice", _keys("h")),
    "progress": ("practice", _keys("p")),
    "session": ("practice", _session),
    "settings": ("practice", _keys("s")),
}


def _steady(step: Step) -> Step:
    """`step`, then the text cursor held on: a blinking cursor is drawn or not by the clock,
    and a busy machine shifts the clock."""

    async def run(pilot: Pilot[None]) -> None:
        await step(pilot)
        for box in pilot.app.screen.query(Input):
            box.cursor_blink = False
        await pilot.pause()

    return run


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("screen", list(SCREENS))
def test_every_screen_at_80x24(snap_compare, tmp_path: Path, screen: str, lang: str) -> None:  # type: ignore[no-untyped-def]
    mode, step = SCREENS[screen]
    assert snap_compare(_app(tmp_path, lang, mode), terminal_size=SMALL, run_before=_steady(step))


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("screen", ["call_practice", "call_assessment", "scorecard"])
def test_call_and_scorecard_at_120x40(snap_compare, tmp_path: Path, screen: str, lang: str) -> None:  # type: ignore[no-untyped-def]
    mode, step = SCREENS[screen]
    assert snap_compare(_app(tmp_path, lang, mode), terminal_size=LARGE, run_before=_steady(step))
