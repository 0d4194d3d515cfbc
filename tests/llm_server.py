"""Servers on 127.0.0.1 for the HTTP backend tests: a real `llama_cpp.server` serving the
bundled model, one that accepts connections and never answers, and a scripted HTTP server
that answers whatever a test tells it to (garbage streams, HTTP errors).

Test modules use the fixtures by declaring `pytest_plugins = ("tests.llm_server",)`.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

SERVER_START_LIMIT_S = 30.0


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def llama_server(
    bundled_model_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """Base URL (without `/v1`) of a real llama_cpp.server serving the bundled model."""
    port = free_port()
    log_path = tmp_path_factory.mktemp("llama_server") / "server.log"
    command = [
        sys.executable, "-m", "llama_cpp.server",
        "--model", str(bundled_model_path),
        "--host", "127.0.0.1", "--port", str(port), "--n_ctx", "2048",
    ]  # fmt: skip
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_serving(process, base_url, log_path)
        yield base_url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_until_serving(process: subprocess.Popen[bytes], base_url: str, log: Path) -> None:
    deadline = time.monotonic() + SERVER_START_LIMIT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            tail = log.read_text(errors="replace")[-2000:]
            pytest.fail(f"llama_cpp.server exited with {process.returncode}:\n{tail}")
        try:
            if httpx.get(f"{base_url}/v1/models", timeout=1.0).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    pytest.fail(f"llama_cpp.server did not serve {base_url} within {SERVER_START_LIMIT_S:g} s")


@pytest.fixture
def closed_url() -> str:
    """Base URL of a port on 127.0.0.1 where nothing listens."""
    return f"http://127.0.0.1:{free_port()}"


@pytest.fixture
def silent_server() -> Iterator[str]:
    """Base URL of a server that accepts connections and never sends a byte."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept_forever() -> None:
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except (TimeoutError, OSError):
                continue
            accepted.append(conn)  # held open, never answered

    thread = threading.Thread(target=accept_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stop.set()
        thread.join(timeout=2)
        for conn in accepted:
            conn.close()
        listener.close()


@dataclass
class ScriptedReply:
    """What the scripted server answers to every request."""

    status: int = 200
    content_type: str = "text/event-stream"
    body: bytes = b""
    cut_short: bool = False
    """Announce a longer body than is sent, then close: a connection lost mid-reply."""


@dataclass
class ScriptedServer:
    """A loopback HTTP server answering every request with `reply`; it records requests."""

    url: str
    reply: ScriptedReply = field(default_factory=ScriptedReply)
    requests: list[tuple[str, dict[str, str], bytes]] = field(default_factory=list)

    def answer(
        self,
        body: bytes | str,
        status: int = 200,
        content_type: str = "text/event-stream",
        cut_short: bool = False,
    ) -> None:
        """Set the reply for the next requests."""
        data = body.encode() if isinstance(body, str) else body
        self.reply = ScriptedReply(status, content_type, data, cut_short)

    def answer_events(self, *events: object, done: bool = True) -> None:
        """Reply with these objects as server-sent events, then `[DONE]`."""
        lines = [f"data: {json.dumps(e, ensure_ascii=False)}\n\n" for e in events]
        if done:
            lines.append("data: [DONE]\n\n")
        self.answer("".join(lines))


@pytest.fixture
def scripted_server() -> Iterator[ScriptedServer]:
    """A scripted HTTP server on 127.0.0.1; set its answer with `answer(...)`."""
    server_ref: list[ScriptedServer] = []

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _respond(self) -> None:
            scripted = server_ref[0]
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            scripted.requests.append((self.path, dict(self.headers), body))
            reply = scripted.reply
            self.send_response(reply.status)
            self.send_header("Content-Type", reply.content_type)
            announced = len(reply.body) + (1000 if reply.cut_short else 0)
            self.send_header("Content-Length", str(announced))
            if reply.cut_short:
                self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(reply.body)
            self.wfile.flush()
            if reply.cut_short:
                self.close_connection = True

        do_GET = _respond
        do_POST = _respond

        def log_message(self, format: str, *args: object) -> None:
            return  # keep test output quiet

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    server_ref.append(ScriptedServer(url=f"http://127.0.0.1:{httpd.server_address[1]}"))
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield server_ref[0]
    finally:
        httpd.shutdown()
        httpd.server_close()
