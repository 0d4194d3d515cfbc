"""The protocol every backend implements, and the request it receives."""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass, field
from typing import Literal, Protocol

PromptStyle = Literal["transcript", "chat"]
"""transcript: a call transcript continued by a completion call (base models).
chat: a system message and turns through the model's chat template (instruct models)."""


@dataclass(frozen=True)
class ChatMessage:
    """One message of a chat-style prompt."""

    role: Literal["system", "user", "assistant"]
    content: str


@dataclass(frozen=True)
class GenerationRequest:
    """What to generate. `prompt` is set for the transcript style, `messages` for chat."""

    prompt: str | None = None
    messages: tuple[ChatMessage, ...] | None = None
    max_tokens: int = 60
    temperature: float = 0.8
    top_p: float = 0.95
    stop: tuple[str, ...] = ()
    seed: int | None = None
    extra: dict[str, object] = field(default_factory=dict)


class BackendError(Exception):
    """A backend could not generate: model file missing, server down, timeout, bad stream.

    The message is one line a volunteer can act on."""


class Backend(Protocol):
    """A source of respondent replies."""

    @property
    def name(self) -> str:
        """Backend and model, e.g. `embedded:gemma-3-270m-q4_k_m`; stored in session records."""
        ...

    @property
    def prompt_style(self) -> PromptStyle:
        """Which prompt the engine must build for this backend."""
        ...

    @property
    def adds_sentences(self) -> bool:
        """Whether the model may add a sentence of its own after the engine's chosen line
        (transcript style). False for the bundled Gemma 3 270M: read in held-out calls, 5 of 34
        sentences it added were believable, and no automatic check told them apart."""
        ...

    def stream(self, request: GenerationRequest) -> Generator[str, None, None]:
        """Yield the reply's text piece by piece as the model produces it.

        Closing the iterator early stops generation. Raises `BackendError` on failure."""
        ...
