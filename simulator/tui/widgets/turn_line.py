"""One line of the call transcript: who spoke, what they said (literally) and, for the
volunteer, the codes of the turn."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.widgets import Static

from simulator.codes import NEGATIVE_CODES

_CONTROL_PICTURES = {c: 0x2400 + c for c in range(32) if chr(c) not in "\n\t"} | {127: 0x2421}


def literal(text: str) -> str:
    """`text` with control characters (ANSI escapes, bells, carriage returns) swapped for
    their visible Unicode pictures, so nothing a model says can drive the terminal."""
    return text.translate(_CONTROL_PICTURES)


class TurnLine(Static):
    """A transcript line. Model and volunteer text is always rendered as plain text: a reply
    holding `[bold]` or an ANSI escape shows those characters and never styles anything."""

    DEFAULT_CSS = """
    TurnLine { height: auto; margin: 0 0 1 0; }
    TurnLine.-volunteer { padding-left: 4; }
    TurnLine.-notice { text-style: italic; color: $warning; text-align: center; }
    """

    def __init__(
        self, speaker: str, text: str, *, kind: str, codes: Sequence[tuple[str, str]] | None = None
    ) -> None:
        super().__init__(classes=f"-{kind}")
        self.speaker = speaker
        self.kind = kind
        self.text = text
        self.code_labels = list(codes) if codes is not None else None
        self._render_line()

    def _render_line(self) -> None:
        line = Text()
        if self.speaker:
            style = "bold cyan" if self.kind == "volunteer" else "bold magenta"
            line.append(f"{self.speaker}: ", style=style)
        line.append(literal(self.text))
        if self.code_labels is not None:
            line.append("\n")
            line.append_text(codes_text(self.code_labels))
        self.update(line)

    def set_text(self, text: str) -> None:
        """Replace the spoken text (used while a reply streams in)."""
        self.text = text
        self._render_line()


def codes_text(labels: Sequence[tuple[str, str]]) -> Text:
    """`(code, label)` pairs as bracketed tags: encouraged codes green, warned-against red."""
    text = Text()
    for i, item in enumerate(labels):
        code, label = item
        if i:
            text.append(" ")
        text.append(f"‹{label}›", style="bold red" if code in NEGATIVE_CODES else "dim green")
    return text
