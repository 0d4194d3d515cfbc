"""The engine with the real bundled model: the warm-up leaves the persona's prompt in
llama.cpp's cache, token for token, so the first reply does not pay for reading it."""

from __future__ import annotations

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
