"""What `Call.reply()` yields while the respondent answers; the app and `play` consume it."""

from __future__ import annotations

from dataclasses import dataclass

from simulator.session import EndedBy, Turn


@dataclass(frozen=True)
class ReplyStarted:
    """The model started an attempt at the respondent's line (1 = first try)."""

    attempt: int


@dataclass(frozen=True)
class ReplyToken:
    """A cleaned piece of the respondent's line, to show as it arrives."""

    text: str


@dataclass(frozen=True)
class ReplyDiscarded:
    """The reply check refused the attempt streamed so far; clear it from the screen."""

    reason: str


@dataclass(frozen=True)
class ReplyDone:
    """The respondent's line as stored (text, state, mood, how it was produced)."""

    turn: Turn


@dataclass(frozen=True)
class CallEnded:
    """The call is over."""

    ended_by: EndedBy


ReplyEvent = ReplyStarted | ReplyToken | ReplyDiscarded | ReplyDone | CallEnded
