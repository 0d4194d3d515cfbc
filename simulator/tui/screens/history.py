"""History: every saved session, newest first; Enter opens one read-only."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, cast

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from simulator.tui.bindings import localize_bindings
from simulator.tui.screens.scorecard import READINESS_STYLE

if TYPE_CHECKING:
    from simulator.persona import Persona
    from simulator.tui.app import CallsimApp

COLUMNS = ("date", "call", "score", "readiness", "ended")
"""Date over time; the respondent over the call's language and mode; score; readiness; who
ended it. Two-line rows keep every column on screen at 80 columns, with nothing cut."""
OTHER_COLUMNS_WIDTH = 50
"""What the columns beside the call column take, with cell padding and the scrollbar."""


class HistoryScreen(Screen[None]):
    """A table of the saved sessions."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Back"),
        Binding("p", "app.progress", "Progress"),
        Binding("q", "app.quit", "Quit"),
    ]

    def __init__(self, personas: dict[str, Persona]) -> None:
        super().__init__()
        self.personas = personas
        """Known personas by id, for the respondents' names."""

    @property
    def callsim(self) -> CallsimApp:
        """The app, typed."""
        return cast("CallsimApp", self.app)

    def compose(self) -> ComposeResult:
        """Heading, table (or a line saying there is nothing yet), footer."""
        yield Header()
        yield Static(id="history-empty", classes="hint")
        yield DataTable(id="history", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        """Fill the table from the history database."""
        app = self.callsim
        self.title = app.t("history.title")
        localize_bindings(
            self,
            app.ui_lang,
            {"close": "key.back", "app.progress": "key.progress", "app.quit": "key.quit"},
        )
        table = self.query_one(DataTable)
        # The call column takes what the others leave; its text wraps between words.
        call_width = max(20, min(40, self.app.size.width - OTHER_COLUMNS_WIDTH))
        for column in COLUMNS:
            width = call_width if column == "call" else None
            table.add_column(app.t("history.col." + column), key=column, width=width)
        rows = app.store.list_sessions()
        for row in rows:
            persona = self.personas.get(row.persona)
            name = persona.name.get(app.ui_lang) if persona else row.persona
            readiness = (
                Text(app.t("history.readiness." + row.readiness), READINESS_STYLE[row.readiness])
                if row.readiness in READINESS_STYLE
                else Text("")
            )
            call = Text(name, style="bold")
            call.append(f"\n{app.t('lang.' + row.lang)} · {app.t('mode.' + row.mode)}", "dim")
            table.add_row(
                Text(row.started_at[:16].replace("T", "\n")),
                call,
                Text("" if row.overall is None else str(row.overall), justify="right"),
                readiness,
                app.t("history.ended." + (row.ended_by or "none")),
                key=row.id,
                height=None,
            )
        empty = self.query_one("#history-empty", Static)
        empty.update(app.t("history.empty") if not rows else app.t("history.hint"))
        table.focus()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        """Enter on a row opens that session read-only."""
        if event.row_key.value is not None:
            self.callsim.open_session(event.row_key.value, self.personas)

    def action_close(self) -> None:
        """Back to Home."""
        self.dismiss()
