"""Messages that thread workers post to the screens; handlers on the main thread own the widgets."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from simulator.config import Settings
    from simulator.engine.events import ReplyEvent
    from simulator.llm.base import Backend
    from simulator.persona_loader import PersonaEntry


@dataclass
class PersonasLoaded(Message):
    """The persona files were read (valid and invalid alike)."""

    entries: list[PersonaEntry]


@dataclass
class BackendReady(Message):
    """The model is loaded (or the server is reachable) and a call can start."""

    backend: Backend


@dataclass
class BackendFailed(Message):
    """The backend could not be built; `error` is one line the volunteer can act on."""

    error: str


@dataclass
class ReplyProgress(Message):
    """One event of the respondent's reply, as `Call.reply()` yielded it."""

    event: ReplyEvent


@dataclass
class ReplyFailed(Message):
    """The backend failed mid-reply; the volunteer's turn still waits for an answer."""

    error: str


@dataclass
class SettingsChecked(Message):
    """The Settings screen's check of the backend finished; `error` is None when it passed."""

    error: str | None
    detail: str = ""
    settings: Settings | None = None
    """The settings that passed the check."""
