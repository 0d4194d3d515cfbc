"""The respondent's trust, openness and irritation as three bars, and their mood (practice mode)."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from simulator.session import RespondentState
from simulator.tui.i18n import t
from simulator.tui.widgets.bar import bar_text, level_style

BAR_WIDTH = 10


class MoodMeter(Static):
    """Three labelled bars; `show` redraws them."""

    DEFAULT_CSS = """
    MoodMeter { height: auto; padding: 0 1; }
    """

    def show(self, state: RespondentState, mood: str, lang: str) -> None:
        """Draw `state` and `mood` with labels in `lang`."""
        rows = (
            ("state.trust", state.trust, True),
            ("state.openness", state.openness, True),
            ("state.irritation", state.irritation, False),
        )
        labels = [t(key, lang).capitalize() for key, _, _ in rows]
        pad = max(len(label) for label in labels)
        text = Text()
        for label, (_, value, up_is_good) in zip(labels, rows, strict=True):
            text.append(label.ljust(pad) + " ")
            text.append_text(
                bar_text(value, BAR_WIDTH, level_style(value, higher_is_better=up_is_good))
            )
            text.append("\n")
        text.append(t("call.mood", lang, mood=t("mood." + mood, lang)), style="italic")
        self.update(text)
