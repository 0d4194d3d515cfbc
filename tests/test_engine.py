"""The call engine with the scripted backend: state, reply checks, hang-up, undo, storage."""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator.engine.call import Call, CallOver
from simulator.engine.events import (
    CallEnded,
    ReplyDiscarded,
    ReplyDone,
    ReplyEvent,
    ReplyStarted,
    ReplyToken,
)
from simulator.engine.prompt import PromptBuilder
from simulator.llm.fake import FakeBackend
from simulator.store import Store
from tests.engine_fixtures import make_persona

EMPATHIC_EN = "That sounds really hard. What worries you most about it?"
HOSTILE_EN = (
    "You people are idiots who believe every lie on TV, "
    "and every day you keep quiet more people die."
)


def _call(tmp_path: Path, replies: list[str], lang: str = "en", **kw: object) -> Call:
    store = Store(tmp_path / "history.sqlite3")
    call = Call(make_persona(), lang, FakeBackend(replies), store=store, seed=1, **kw)  # type: ignore[arg-type]
    call.pick_up()
    return call


def _drain(call: Call) -> list[ReplyEvent]:
    return list(call.reply())


def test_reply_streams_tokens_and_is_stored(tmp_path: Path) -> None:
    call = _call(tmp_path, ["Well, it is hard for everyone here."])
    call.say(EMPATHIC_EN)
    events = _drain(call)
    tokens = "".join(e.text for e in events if isinstance(e, ReplyToken))
    done = [e for e in events if isinstance(e, ReplyDone)]
    assert len([e for e in events if isinstance(e, ReplyToken)]) > 3
    assert tokens == "Well, it is hard for everyone here."
    assert done[0].turn.text == tokens and done[0].turn.source == "model"
    stored = Store(tmp_path / "history.sqlite3").load(call.record.id)
    assert [t.text for t in stored.turns] == [t.text for t in call.turns]
    assert stored.turns[1].codes and "empathy" in stored.turns[1].codes


def test_empathy_raises_trust_and_confrontation_raises_irritation(tmp_path: Path) -> None:
    call = _call(tmp_path, [])
    before = call.state
    call.say(EMPATHIC_EN)
    assert call.state.trust > before.trust
    _drain(call)
    calm = call.state
    call.say(HOSTILE_EN)
    assert call.state.irritation > calm.irritation
    assert call.state.trust < calm.trust


@pytest.mark.parametrize(
    ("bad", "reason"),
    [
        ("As an AI language model, I cannot have opinions.", "out of role"),
        ("Volunteer: and what do you think?", "speaker label"),
        ("", "empty"),
        ("Ну это всё сложно, знаете.", "wrong language"),
        ("That sounds really hard. What worries you most about it?", "echoes"),
    ],
)
def test_bad_reply_is_retried(tmp_path: Path, bad: str, reason: str) -> None:
    call = _call(tmp_path, [bad, "I just want my family safe."])
    call.say(EMPATHIC_EN)
    events = _drain(call)
    discarded = [e for e in events if isinstance(e, ReplyDiscarded)]
    assert len(discarded) == 1 and reason in discarded[0].reason
    assert [e.attempt for e in events if isinstance(e, ReplyStarted)] == [1, 2]
    turn = call.turns[-1]
    assert turn.text == "I just want my family safe." and turn.source == "retry"
    assert turn.attempts == 2


def test_persona_fallback_after_repeated_failures(tmp_path: Path) -> None:
    call = _call(tmp_path, ["As an AI I cannot.", "Respondent: hi", "я ИИ"])
    call.say(EMPATHIC_EN)
    _drain(call)
    turn = call.turns[-1]
    assert turn.source == "fallback"
    assert turn.text in call.persona.fallback_lines.get(turn.mood).en  # type: ignore[arg-type]
    assert not call.ended


def test_markup_ansi_and_control_characters_are_cleaned(tmp_path: Path) -> None:
    nasty = "[bold]Hey[/] \x1b[31mred\x1b[0m [link=http://x]click[/link]\x00 ok\x07"
    call = _call(tmp_path, [nasty])
    call.say(EMPATHIC_EN)
    _drain(call)
    text = call.turns[-1].text
    assert "\x1b" not in text and "\x00" not in text and "\x07" not in text
    assert text == "[bold]Hey[/] red [link=http://x]click[/link] ok"
    stored = Store(tmp_path / "history.sqlite3").load(call.record.id)
    assert stored.turns[-1].text == text


def test_overlong_reply_is_cut_off_and_the_call_goes_on(tmp_path: Path) -> None:
    call = _call(tmp_path, ["word " * 2000, "Fine, go on."])
    call.say(EMPATHIC_EN)
    _drain(call)
    assert call.turns[-1].text == "Fine, go on."
    call.say("How is your family?")
    _drain(call)
    assert call.turns[-1].speaker == "respondent"


def test_respondent_hangs_up_when_pushed_too_hard(tmp_path: Path) -> None:
    call = _call(tmp_path, [])
    ended = None
    for _ in range(6):
        call.say(HOSTILE_EN)
        for event in call.reply():
            if isinstance(event, CallEnded):
                ended = event.ended_by
        if call.ended:
            break
    assert ended == "hangup"
    assert call.turns[-1].text in call.persona.hangup_line.en
    assert call.record.ended_by == "hangup" and call.record.scorecard is not None
    assert call.record.scorecard.outcome.hung_up
    with pytest.raises(CallOver):
        call.say("Wait!")
    stored = Store(tmp_path / "history.sqlite3").load(call.record.id)
    assert stored.ended_by == "hangup" and stored.scorecard is not None


def test_turn_limit_ends_a_long_call(tmp_path: Path) -> None:
    call = _call(tmp_path, [], max_turns=2)
    for text in ("How are you?", "What do you think about it?"):
        call.say(text)
        events = _drain(call)
    assert isinstance(events[-1], CallEnded) and events[-1].ended_by == "turn_limit"


def test_undo_restores_the_state_and_the_store(tmp_path: Path) -> None:
    call = _call(tmp_path, ["Sure.", "What?"])
    call.say(EMPATHIC_EN)
    _drain(call)
    state = call.state
    call.say(HOSTILE_EN)
    _drain(call)
    assert call.undo()
    assert call.state == state
    assert len(call.turns) == 3
    stored = Store(tmp_path / "history.sqlite3").load(call.record.id)
    assert len(stored.turns) == 3


def test_assessment_mode_has_no_undo(tmp_path: Path) -> None:
    call = _call(tmp_path, ["Sure."], mode="assessment")
    call.say(EMPATHIC_EN)
    _drain(call)
    assert not call.undo()


def test_cancel_keeps_what_was_said(tmp_path: Path) -> None:
    call = _call(tmp_path, ["I think that people here are tired of all of it really."])
    call.say(EMPATHIC_EN)
    seen = []
    for event in call.reply():
        if isinstance(event, ReplyToken):
            seen.append(event.text)
            if len(seen) == 3:
                call.cancel_reply()
    assert call.turns[-1].text == "I think that…"


def test_transcript_prompt_only_grows(tmp_path: Path) -> None:
    """Each prompt extends the previous one, so llama.cpp can reuse its cache."""
    backend = FakeBackend([])
    call = Call(make_persona(), "ru", backend, seed=3)
    call.pick_up()
    for text in ("Здравствуйте! Можно с вами поговорить?", "Как вы живёте?", "Понимаю вас."):
        call.say(text)
        _drain(call)
    prompts = [r.prompt or "" for r in backend.requests]
    for earlier, later in zip(prompts, prompts[1:], strict=False):
        stable = earlier.rsplit("\n", 1)[0]
        assert later.startswith(stable)
    assert "Engine tests only" not in prompts[-1], "trainer notes must never reach the model"


def test_chat_messages_keep_history_stable() -> None:
    persona = make_persona()
    builder = PromptBuilder(persona, "en", "chat")
    call = Call(persona, "en", FakeBackend([], prompt_style="chat"), seed=2)
    call.pick_up()
    call.say("Hello, may I talk to you?")
    _drain(call)
    first = builder.messages(call.turns[:-1], call.mood)
    call.say("How is your family?")
    second = builder.messages(call.turns, call.mood)
    assert second[: len(first)] == first
    assert first[0].role == "system" and "not an AI" in first[0].content


def test_warm_up_reads_exactly_the_start_of_the_first_prompt() -> None:
    backend = FakeBackend(["Да, слушаю."])
    call = Call(make_persona(), "ru", backend, seed=5)
    call.pick_up()
    call.warm_up()
    call.say("Здравствуйте! Можно с вами поговорить?")
    _drain(call)
    (warmed,) = backend.warmed
    assert warmed.prompt and backend.requests[0].prompt
    assert backend.requests[0].prompt.startswith(warmed.prompt)
    assert warmed.prompt.endswith("\nВолонтёр:")


def test_a_turn_is_coded_in_the_language_it_is_written_in(tmp_path: Path) -> None:
    call = _call(tmp_path, ["Да."], lang="ru")
    turn = call.say("Hello! Is it all right if we talk for a minute?")
    assert turn.codes is not None and "autonomy" in turn.codes
