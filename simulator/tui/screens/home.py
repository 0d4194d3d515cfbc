"""Home: pick a respondent, the call language, the interface language and the mode."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, cast

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Footer, Header, OptionList, Static

from simulator.tui.bindings import localize_bindings
from simulator.tui.messages import PersonasLoaded
from simulator.tui.widgets.persona_list import PersonaList

if TYPE_CHECKING:
    from simulator.persona_loader import PersonaEntry
    from simulator.tui.app import CallsimApp


LABELS = {
    "choose": "key.choose",
    "toggle_call_lang": "key.call_lang",
    "toggle_ui_lang": "key.ui_lang",
    "toggle_mode": "key.mode",
    "app.settings": "key.settings",
    "app.history": "key.history",
    "app.progress": "key.progress",
    "app.quit": "key.quit",
}


class HomeScreen(Screen[None]):
    """The list of respondents and the call options."""

    BINDINGS: ClassVar[list[BindingType]] = [
        # The list handles Enter itself; this binding puts it in the footer.
        Binding("enter", "choose", "Choose", key_display="Enter"),
        # l, i and m are shown with their values on the options line above the footer.
        Binding("l", "toggle_call_lang", "Call language", show=False),
        Binding("i", "toggle_ui_lang", "Interface", show=False),
        Binding("m", "toggle_mode", "Mode", show=False),
        Binding("s", "app.settings", "Settings"),
        Binding("h", "app.history", "History"),
        Binding("p", "app.progress", "Progress"),
        Binding("q", "app.quit", "Quit"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.entries: list[PersonaEntry] | None = None

    @property
    def callsim(self) -> CallsimApp:
        """The app, typed."""
        return cast("CallsimApp", self.app)

    def compose(self) -> ComposeResult:
        """Heading, persona list, options line, footer."""
        yield Header()
        yield Static(self.callsim.t("home.heading"), id="home-heading")
        yield PersonaList(id="personas")
        yield Static(id="home-options")
        yield Static(id="home-mode-help")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        """Paint at once; the persona files are read in a worker once the screen is up (the
        worker imports pydantic, which would otherwise compete with the first paint)."""
        self._relabel()
        self.query_one(PersonaList).loading = True
        self.call_after_refresh(self._load_personas)

    @work(thread=True, exclusive=True, exit_on_error=False, group="personas")
    def _load_personas(self) -> None:
        from simulator.persona_loader import load_personas

        self.post_message(PersonasLoaded(load_personas(self.callsim.persona_dirs)))

    def on_personas_loaded(self, message: PersonasLoaded) -> None:
        """Show the personas read."""
        self.entries = message.entries
        plist = self.query_one(PersonaList)
        plist.loading = False
        self._show_entries()
        plist.focus()

    def _show_entries(self) -> None:
        plist = self.query_one(PersonaList)
        if not self.entries:
            dirs = ", ".join(str(d) for d in self.callsim.persona_dirs)
            plist.clear_options()
            plist.add_option(self.callsim.t("home.none", dirs=dirs))
            return
        plist.show_entries(self.entries, self.callsim.ui_lang)

    def _relabel(self) -> None:
        """Write every label in the interface language."""
        app, settings = self.callsim, self.callsim.settings
        app.title = app.t("app.title")
        self.query_one("#home-heading", Static).update(app.t("home.heading"))
        self.query_one("#home-options", Static).update(
            app.t(
                "home.options",
                call_lang=app.t("lang." + settings.call_lang),
                ui_lang=app.t("lang." + app.ui_lang),
                mode=app.t("mode." + settings.mode),
            )
        )
        self.query_one("#home-mode-help", Static).update(app.t("home.mode_help." + settings.mode))
        localize_bindings(self, app.ui_lang, LABELS)
        localize_bindings(app, app.ui_lang, {"help": "key.help", "quit": "key.quit"})

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """Enter on a persona opens its briefing."""
        entry = next((e for e in self.entries or [] if e.id == event.option.id), None)
        if entry is not None and entry.persona is not None:
            self.callsim.open_briefing(entry.persona)

    def action_choose(self) -> None:
        """Open the briefing of the highlighted respondent."""
        plist = self.query_one(PersonaList)
        option = plist.highlighted_option
        entry = next((e for e in self.entries or [] if option and e.id == option.id), None)
        if entry is not None and entry.persona is not None:
            self.callsim.open_briefing(entry.persona)

    def action_toggle_call_lang(self) -> None:
        """Switch the call between Russian and English."""
        self.callsim.remember(call_lang="en" if self.callsim.settings.call_lang == "ru" else "ru")
        self._relabel()

    def action_toggle_ui_lang(self) -> None:
        """Switch the interface between English and Russian."""
        self.callsim.remember(ui_lang="ru" if self.callsim.ui_lang == "en" else "en")
        self._relabel()
        if self.entries is not None:
            self._show_entries()

    def action_toggle_mode(self) -> None:
        """Switch between practice and assessment."""
        mode = "assessment" if self.callsim.settings.mode == "practice" else "practice"
        self.callsim.remember(mode=mode)
        self._relabel()

    def on_screen_resume(self) -> None:
        """Labels may have changed while another screen was on top (e.g. after Settings)."""
        self._relabel()
