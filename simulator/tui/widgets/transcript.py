"""The call transcript: an anchored scroll of turn lines that follows the newest line until
the volunteer scrolls up."""

from __future__ import annotations

from collections.abc import Sequence

from textual.containers import VerticalScroll

from simulator.tui.widgets.turn_line import TurnLine


class Transcript(VerticalScroll):
    """Turn lines in order. A streaming reply is one line updated in place."""

    DEFAULT_CSS = """
    Transcript { height: 1fr; padding: 0 1; }
    """

    def on_mount(self) -> None:
        """Stay scrolled to the newest line."""
        self.anchor()

    def add_turn(
        self,
        speaker: str,
        text: str,
        *,
        kind: str,
        codes: Sequence[tuple[str, str]] | None = None,
    ) -> TurnLine:
        """Append a line; `kind` is respondent, volunteer or notice."""
        line = TurnLine(speaker, text, kind=kind, codes=codes)
        self.mount(line)
        return line

    def lines(self) -> list[TurnLine]:
        """The lines shown, oldest first."""
        return list(self.query(TurnLine))

    def remove_from(self, index: int) -> None:
        """Remove the line at `index` and every later one."""
        for line in self.lines()[index:]:
            line.remove()
