"""The engine with the real bundled model: the warm-up leaves the persona's prompt in
llama.cpp's cache, token for token, so the first reply does not pay for reading it."""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator.engine.call import Call
from simulator.llm.base import GenerationRequest
from simulator.llm.embedded import EmbeddedBackend
from tests.engine_fixtures import make_persona

pytestmark = pytest.mark.model


def test_warm_up_caches_the_prefix_of_the_first_prompt() -> None:
    backend = EmbeddedBackend()
    llama = backend._model.llama
    seen: list[GenerationRequest] = []
    stream = backend.stream

    def recording(request: GenerationRequest):  # type: ignore[no-untyped-def]
        seen.append(request)
        return stream(request)

    call = Call(make_persona(), "ru", backend, seed=9)
    call.pick_up()
    call.warm_up()
    cached = list(llama._input_ids)
    backend.stream = recording  # type: ignore[method-assign]
    call.say("Здравствуйте! Меня зовут Анна. Можно с вами поговорить?")
    list(call.reply())
    first_prompt = seen[0].prompt or ""
    tokens = llama.tokenize(first_prompt.encode("utf-8"))
    # All but the one token the warm-up generated are a prefix of the first real prompt.
    shared = cached[:-1]
    assert len(shared) > 200
    assert tokens[: len(shared)] == shared


def test_a_real_call_makes_small_talk_and_hits_back_with_a_second_line(tmp_path: Path) -> None:
    from simulator.config import bundled_personas_dir
    from simulator.engine import reply_check
    from simulator.engine.events import ReplyDone
    from simulator.persona_loader import load_persona
    from simulator.store import Store

    firm = load_persona(bundled_personas_dir() / "firm-supporter.yaml")
    store = Store(tmp_path / "history.sqlite3")
    call = Call(firm, "ru", EmbeddedBackend(), store=store, seed=3)
    call.pick_up()
    call.say("А погода у вас сейчас какая?")
    weather = [e for e in call.reply() if isinstance(e, ReplyDone)][0].turn
    assert weather.move == "smalltalk:weather", weather
    call.say("Вы все зомбированы, верите каждому слову из телевизора.")
    pushed = [e for e in call.reply() if isinstance(e, ReplyDone)][0].turn
    assert pushed.move and pushed.move.startswith("reaction:confront+"), pushed
    for turn in (weather, pushed):
        assert reply_check.word_loop(turn.text) is None
        assert reply_check.gender_error(turn.text, firm.gender, "ru") is None
    stored = Store(tmp_path / "history.sqlite3").load(call.record.id)
    said = [t.move for t in stored.turns if t.speaker == "respondent"]
    assert said[-2:] == [weather.move, pushed.move]


def test_leave_to_tell_gets_go_on_in_a_real_call(tmp_path: Path) -> None:
    # «Можно я расскажу…? У меня родственники в Харькове.» was answered from lore near its other
    # words: «Нет. Только бабка с украинской фамилией была.»
    from simulator.config import bundled_personas_dir
    from simulator.engine.events import ReplyDone
    from simulator.engine.move import _courtesy
    from simulator.persona_loader import load_persona
    from simulator.store import Store

    firm = load_persona(bundled_personas_dir() / "firm-supporter.yaml")
    store = Store(tmp_path / "history.sqlite3")
    call = Call(firm, "ru", EmbeddedBackend(), store=store, seed=2)
    call.pick_up()
    call.say("Добрый вечер! Меня зовут Ирина, я звоню из Германии. Удобно вам говорить?")
    list(call.reply())
    call.say("Можно я расскажу, почему меня это так волнует? У меня родственники в Харькове.")
    turn = [e for e in call.reply() if isinstance(e, ReplyDone)][0].turn
    go_on = [line for lines in _courtesy("tell")[1]["ru"].values() for line in lines]
    assert turn.move == "permission", turn
    assert any(turn.text.startswith(line) for line in go_on), turn.text
    stored = Store(tmp_path / "history.sqlite3").load(call.record.id)
    assert stored.turns[-1].text == turn.text
