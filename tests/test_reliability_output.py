"""Model output is untrusted: markup, ANSI escapes, NUL and other control characters, or a
10,000-character flood must be stored and shown safely, and the call must go on.

Runs the real engine and a real SQLite history file with the scripted backend, so every case
is exact and fast.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from simulator.engine import reply_check
from simulator.engine.call import Call
from simulator.engine.events import ReplyDone, ReplyEvent, ReplyStarted, ReplyToken
from simulator.llm.fake import FakeBackend
from simulator.store import Store
from tests.engine_fixtures import make_persona

LINES = [
    "Hello, is this a good moment to talk for a minute?",
    "How has your day been so far?",
    "What do you do for a living, if you don't mind me asking?",
]


def _unsafe_chars(text: str) -> list[str]:
    """Characters a terminal would act on instead of showing: controls, format marks."""
    return [
        repr(ch)
        for ch in text
        if unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn") and ch != "\u200d"
    ]


def _call(tmp_path: Path, replies: list[str]) -> tuple[Call, Path]:
    db = tmp_path / "history.sqlite3"
    call = Call(make_persona(), "en", FakeBackend(replies), store=Store(db), seed=3)
    call.pick_up()
    return call, db


def _turn(call: Call, line: str) -> tuple[list[ReplyEvent], str]:
    call.say(line)
    events = list(call.reply())
    done = [e for e in events if isinstance(e, ReplyDone)]
    assert len(done) == 1
    return events, done[0].turn.text


def _attempts_on_screen(events: list[ReplyEvent]) -> list[str]:
    """What the screen shows of each attempt before it is discarded or done."""
    attempts: list[str] = []
    for event in events:
        if isinstance(event, ReplyStarted):
            attempts.append("")
        elif isinstance(event, ReplyToken):
            attempts[-1] += event.text
    return attempts


def _reloaded(db: Path, call: Call) -> list[str]:
    store = Store(db)
    try:
        return [t.text for t in store.load(call.record.id).turns]
    finally:
        store.close()


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("[bold red]Well[/] maybe [link=http://x.example]click[/link] so.",
         "[bold red]Well[/] maybe [link=http://x.example]click[/link] so."),
        ("\x1b[31mWell,\x1b[0m I \x1b[1;4mdon't\x1b[m know.", "Well, I don't know."),
        ("\x1b]0;pwned\x07Who is \x1b]8;;http://evil\x1b\\this\x1b]8;;\x1b\\?",
         "Who is this?"),
        ("Well\x00 I\x07 do\x08n't\x7f kn\x0bow\x0c.", "Well I don't know."),
        ("Sure,\u202e right\u200b then\ufeff.", "Sure, right then."),
        ("Line one\r\nline two\ttabbed.", "Line one line two tabbed."),
    ],
    ids=["rich-markup", "ansi-colour", "osc-title-and-link", "nul-and-controls", "bidi-zero-width",
         "newlines-tabs"],
)  # fmt: skip
def test_hostile_characters_never_reach_the_screen_or_the_history(
    tmp_path: Path, raw: str, shown: str
) -> None:
    call, db = _call(tmp_path, [raw])
    events, stored = _turn(call, LINES[0])
    streamed = "".join(e.text for e in events if isinstance(e, ReplyToken))
    assert stored == shown
    assert " ".join(streamed.split()) == shown  # the final line replaces the streamed one
    assert _unsafe_chars(streamed) == [] and _unsafe_chars(stored) == []
    assert _reloaded(db, call)[-1] == shown


def test_a_reply_of_nothing_but_escapes_is_retried(tmp_path: Path) -> None:
    call, db = _call(tmp_path, ["\x1b[2J\x1b[H\x00\x07", "Well, what is it you want?"])
    _, stored = _turn(call, LINES[0])
    assert stored == "Well, what is it you want?"
    assert call.turns[-1].source == "retry"


@pytest.mark.parametrize(
    "flood",
    ["word " * 2000, "x" * 10_000, "[b]" * 3334, "\x1b[31m" * 2000],
    ids=["words", "one-token", "markup", "escapes"],
)
def test_ten_thousand_characters_give_a_short_line_and_the_call_goes_on(
    tmp_path: Path, flood: str
) -> None:
    assert len(flood) >= 10_000
    call, db = _call(tmp_path, [flood, flood, flood, "Fine, go on then.", "It's been a long day."])
    events, stored = _turn(call, LINES[0])
    for shown_attempt in _attempts_on_screen(events):
        assert len(shown_attempt) <= reply_check.rules().max_chars + len("word ")
    assert len(stored) <= reply_check.rules().max_chars
    assert call.turns[-1].source == "fallback"
    assert reply_check.problem(stored, "en") is None

    _, second = _turn(call, LINES[1])
    _, third = _turn(call, LINES[2])
    assert (second, third) == ("Fine, go on then.", "It's been a long day.")
    assert _reloaded(db, call) == [t.text for t in call.turns]
    assert [t.speaker for t in call.turns] == ["respondent"] + ["volunteer", "respondent"] * 3


def test_the_volunteers_own_pasted_escapes_are_cleaned_too(tmp_path: Path) -> None:
    call, db = _call(tmp_path, ["Well, hello."])
    turn = call.say("Hi\x1b[31m there\x00, [b]friend[/b]!\u202e")
    assert turn.text == "Hi there, [b]friend[/b]!"
    list(call.reply())
    assert _reloaded(db, call)[1] == "Hi there, [b]friend[/b]!"
