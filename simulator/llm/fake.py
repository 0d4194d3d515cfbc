"""A scripted backend for fast tests: replies are queued with `enqueue` and streamed back."""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Generator, Iterable

from simulator.llm.base import BackendError, GenerationRequest, PromptStyle


class FakeBackend:
    """Streams queued replies word by word; records every request it receives.

    When the queue is empty it answers with `default` (or raises if `default` is None)."""

    def __init__(
        self,
        replies: Iterable[str] = (),
        *,
        default: str | None = "...",
        prompt_style: PromptStyle = "transcript",
        token_delay: float = 0.0,
        adds_sentences: bool = True,
    ) -> None:
        self._queue: deque[str] = deque(replies)
        self._lock = threading.Lock()
        self.default = default
        self.token_delay = token_delay
        self.requests: list[GenerationRequest] = []
        self.warmed: list[GenerationRequest] = []
        self._style: PromptStyle = prompt_style
        self._adds_sentences = adds_sentences

    @property
    def name(self) -> str:
        """Shown in session records."""
        return "fake:scripted"

    @property
    def prompt_style(self) -> PromptStyle:
        """The prompt style the engine should build."""
        return self._style

    @property
    def adds_sentences(self) -> bool:
        """Whether the engine may ask for a sentence after a chosen line (as set)."""
        return self._adds_sentences

    def enqueue(self, replies: Iterable[str]) -> None:
        """Add replies to give, in order, to the next requests."""
        with self._lock:
            self._queue.extend(replies)

    def warm(self, request: GenerationRequest) -> None:
        """Record a warm-up request (the embedded backend evaluates the prompt here)."""
        with self._lock:
            self.warmed.append(request)

    def stream(self, request: GenerationRequest) -> Generator[str, None, None]:
        """Yield the next queued reply in word-sized pieces."""
        with self._lock:
            self.requests.append(request)
            if self._queue:
                reply = self._queue.popleft()
            elif self.default is not None:
                reply = self.default
            else:
                raise BackendError("fake backend: no reply queued")
        pieces = reply.split(" ")
        for i, piece in enumerate(pieces):
            if self.token_delay:
                time.sleep(self.token_delay)
            yield piece if i == 0 else " " + piece
