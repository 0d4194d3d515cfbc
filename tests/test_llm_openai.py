"""The OpenAI-compatible backend against a real llama_cpp.server and against servers that
misbehave: down, silent, garbage, HTTP errors. Every failure must be one clear line, fast."""

from __future__ import annotations

import json
import time
from typing import TYPE_CHECKING

import pytest

from simulator.config import Settings
from simulator.errors import UserError
from simulator.llm.base import BackendError, ChatMessage, GenerationRequest
from simulator.llm.factory import make_backend
from simulator.llm.openai_compat import OpenAIBackend, normalise_base_url

if TYPE_CHECKING:
    from tests.llm_server import ScriptedServer

pytest_plugins = ("tests.llm_server",)  # llama_server, closed_url, silent_server, scripted_server

CALL = (
    "Телефонный разговор.\n"
    "Собеседник: Алло?\n"
    "Волонтёр: Здравствуйте! У вас есть минутка поговорить?\n"
    "Собеседник:"
)
CHAT = (ChatMessage("system", "You are Ivan."), ChatMessage("user", "Hello!"))


def _error_of(backend: OpenAIBackend, request: GenerationRequest) -> str:
    with pytest.raises(BackendError) as caught:
        list(backend.stream(request))
    message = str(caught.value)
    assert "\n" not in message
    return message


# --- against a real llama_cpp.server -----------------------------------------------------


@pytest.mark.server
def test_transcript_reply_streams_in_pieces_from_a_real_server(llama_server: str) -> None:
    backend = OpenAIBackend(llama_server, prompt_style="transcript")
    request = GenerationRequest(prompt=CALL, max_tokens=30, temperature=0.0, stop=("\n",))
    pieces = list(backend.stream(request))
    assert len(pieces) >= 2
    reply = "".join(pieces)
    assert reply.strip()
    assert "\n" not in reply  # the stop sequence ended it


@pytest.mark.server
def test_base_url_with_or_without_v1_reaches_the_same_server(llama_server: str) -> None:
    for url in (llama_server, llama_server + "/v1", llama_server + "/v1/"):
        assert OpenAIBackend(url, prompt_style="transcript").check().endswith(".gguf")


@pytest.mark.server
def test_closing_a_reply_early_frees_the_server_for_the_next_one(llama_server: str) -> None:
    backend = OpenAIBackend(llama_server, prompt_style="transcript")
    long_reply = backend.stream(GenerationRequest(prompt="Once upon a time", max_tokens=400))
    next(long_reply)
    long_reply.close()
    started = time.monotonic()
    assert "".join(backend.stream(GenerationRequest(prompt=CALL, max_tokens=5))).strip()
    assert time.monotonic() - started < 3.0  # 400 tokens would take several seconds


# --- servers that are down, silent or broken ---------------------------------------------


def test_no_server_is_reported_at_once_with_the_url(closed_url: str) -> None:
    url = closed_url
    backend = OpenAIBackend(url, prompt_style="transcript", connect_timeout=2)
    started = time.monotonic()
    message = _error_of(backend, GenerationRequest(prompt=CALL))
    assert time.monotonic() - started < 2.0
    assert message == f"no server answers at {url}/v1 — is it running?"
    with pytest.raises(BackendError, match="is it running"):
        backend.check()


def test_a_server_that_never_answers_times_out_within_the_read_timeout(silent_server: str) -> None:
    backend = OpenAIBackend(silent_server, prompt_style="chat", read_timeout=1.0)
    started = time.monotonic()
    message = _error_of(backend, GenerationRequest(messages=CHAT))
    assert time.monotonic() - started < 3.0
    assert "sent nothing for 1 s" in message
    assert silent_server in message


def test_http_error_shows_status_and_the_servers_message(scripted_server: ScriptedServer) -> None:
    scripted_server.answer(
        json.dumps({"error": {"message": "model is loading"}}), 500, "application/json"
    )
    message = _error_of(OpenAIBackend(scripted_server.url), GenerationRequest(messages=CHAT))
    assert "HTTP 500" in message and "model is loading" in message


def test_http_error_with_a_plain_text_body(scripted_server: ScriptedServer) -> None:
    scripted_server.answer("Bad Gateway\nupstream down", 502, "text/plain")
    message = _error_of(OpenAIBackend(scripted_server.url), GenerationRequest(messages=CHAT))
    assert "HTTP 502: Bad Gateway upstream down" in message


def test_garbage_in_the_stream_is_reported(scripted_server: ScriptedServer) -> None:
    scripted_server.answer("data: <html>oops</html>\n\n")
    message = _error_of(OpenAIBackend(scripted_server.url), GenerationRequest(messages=CHAT))
    assert "not JSON" in message and "<html>oops" in message


def test_events_without_choices_are_reported(scripted_server: ScriptedServer) -> None:
    scripted_server.answer_events({"id": "x", "object": "chat.completion.chunk"})
    message = _error_of(OpenAIBackend(scripted_server.url), GenerationRequest(messages=CHAT))
    assert "without choices" in message


def test_an_error_event_in_the_stream_is_reported(scripted_server: ScriptedServer) -> None:
    scripted_server.answer_events({"error": {"message": "context window exceeded"}})
    message = _error_of(OpenAIBackend(scripted_server.url), GenerationRequest(messages=CHAT))
    assert "context window exceeded" in message


def test_an_empty_stream_is_reported(scripted_server: ScriptedServer) -> None:
    scripted_server.answer("")
    message = _error_of(OpenAIBackend(scripted_server.url), GenerationRequest(messages=CHAT))
    assert "without sending a reply" in message


def test_a_connection_lost_mid_reply_is_reported(scripted_server: ScriptedServer) -> None:
    event = {"choices": [{"delta": {"content": "Алло"}}]}
    scripted_server.answer(f"data: {json.dumps(event)}\n\n", cut_short=True)
    backend = OpenAIBackend(scripted_server.url, read_timeout=5)
    pieces: list[str] = []
    with pytest.raises(BackendError, match="broke off the reply"):
        for piece in backend.stream(GenerationRequest(messages=CHAT)):
            pieces.append(piece)
    assert pieces == ["Алло"]


# --- what the backend sends and reads ----------------------------------------------------


def test_chat_deltas_are_streamed_and_the_request_is_well_formed(
    scripted_server: ScriptedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CALLSIM_API_KEY", "secret-key")
    scripted_server.answer_events(
        {"choices": [{"delta": {"role": "assistant"}}]},
        {"choices": [{"delta": {"content": "Да, "}}]},
        {"choices": [{"delta": {"content": "слушаю."}}]},
        {"choices": []},
    )
    backend = OpenAIBackend(scripted_server.url + "/v1", model="qwen")
    request = GenerationRequest(messages=CHAT, max_tokens=12, stop=("\n",), seed=7)
    assert list(backend.stream(request)) == ["Да, ", "слушаю."]
    path, headers, body = scripted_server.requests[-1]
    assert path == "/v1/chat/completions"
    assert headers["Authorization"] == "Bearer secret-key"
    sent = json.loads(body)
    assert sent["messages"] == [
        {"role": "system", "content": "You are Ivan."},
        {"role": "user", "content": "Hello!"},
    ]
    assert (sent["stream"], sent["model"], sent["max_tokens"], sent["seed"]) == (
        True,
        "qwen",
        12,
        7,
    )
    assert sent["stop"] == ["\n"]
    assert backend.name == "openai:qwen"


def test_a_non_streaming_json_reply_is_accepted(scripted_server: ScriptedServer) -> None:
    scripted_server.answer(json.dumps({"choices": [{"text": " Алло?"}]}), 200, "application/json")
    backend = OpenAIBackend(scripted_server.url, prompt_style="transcript")
    assert list(backend.stream(GenerationRequest(prompt=CALL))) == [" Алло?"]
    assert scripted_server.requests[-1][0] == "/v1/completions"


def test_check_reports_a_server_without_models(scripted_server: ScriptedServer) -> None:
    scripted_server.answer(json.dumps({"data": []}), 200, "application/json")
    with pytest.raises(BackendError, match="did not list any model"):
        OpenAIBackend(scripted_server.url).check()


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080/v1"),
        ("http://127.0.0.1:8080/", "http://127.0.0.1:8080/v1"),
        ("http://127.0.0.1:8080/v1", "http://127.0.0.1:8080/v1"),
        (" https://api.example.org/v1/ ", "https://api.example.org/v1"),
    ],
)
def test_base_urls_are_accepted_with_or_without_v1(given: str, expected: str) -> None:
    assert normalise_base_url(given) == expected


@pytest.mark.parametrize("bad", ["localhost:8080", "ftp://example.org", ""])
def test_a_base_url_that_is_not_http_is_refused_clearly(bad: str) -> None:
    with pytest.raises(BackendError, match="is not an http"):
        OpenAIBackend(bad)


def test_factory_needs_a_server_url_for_the_openai_backend() -> None:
    with pytest.raises(UserError, match="needs a server URL: pass --base-url"):
        make_backend(Settings(backend="openai"))


def test_factory_builds_the_openai_backend_with_the_chosen_prompt_style() -> None:
    settings = Settings(backend="openai", base_url="http://127.0.0.1:9/", prompt_style="transcript")
    backend = make_backend(settings)
    assert backend.prompt_style == "transcript"
    assert backend.name == "openai:127.0.0.1:9"


def test_factory_refuses_a_malformed_server_url() -> None:
    with pytest.raises(UserError, match="is not an http"):
        make_backend(Settings(backend="openai", base_url="127.0.0.1:8080"))
