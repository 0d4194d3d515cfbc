"""A horizontal bar drawn with block characters, as rich `Text` (no markup involved)."""

from __future__ import annotations

from rich.text import Text

FULL = "█"
EMPTY = "░"


def bar_text(fraction: float, width: int, style: str = "") -> Text:
    """A bar `width` cells wide, filled to `fraction` (clamped to [0, 1])."""
    fraction = min(1.0, max(0.0, fraction))
    filled = round(fraction * width)
    bar = Text(FULL * filled, style=style)
    bar.append(EMPTY * (width - filled), style="dim")
    return bar


def level_style(fraction: float, *, higher_is_better: bool = True) -> str:
    """Green, yellow or red for a level, reading `fraction` the right way round."""
    good = fraction if higher_is_better else 1.0 - fraction
    if good >= 0.66:
        return "green"
    if good >= 0.4:
        return "yellow"
    return "red"
