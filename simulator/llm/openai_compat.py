"""A backend that streams from any OpenAI-compatible HTTP server (llama.cpp server, Ollama,
vLLM, LM Studio, a hosted API).

Transcript-style prompts go to `/v1/completions`, chat-style ones to `/v1/chat/completions`;
both are read as server-sent events. Every failure becomes a one-line `BackendError`, and
every wait is bounded: the connect timeout, the gap allowed between two pieces of the
stream, and a ceiling on the whole reply.
"""

from __future__ import annotations

import html
import json
import os
import re
import time
from collections.abc import Generator, Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit

import httpx

from simulator.llm.base import BackendError, GenerationRequest, PromptStyle
from simulator.safe_text import printable

API_KEY_VARIABLES = ("CALLSIM_API_KEY", "OPENAI_API_KEY")
_ERROR_BODY_LIMIT = 200
_ERROR_WORDS = 12
"""Words of a server's error page quoted in the one-line error."""
_HIDDEN_HTML = re.compile(r"<(script|style|head)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_TITLE = re.compile(r"<title\b[^>]*>(.*?)</title\s*>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]*>|<!--.*?-->", re.DOTALL)


def normalise_base_url(base_url: str) -> str:
    """The API root ending in `/v1`, from a URL given with or without `/v1`.

    Raises `BackendError` when the URL is not an http(s) URL with a host."""
    raw = base_url.strip()
    parts = urlsplit(raw)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise BackendError(
            f"base URL {raw!r} is not an http(s) URL; expected e.g. http://127.0.0.1:8080/v1"
        )
    root = raw.rstrip("/")
    return root if root.endswith("/v1") else root + "/v1"


MAX_LINE_BYTES = 1_000_000
"""Longer stream lines than this are refused (a sane event is a few hundred bytes)."""


class OpenAIBackend:
    """Streams replies from an OpenAI-compatible server.

    `read_timeout` is the longest silence allowed between two pieces of a reply;
    `total_timeout` caps a whole reply however the server trickles it."""

    def __init__(
        self,
        base_url: str,
        prompt_style: PromptStyle = "chat",
        model: str | None = None,
        api_key: str | None = None,
        connect_timeout: float = 5.0,
        read_timeout: float = 60.0,
        total_timeout: float = 300.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        if prompt_style not in ("chat", "transcript"):
            raise BackendError(f"prompt style {prompt_style!r} is not one of: chat, transcript")
        self.base_url = normalise_base_url(base_url)
        self.model = model
        self.connect_timeout = connect_timeout
        self.read_timeout = read_timeout
        self.total_timeout = total_timeout
        self._style: PromptStyle = prompt_style
        key = api_key or next((os.environ[v] for v in API_KEY_VARIABLES if os.environ.get(v)), None)
        headers = {"Accept": "text/event-stream, application/json"}
        if key:
            headers["Authorization"] = f"Bearer {key}"
        self._client = httpx.Client(
            headers=headers,
            timeout=httpx.Timeout(read_timeout, connect=connect_timeout),
            transport=transport,
            trust_env=False,
        )

    @property
    def name(self) -> str:
        """`openai:<model>` when a model is named, else `openai:<host:port>`."""
        return f"openai:{self.model or urlsplit(self.base_url).netloc}"

    @property
    def prompt_style(self) -> PromptStyle:
        """The prompt style chosen in the settings (the server cannot tell us)."""
        return self._style

    @property
    def adds_sentences(self) -> bool:
        """A server the user chose may add a sentence of its own to a chosen line."""
        return True

    def close(self) -> None:
        """Release the HTTP connections."""
        self._client.close()

    def check(self) -> str:
        """Ask the server which model it serves (`GET /v1/models`), for the Settings screen.

        Returns the configured model, else the first model the server lists.
        Raises `BackendError` with a one-line reason when the server cannot be used."""
        url = f"{self.base_url}/models"
        timeout = httpx.Timeout(min(self.read_timeout, 10.0), connect=self.connect_timeout)
        with self._translate_errors(url):
            response = self._client.get(url, timeout=timeout)
            if response.status_code >= 400:
                raise BackendError(_http_error(url, response.status_code, response.text))
        try:
            models = response.json()["data"]
            first = models[0]["id"]
        except (ValueError, KeyError, IndexError, TypeError):
            raise BackendError(
                f"server at {self.base_url} did not list any model at {url}"
            ) from None
        if self.model and self.model not in {m.get("id") for m in models if isinstance(m, dict)}:
            raise BackendError(
                f"server at {self.base_url} does not serve model {self.model!r}; "
                f"it serves {first!r}"
            )
        return self.model or str(first)

    def stream(self, request: GenerationRequest) -> Generator[str, None, None]:
        """Yield the reply's text as the server streams it; closing the iterator drops the
        connection. Raises `BackendError` on any failure."""
        url, body = self._endpoint_and_body(request)
        deadline = time.monotonic() + self.total_timeout
        with self._translate_errors(url):
            with self._client.stream("POST", url, json=body) as response:
                if response.status_code >= 400:
                    response.read()
                    raise BackendError(_http_error(url, response.status_code, response.text))
                content_type = response.headers.get("content-type", "")
                if "text/event-stream" not in content_type:
                    response.read()
                    text = _text_of(_parse_json(response.text, url), self._style, url)
                    if text:
                        yield text
                    return
                yield from self._read_events(response, url, deadline)

    def _endpoint_and_body(self, request: GenerationRequest) -> tuple[str, dict[str, Any]]:
        body: dict[str, Any] = {
            "stream": True,
            "max_tokens": request.max_tokens,
            "temperature": request.temperature,
            "top_p": request.top_p,
        }
        if request.stop:
            body["stop"] = list(request.stop)
        if request.seed is not None:
            body["seed"] = request.seed
        if self.model:
            body["model"] = self.model
        body.update(request.extra)
        if self._style == "chat":
            if not request.messages:
                raise BackendError("chat prompt style needs messages, but the request has none")
            body["messages"] = [{"role": m.role, "content": m.content} for m in request.messages]
            return f"{self.base_url}/chat/completions", body
        if request.prompt is None:
            raise BackendError("transcript prompt style needs a prompt, but the request has none")
        body["prompt"] = request.prompt
        return f"{self.base_url}/completions", body

    def _read_events(self, response: httpx.Response, url: str, deadline: float) -> Iterator[str]:
        saw_data = False
        for line in self._lines(response, deadline):
            if not line.startswith("data:"):
                continue  # blank separators, comments (":"), event names, retry hints
            payload = line[5:].strip()
            if payload == "[DONE]":
                return
            saw_data = True
            text = _text_of(_parse_json(payload, url), self._style, url)
            if text:
                yield text
        if not saw_data:
            raise BackendError(f"server at {url} ended the stream without sending a reply")

    def _lines(self, response: httpx.Response, deadline: float) -> Iterator[str]:
        """The stream's lines, checking the deadline on every chunk received (a server that
        trickles bytes without ever ending a line cannot hold the call) and capping line
        length."""
        buffer = b""
        for chunk in response.iter_bytes():
            if time.monotonic() > deadline:
                raise BackendError(
                    f"server at {self.base_url} took over {self.total_timeout:g} s for one reply"
                )
            buffer += chunk
            *lines, buffer = buffer.split(b"\n")
            for raw in lines:
                yield raw.rstrip(b"\r").decode("utf-8", errors="replace")
            if len(buffer) > MAX_LINE_BYTES:
                raise BackendError(
                    f"server at {self.base_url} sent a stream line over {MAX_LINE_BYTES} bytes"
                )
        if buffer:
            yield buffer.rstrip(b"\r").decode("utf-8", errors="replace")

    @contextmanager
    def _translate_errors(self, url: str) -> Iterator[None]:
        """Turn httpx exceptions raised inside the block into one-line `BackendError`s."""
        try:
            yield
        except httpx.HTTPError as exc:
            raise BackendError(self._describe(exc, url)) from None

    def _describe(self, exc: httpx.HTTPError, url: str) -> str:
        base = self.base_url
        if isinstance(exc, httpx.ConnectTimeout):
            return (
                f"server at {base} did not accept the connection within {self.connect_timeout:g} s"
            )
        if isinstance(exc, httpx.ConnectError):
            return f"no server answers at {base} — is it running?"
        if isinstance(exc, httpx.ReadTimeout):
            return f"server at {base} sent nothing for {self.read_timeout:g} s; gave up"
        if isinstance(exc, httpx.TimeoutException):
            return f"request to {url} timed out"
        if isinstance(exc, httpx.RemoteProtocolError):
            return f"server at {base} broke off the reply ({_one_line(str(exc))})"
        return f"request to {url} failed: {_one_line(str(exc)) or type(exc).__name__}"


def _parse_json(text: str, url: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        raise BackendError(
            f"server at {url} sent data that is not JSON: {_one_line(text)[:80]!r}"
        ) from None


def _text_of(event: Any, style: PromptStyle, url: str) -> str:
    """The text carried by one streamed event (or one whole JSON reply)."""
    if isinstance(event, dict) and "error" in event:
        raise BackendError(f"server at {url} reported an error: {_error_message(event)}")
    try:
        choices = event["choices"]
    except (KeyError, TypeError):
        raise BackendError(f"server at {url} sent an event without choices") from None
    if not isinstance(choices, list):
        raise BackendError(f"server at {url} sent an event without choices")
    if not choices:
        return ""  # e.g. a final usage-only event
    choice = choices[0]
    if not isinstance(choice, dict):
        raise BackendError(f"server at {url} sent a malformed choice: {_one_line(str(choice))}")
    if style == "chat":
        part = choice.get("delta") or choice.get("message") or {}
        content = part.get("content") if isinstance(part, dict) else None
    else:
        content = choice.get("text")
    if content is not None and not isinstance(content, str):
        raise BackendError(f"server at {url} sent non-text content: {_one_line(str(content))}")
    return content or ""


def _error_message(payload: Any) -> str:
    if isinstance(payload, dict):
        error = payload.get("error", payload.get("detail", payload.get("message")))
        if isinstance(error, dict):
            error = error.get("message", error)
        if error is not None:
            return _one_line(str(error))[:_ERROR_BODY_LIMIT]
    return _one_line(str(payload))[:_ERROR_BODY_LIMIT]


def _http_error(url: str, status: int, body: str) -> str:
    try:
        message = _error_message(json.loads(body))
    except (ValueError, RecursionError):
        message = _first_words(body)
    hint = " (check CALLSIM_API_KEY)" if status in (401, 403) else ""
    return f"server at {url} answered HTTP {status}: {message or 'no message'}{hint}"


def _first_words(body: str) -> str:
    """The gist of an error page: its text (an HTML page's title, else its words without
    the tags), the first `_ERROR_WORDS` words of it."""
    text = body[:100_000]
    if "<" in text:
        title = _TITLE.search(text)
        text = title.group(1) if title and title.group(1).strip() else text
        text = html.unescape(_TAG.sub(" ", _HIDDEN_HTML.sub(" ", text)))
    words = _one_line(text).split(" ")
    shown = " ".join(words[:_ERROR_WORDS])
    return shown + ("…" if len(words) > _ERROR_WORDS else "")


def _one_line(text: str) -> str:
    """`text` on one line, terminal-safe (a server's words are untrusted)."""
    return printable(" ".join(text.split()))
