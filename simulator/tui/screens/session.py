"""A saved session, read-only: its scorecard beside its transcript (stacked when the terminal
is narrower than 100 columns). Opened from History and by `callsim review FILE`.

The scorecard sections are the Scorecard screen's own, so a reviewed call reads exactly as it
did when it ended."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, cast

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Footer, Header, Static

from simulator.tui.bindings import localize_bindings
from simulator.tui.screens.scorecard import ScorecardScreen

if TYPE_CHECKING:
    from simulator.persona import Persona
    from simulator.persona import Text as PersonaText
    from simulator.session import SessionRecord

NARROW_BELOW = 100
"""Terminal width under which the scorecard and the transcript are stacked, not side by side."""


@dataclass(frozen=True)
class Respondent:
    """Stands in for the persona where only its name is shown: the persona of a reviewed
    session may be unknown on this machine."""

    name: PersonaText
    gender: str | None = None
    """`female` or `male` (Russian words agree with it); None when the persona is unknown."""


def respondent(persona_id: str, persona: Persona | None) -> Respondent:
    """The respondent's name and gender from `persona`, or the bare id when it is unknown."""
    from simulator.persona import Text as PersonaText

    if persona is None:
        return Respondent(PersonaText(ru=persona_id, en=persona_id))
    return Respondent(persona.name, persona.gender)


def with_scorecard(record: SessionRecord) -> SessionRecord:
    """`record` with a scorecard: its own, or one scored now (unfinished or unscored calls)."""
    if record.scorecard is not None:
        return record
    from simulator.scoring.scorecard import score_session

    return record.model_copy(update={"scorecard": score_session(record)})


class SessionScreen(ScorecardScreen, inherit_bindings=False):
    """One saved session, read-only. With `standalone` (callsim review) Esc quits the app."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Back"),
        Binding("q", "app.quit", "Quit"),
    ]

    def __init__(self, record: SessionRecord, who: Respondent, *, standalone: bool = False) -> None:
        super().__init__(cast("Persona", who), with_scorecard(record))
        self.standalone = standalone

    def compose(self) -> ComposeResult:
        """The scorecard on the left (or on top), the transcript on the right (or below)."""
        yield Header()
        with Horizontal(id="review-body"):
            with VerticalScroll(id="review-card"):
                yield from self.card_sections()
            with VerticalScroll(id="review-transcript"):
                yield from self.transcript_section()
        yield Footer()

    def on_mount(self, event: events.Mount | None = None) -> None:
        """Title, footer labels and layout for the terminal's width (instead of the Scorecard
        screen's own mount handler, which Textual would otherwise run as well)."""
        if event is not None:
            event.prevent_default()
        app, record = self.callsim, self.record
        # Name and date only: the header must fit 80 columns whole. Mode, language and how the
        # call ended close the transcript (below).
        self.title = app.t("review.title", name=self.persona.name.get(app.ui_lang))
        self.sub_title = _date(record.started_at)
        localize_bindings(self, app.ui_lang, {"close": "key.back", "app.quit": "key.quit"})
        # `callsim review` opens here without Home, which otherwise relabels the app's keys.
        localize_bindings(app, app.ui_lang, {"help": "key.help", "quit": "key.quit"})
        self._fit(self.app.size.width)
        self.query_one("#review-card").focus()

    def transcript_section(self) -> ComposeResult:
        """The transcript, closed by how the call ended."""
        yield from super().transcript_section()
        app, record = self.callsim, self.record
        ended = app.t("review.ended." + (record.ended_by or "none"))
        mode, lang = app.t("mode." + record.mode), app.t("lang." + record.lang)
        yield Static(f"— {mode} · {lang} · {ended} —", id="review-ended", classes="hint")

    def on_resize(self, event: events.Resize) -> None:
        """Stack the panes in a narrow terminal."""
        self._fit(event.size.width)

    def _fit(self, width: int) -> None:
        self.query_one("#review-body").set_class(width < NARROW_BELOW, "-narrow")

    def action_close(self) -> None:
        """Back to where the session was opened from (quit when reviewing a file)."""
        if self.standalone:
            self.app.exit()
        else:
            self.dismiss()


def _date(started_at: str) -> str:
    return started_at[:16].replace("T", " ")
