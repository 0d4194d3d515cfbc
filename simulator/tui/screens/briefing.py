"""Briefing: what the volunteer knows before dialling, and the call guide as a checklist."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, cast

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from simulator.tui.bindings import localize_bindings

if TYPE_CHECKING:
    from simulator.persona import Persona
    from simulator.tui.app import CallsimApp


class BriefingScreen(Screen[None]):
    """Who the respondent is, the call context, and the guide; Enter dials."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter,d", "dial", "Dial", priority=True),
        Binding("escape", "back", "Back"),
    ]

    def __init__(self, persona: Persona) -> None:
        super().__init__()
        self.persona = persona

    @property
    def callsim(self) -> CallsimApp:
        """The app, typed."""
        return cast("CallsimApp", self.app)

    def compose(self) -> ComposeResult:
        """Who, what you know, the guide."""
        app, p = self.callsim, self.persona
        lang = app.ui_lang
        # Not the persona's name: a caller dialling a random number does not know it.
        who = Text(
            app.t(
                "briefing.who",
                who=app.t("briefing.who." + (p.gender or "unknown")),
                age=_age(p.age, app.t_list("briefing.years")),
                place=p.place.get(lang),
                difficulty=app.t("difficulty." + p.difficulty),
            ),
            style="bold",
        )
        context = Text(p.call_context.get(lang))
        # A grid, so an item that wraps continues under its own text, not under the box.
        guide = Table.grid(padding=(0, 1))
        guide.add_column(width=3, justify="right", style="green")
        guide.add_column()
        for item in app.t_list("guide"):
            guide.add_row("☐", Text(item))
        yield Header()
        with VerticalScroll(id="briefing"):
            yield Static(app.t("briefing.before"), classes="section-title")
            yield Static(who)
            yield Static(Text(p.description.get(lang), style="dim"))
            yield Static(app.t("briefing.context"), classes="section-title")
            yield Static(context)
            yield Static(app.t("briefing.guide"), classes="section-title")
            yield Static(guide, id="guide")
            yield Static(
                app.t(
                    "briefing.language",
                    call_lang=app.t("lang." + app.settings.call_lang),
                    mode=app.t("mode." + app.settings.mode),
                ),
                classes="hint",
            )
        yield Footer()

    def on_mount(self) -> None:
        """Footer labels in the interface language."""
        localize_bindings(self, self.callsim.ui_lang, {"dial": "key.dial", "back": "key.back"})

    def action_dial(self) -> None:
        """Start the call."""
        self.callsim.start_call(self.persona)

    def action_back(self) -> None:
        """Back to the respondents."""
        self.app.pop_screen()


def _age(age: int, years: list[str]) -> str:
    """`age` with the word for years in the right Russian form (1 год, 2 года, 5 лет); the
    English list is empty words."""
    from simulator.progress import plural_form

    form = plural_form(age, "ru")
    word = years[{"one": 0, "few": 1}.get(form, 2)]
    return f"{age} {word}".strip()
