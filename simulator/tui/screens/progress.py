"""Progress: ready for live calls or not yet, what is missing, and each dimension over time."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, cast

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from simulator.scoring.model import DIMENSIONS
from simulator.tui.bindings import localize_bindings
from simulator.tui.widgets.progress_chart import LINE_COLORS, ProgressChart

if TYPE_CHECKING:
    from simulator.progress import Progress
    from simulator.tui.app import CallsimApp


class ProgressScreen(Screen[None]):
    """The verdict over the recent calls, a chart, and each dimension's latest and average."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Back"),
        Binding("h", "app.history", "History"),
        Binding("q", "app.quit", "Quit"),
    ]

    def __init__(self, progress: Progress) -> None:
        super().__init__()
        self.progress = progress

    @property
    def callsim(self) -> CallsimApp:
        """The app, typed."""
        return cast("CallsimApp", self.app)

    def compose(self) -> ComposeResult:
        """Verdict and what is missing on top; the chart beside the table of scores."""
        yield Header()
        with VerticalScroll(id="progress-verdict"):
            yield Static(self._verdict(), id="verdict")
        with Horizontal(id="progress-body"):
            yield ProgressChart(id="progress-chart")
            yield Static(self._table(), id="progress-table")
        yield Footer()

    def on_mount(self) -> None:
        """Title, footer labels, and the chart."""
        app = self.callsim
        self.title = app.t("progress.title")
        localize_bindings(
            self,
            app.ui_lang,
            {"close": "key.back", "app.history": "key.history", "app.quit": "key.quit"},
        )
        series: dict[str, list[int]] = {d: self.progress.series(d) for d in DIMENSIONS}
        self.query_one(ProgressChart).show(series, app.t("progress.x_label"))

    def _verdict(self) -> Text:
        from simulator.progress import missing_lines, rule_line, verdict_line

        lang = self.callsim.ui_lang
        ready = self.progress.ready
        text = Text()
        text.append(verdict_line(self.progress, lang), "bold green" if ready else "bold red")
        text.append("\n" + rule_line(self.progress.rule, lang), style="dim")
        if not ready:
            text.append("\n" + self.callsim.t("progress.missing"), style="bold")
            for item in missing_lines(self.progress, lang):
                text.append(f"\n  • {item}")
        return text

    def _table(self) -> Text:
        """Each dimension's latest score and average; the coloured mark before each name is the
        chart's legend (a legend inside the chart would cover its lines)."""
        from simulator.progress import line

        app = self.callsim
        labels = {d: app.t("dimension." + d) for d in DIMENSIONS}
        latest_head = line("table.latest", app.ui_lang)
        average_head = line("table.average", app.ui_lang)
        pad = max(len(label) for label in labels.values()) + 2
        cols = (len(latest_head), len(average_head))
        text = Text()
        text.append(f"{'':{pad}} {latest_head} {average_head}\n", style="bold")
        for d in DIMENSIONS:
            latest, average = self.progress.latest(d), self.progress.average(d)
            text.append("■ ", style=f"bold {LINE_COLORS[d]}")
            text.append(labels[d].ljust(pad - 2) + " ")
            text.append(f"{'—' if latest is None else latest:>{cols[0]}} ", style="bold")
            text.append(f"{'—' if average is None else round(average):>{cols[1]}}\n")
        text.append("\n" + app.t("progress.calls", n=len(self.progress.scored)), style="dim")
        return text

    def action_close(self) -> None:
        """Back to where Progress was opened from."""
        self.dismiss()
