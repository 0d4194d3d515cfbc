"""A call through the OpenAI-compatible backend when the server misbehaves: down, refusing,
hanging, trickling, or streaming garbage.

The engine behaviour these tests pin down (a volunteer's view of it):

- `Call.reply()` raises `BackendError` with one line naming the server; nothing is retried
  (a dead server would only triple the wait) and no reply is invented.
- The wait is bounded by the backend's timeouts, whatever the server does.
- The volunteer's turn is already in the history database, and the call is still waiting for
  the respondent (`awaiting_reply`): once the server is back, `reply()` again answers that
  same turn and the call goes on. Nothing typed is lost and nothing is stored twice.
- Text streamed before a mid-reply failure is not stored (the screen must drop it).
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from simulator.engine.call import Call
from simulator.engine.events import ReplyDone, ReplyToken
from simulator.llm.base import BackendError
from simulator.llm.openai_compat import OpenAIBackend
from simulator.store import Store
from tests.engine_fixtures import make_persona

READ_TIMEOUT_S = 0.5
TOTAL_TIMEOUT_S = 1.5
SLACK_S = 2.0
"""Margin for a loaded 2-core machine on top of the timeout that should fire."""

GOOD_REPLY = ["Ну", ", допустим", ", слушаю", " вас", "."]
FIRST_LINE = "Здравствуйте! Можно с вами немного поговорить?"
SECOND_LINE = "Как у вас сегодня день прошёл?"

Behaviour = Callable[[BaseHTTPRequestHandler, threading.Event], None]


def _event(text: str) -> bytes:
    return f"data: {json.dumps({'choices': [{'text': text}]}, ensure_ascii=False)}\n\n".encode()


def good_stream(handler: BaseHTTPRequestHandler, release: threading.Event) -> None:
    """A well-behaved streaming completion."""
    handler.send_response(200)
    handler.send_header("Content-Type", "text/event-stream")
    handler.send_header("Connection", "close")
    handler.end_headers()
    for piece in GOOD_REPLY:
        handler.wfile.write(_event(piece))
        handler.wfile.flush()
    handler.wfile.write(b"data: [DONE]\n\n")


def refuse_503(handler: BaseHTTPRequestHandler, release: threading.Event) -> None:
    """Overloaded: HTTP 503 with an OpenAI-style error body."""
    body = json.dumps({"error": {"message": "model is loading, try again"}}).encode()
    handler.send_response(503)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


def hang_before_headers(handler: BaseHTTPRequestHandler, release: threading.Event) -> None:
    """Reads the request, then never answers."""
    release.wait(30)


def hang_mid_stream(handler: BaseHTTPRequestHandler, release: threading.Event) -> None:
    """Starts the reply, then goes silent with the connection open."""
    handler.send_response(200)
    handler.send_header("Content-Type", "text/event-stream")
    handler.end_headers()
    handler.wfile.write(_event("Ну"))
    handler.wfile.write(_event(" слушаю"))
    handler.wfile.flush()
    release.wait(30)


def trickle_keepalives(handler: BaseHTTPRequestHandler, release: threading.Event) -> None:
    """Keeps the connection alive with SSE comments forever, never sending a reply."""
    handler.send_response(200)
    handler.send_header("Content-Type", "text/event-stream")
    handler.end_headers()
    while not release.wait(0.05):
        handler.wfile.write(b": ping\n\n")
        handler.wfile.flush()


def trickle_bytes(handler: BaseHTTPRequestHandler, release: threading.Event) -> None:
    """Sends one byte at a time, never finishing a line: no single read ever times out."""
    handler.send_response(200)
    handler.send_header("Content-Type", "text/event-stream")
    handler.end_headers()
    while not release.wait(0.05):
        handler.wfile.write(b" ")
        handler.wfile.flush()
    handler.close_connection = True


def garbage_stream(handler: BaseHTTPRequestHandler, release: threading.Event) -> None:
    """One good piece, then a line that is not JSON."""
    handler.send_response(200)
    handler.send_header("Content-Type", "text/event-stream")
    handler.send_header("Connection", "close")
    handler.end_headers()
    handler.wfile.write(_event("Ну"))
    handler.wfile.write(b'data: {"choices": [{"text": \n\n')


def html_page(handler: BaseHTTPRequestHandler, release: threading.Event) -> None:
    """A proxy's HTML error page with status 200."""
    body = b"<html><body><h1>Gateway</h1>\x1b[31m</body></html>"
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html")
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


def cut_short(handler: BaseHTTPRequestHandler, release: threading.Event) -> None:
    """Announces a longer body than it sends, then closes: a connection lost mid-reply."""
    body = _event("Ну") + _event(" да")
    handler.send_response(200)
    handler.send_header("Content-Type", "text/event-stream")
    handler.send_header("Content-Length", str(len(body) + 500))
    handler.send_header("Connection", "close")
    handler.end_headers()
    handler.wfile.write(body)
    handler.wfile.flush()
    handler.close_connection = True


class FlakyServer:
    """A loopback HTTP server whose behaviour a test switches at will."""

    def __init__(self, behaviour: Behaviour, port: int = 0) -> None:
        self.behaviour = behaviour
        self.release = threading.Event()
        self.requests = 0
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                self.rfile.read(length)
                server.requests += 1
                try:
                    server.behaviour(self, server.release)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up, as it should

            def log_message(self, format: str, *args: object) -> None:
                return

        self._httpd = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self._httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._httpd.server_address[1]}"
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.05,))
        self._thread.daemon = True
        self._thread.start()

    def close(self) -> None:
        """Release hanging handlers and stop serving."""
        self.release.set()
        self._httpd.shutdown()
        self._httpd.server_close()


@pytest.fixture
def servers() -> Iterator[list[FlakyServer]]:
    """Started servers, closed after the test."""
    started: list[FlakyServer] = []
    yield started
    for server in started:
        server.close()


def _serve(servers: list[FlakyServer], behaviour: Behaviour, port: int = 0) -> FlakyServer:
    server = FlakyServer(behaviour, port)
    servers.append(server)
    return server


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _call(tmp_path: Path, url: str) -> tuple[Call, Store]:
    backend = OpenAIBackend(
        url,
        prompt_style="transcript",
        connect_timeout=1.0,
        read_timeout=READ_TIMEOUT_S,
        total_timeout=TOTAL_TIMEOUT_S,
    )
    store = Store(tmp_path / "history.sqlite3")
    call = Call(make_persona(), "ru", backend, store=store, seed=5)
    call.pick_up()
    return call, store


def _failed_reply(call: Call, limit_s: float) -> tuple[str, list[str]]:
    """Iterate `reply()` until it raises; the error line and the tokens shown before it."""
    shown: list[str] = []
    start = time.monotonic()
    with pytest.raises(BackendError) as caught:
        for event in call.reply():
            if isinstance(event, ReplyToken):
                shown.append(event.text)
    elapsed = time.monotonic() - start
    assert elapsed < limit_s, f"waited {elapsed:.1f} s for a failing server"
    message = str(caught.value)
    assert "\n" not in message and message.strip() == message
    return message, shown


def _stored_texts(tmp_path: Path, call: Call) -> list[str]:
    fresh = Store(tmp_path / "history.sqlite3")
    try:
        return [t.text for t in fresh.load(call.record.id).turns]
    finally:
        fresh.close()


def _assert_recovers(tmp_path: Path, call: Call, server: FlakyServer) -> None:
    """With the server healthy again, the pending turn is answered and the call goes on."""
    server.behaviour = good_stream
    assert call.awaiting_reply
    done = [e for e in call.reply() if isinstance(e, ReplyDone)]
    assert done and done[0].turn.text == "Ну, допустим, слушаю вас."
    call.say(SECOND_LINE)
    assert [e for e in call.reply() if isinstance(e, ReplyDone)]
    texts = _stored_texts(tmp_path, call)
    assert texts[1:] == [FIRST_LINE, "Ну, допустим, слушаю вас.", SECOND_LINE, texts[-1]]
    assert [t.speaker for t in call.turns] == ["respondent", "volunteer"] * 2 + ["respondent"]


def test_server_down_then_started_the_call_goes_on(tmp_path: Path, servers: list) -> None:
    port = _free_port()
    call, _ = _call(tmp_path, f"http://127.0.0.1:{port}")
    call.say(FIRST_LINE)
    message, _ = _failed_reply(call, limit_s=1.0 + SLACK_S)
    assert f"127.0.0.1:{port}" in message and "running" in message
    assert _stored_texts(tmp_path, call)[-1] == FIRST_LINE
    server = _serve(servers, good_stream, port=port)
    _assert_recovers(tmp_path, call, server)


@pytest.mark.parametrize(
    ("behaviour", "expected", "limit_s"),
    [
        (refuse_503, "HTTP 503: model is loading", SLACK_S),
        (hang_before_headers, f"sent nothing for {READ_TIMEOUT_S:g} s", READ_TIMEOUT_S + SLACK_S),
        (hang_mid_stream, f"sent nothing for {READ_TIMEOUT_S:g} s", READ_TIMEOUT_S + SLACK_S),
        (trickle_keepalives, f"took over {TOTAL_TIMEOUT_S:g} s", TOTAL_TIMEOUT_S + SLACK_S),
        (garbage_stream, "not JSON", SLACK_S),
        (html_page, "not JSON", SLACK_S),
        (cut_short, "broke off the reply", SLACK_S),
    ],
    ids=lambda v: getattr(v, "__name__", None),
)
def test_a_misbehaving_server_fails_the_reply_clearly_and_loses_nothing(
    tmp_path: Path, servers: list, behaviour: Behaviour, expected: str, limit_s: float
) -> None:
    server = _serve(servers, behaviour)
    call, _ = _call(tmp_path, server.url)
    call.say(FIRST_LINE)
    message, _shown = _failed_reply(call, limit_s)
    assert expected in message
    assert "127.0.0.1" in message
    assert "\x1b" not in message
    assert server.requests == 1, "a failing server must not be asked again and again"
    assert _stored_texts(tmp_path, call) == [call.turns[0].text, FIRST_LINE]
    assert call.awaiting_reply and not call.ended
    _assert_recovers(tmp_path, call, server)


def test_text_streamed_before_a_failure_is_not_stored(tmp_path: Path, servers: list) -> None:
    server = _serve(servers, hang_mid_stream)
    call, _ = _call(tmp_path, server.url)
    call.say(FIRST_LINE)
    _, shown = _failed_reply(call, READ_TIMEOUT_S + SLACK_S)
    assert "".join(shown) == "Ну слушаю"
    assert "Ну слушаю" not in _stored_texts(tmp_path, call)
    assert call.turns[-1].text == FIRST_LINE


def test_a_server_trickling_bytes_without_a_line_end_is_still_bounded(
    tmp_path: Path, servers: list
) -> None:
    """Each byte resets the read timeout, so only the total timeout can stop this wait."""
    server = _serve(servers, trickle_bytes)
    call, _ = _call(tmp_path, server.url)
    call.say(FIRST_LINE)
    outcome: list[BaseException | None] = []

    def reply() -> None:
        try:
            list(call.reply())
            outcome.append(None)
        except BaseException as exc:  # noqa: BLE001 - handed to the test thread
            outcome.append(exc)

    worker = threading.Thread(target=reply, daemon=True)
    worker.start()
    worker.join(TOTAL_TIMEOUT_S + SLACK_S)
    hung = worker.is_alive()
    server.close()  # frees the worker if it hung
    worker.join(5)
    assert not hung, f"the reply was still waiting after {TOTAL_TIMEOUT_S + SLACK_S:g} s"
    assert isinstance(outcome[0], BackendError)
    assert f"took over {TOTAL_TIMEOUT_S:g} s" in str(outcome[0])
