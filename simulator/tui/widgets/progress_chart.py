"""Each dimension's score call after call, as a terminal line chart (textual-plotext)."""

from __future__ import annotations

from collections.abc import Mapping

from textual_plotext import PlotextPlot

LINE_COLORS = {
    "empathy": "#e0457b",
    "human_life": "#3fb8d0",
    "listening": "#7b8cff",
    "respect": "#8fd14f",
    "safety": "#f5a623",
}
"""Each dimension's line colour (as Rich writes it; the chart gets the same RGB); the Progress
table shows the same colour beside each name as the legend. Five hues far apart, so no two
lines read alike."""


def _rgb(hex_color: str) -> tuple[int, int, int]:
    value = int(hex_color.lstrip("#"), 16)
    return (value >> 16) & 255, (value >> 8) & 255, value & 255


class ProgressChart(PlotextPlot):
    """Lines of scores 0-100, one per dimension, over the calls in order (1 = the oldest)."""

    DEFAULT_CSS = """
    ProgressChart { height: 1fr; min-height: 8; }
    """

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002 (Textual's name)
        super().__init__(id=id)
        self.series: dict[str, list[int]] = {}

    def show(self, series: Mapping[str, list[int]], x_label: str) -> None:
        """Draw `series` (dimension -> scores, oldest first) with `x_label` under the axis. No
        legend inside the plot: it would hide lines; the table beside the chart is the legend."""
        self.series = dict(series)
        plt = self.plt
        plt.clear_data()
        plt.clear_figure()
        longest = max((len(v) for v in series.values()), default=0)
        for dimension, values in series.items():
            if values:
                color = _rgb(LINE_COLORS.get(dimension, "#ffffff"))
                plt.plot(list(range(1, len(values) + 1)), values, marker="braille", color=color)
        plt.ylim(0, 100)
        plt.yticks([0, 50, 100])
        if longest:
            plt.xlim(1, max(longest, 2))
            if longest <= 12:
                plt.xticks(list(range(1, longest + 1)))
        plt.xlabel(x_label)
        self.refresh()
