"""The callsim app: composes the screens and routes between them.

Home (pick a respondent) -> Briefing -> Call -> Scorecard, with Settings and Help on top;
History (h) and Progress (p) from Home; a saved session opens read-only from History or
straight from `callsim review FILE`.
The model is never loaded before the first screen is painted: the backend is built in a
worker when the first call starts, and reused for later calls.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import App
from textual.binding import Binding, BindingType

from simulator.codes import Lang
from simulator.config import Settings, data_dir, persona_dirs
from simulator.errors import UserError
from simulator.safe_text import printable
from simulator.tui.i18n import t, t_list

if TYPE_CHECKING:
    from textual.screen import Screen

    from simulator.llm.base import Backend
    from simulator.persona import Persona
    from simulator.store import Store

BackendFactory = Callable[[Settings], "Backend"]
"""Builds the backend from the settings; may block (loading a model) and raise."""


def _default_backend_factory(settings: Settings) -> Backend:
    from simulator.llm.factory import make_backend

    return make_backend(settings)


class CallsimApp(App[None]):
    """The app. Tests pass `backend_factory` to inject a scripted backend."""

    CSS_PATH = "app.tcss"
    ENABLE_COMMAND_PALETTE = False
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("question_mark,f1", "help", "Help", key_display="?"),
        Binding("ctrl+q", "quit", "Quit", priority=True, show=False),
    ]

    def __init__(
        self,
        settings: Settings,
        data_dir: Path,
        persona_dirs: list[Path],
        backend_factory: BackendFactory | None = None,
        *,
        seed: int | None = None,
        first_screen: Screen[Any] | None = None,
    ) -> None:
        super().__init__()
        self.settings = settings
        self.data_dir = Path(data_dir)
        self.persona_dirs = [Path(p) for p in persona_dirs]
        self.backend_factory: BackendFactory = backend_factory or _default_backend_factory
        self.seed = seed
        """Seed for every call (tests and snapshots); None draws one per call."""
        self.backend: Backend | None = None
        """The backend, built when the first call starts and kept for later calls."""
        self._store: Store | None = None
        self.first_screen = first_screen
        """The screen to open on instead of Home (`callsim review` opens a session)."""

    # -- shared state ----------------------------------------------------------------------

    @property
    def ui_lang(self) -> Lang:
        """The interface language."""
        return "ru" if self.settings.ui_lang == "ru" else "en"

    @property
    def call_lang(self) -> Lang:
        """The language the respondent speaks."""
        return "en" if self.settings.call_lang == "en" else "ru"

    def t(self, key: str, **values: object) -> str:
        """An interface string in the interface language."""
        return t(key, self.ui_lang, **values)

    def t_list(self, key: str) -> list[str]:
        """A list of interface strings (the call guide, the help) in the interface language."""
        return t_list(key, self.ui_lang)

    @property
    def store(self) -> Store:
        """The history database, opened on first use."""
        if self._store is None:
            from simulator.store import Store

            self._store = Store.open(self.data_dir)
        return self._store

    def remember(self, **changes: Any) -> None:
        """Change settings and save them for the next run.

        Only the changed fields are written over the saved file, so command-line flags in
        effect now are not saved as if the volunteer had chosen them."""
        for name, value in changes.items():
            setattr(self.settings, name, value)
        saved = Settings.load(self.data_dir)
        for name, value in changes.items():
            setattr(saved, name, value)
        try:
            saved.save(self.data_dir)
        except OSError as exc:
            self.notify(str(exc), severity="error")

    def forget_backend(self) -> None:
        """Drop the built backend so the next call builds one from the new settings."""
        close = getattr(self.backend, "close", None)
        if close is not None:
            close()
        self.backend = None

    # -- routing ---------------------------------------------------------------------------

    def get_default_screen(self) -> Screen[Any]:
        """Open on the Home screen (or the screen `first_screen` names), composed as the base
        screen, so the first frame painted is already the real one."""
        from simulator.tui.screens.home import HomeScreen

        self.title = self.t("app.title")
        return self.first_screen or HomeScreen()

    def open_briefing(self, persona: Persona) -> None:
        """Show the briefing for `persona`."""
        from simulator.tui.screens.briefing import BriefingScreen

        self.push_screen(BriefingScreen(persona))

    def start_call(self, persona: Persona) -> None:
        """Replace the current screen (briefing or scorecard) with a new call."""
        from simulator.tui.screens.call import CallScreen

        self.switch_screen(CallScreen(persona))

    def show_scorecard(self, screen_args: Any) -> None:
        """Replace the call screen with its scorecard."""
        from simulator.tui.screens.scorecard import ScorecardScreen

        self.switch_screen(ScorecardScreen(*screen_args))

    def back_home(self) -> None:
        """Return to the Home screen, whatever is on top."""
        from simulator.tui.screens.home import HomeScreen

        while len(self.screen_stack) > 1 and not isinstance(self.screen, HomeScreen):
            self.pop_screen()

    def action_history(self) -> None:
        """Show the saved sessions (back to History if it is already open underneath)."""
        from simulator.tui.screens.history import HistoryScreen

        if not self._back_to(HistoryScreen) and self._history_readable():
            self.push_screen(HistoryScreen(self._known_personas()))

    def action_progress(self) -> None:
        """Show the readiness verdict and each dimension over time."""
        from simulator.progress import load_progress
        from simulator.tui.screens.progress import ProgressScreen

        if not self._back_to(ProgressScreen) and self._history_readable():
            try:
                progress = load_progress(self.store)
            except UserError as exc:
                self.notify(printable(str(exc)), severity="error", timeout=15, markup=False)
                return
            self.push_screen(ProgressScreen(progress))

    def open_session(self, session_id: str, personas: dict[str, Persona]) -> None:
        """Show a saved session read-only: its scorecard and transcript."""
        from simulator.tui.screens.session import SessionScreen, respondent

        try:
            record = self.store.load(session_id)
        except UserError as exc:
            self.notify(printable(str(exc)), severity="error", timeout=15, markup=False)
            return
        who = respondent(record.persona, personas.get(record.persona))
        self.push_screen(SessionScreen(record, who))

    def _history_readable(self) -> bool:
        """Whether the history can be listed; if not (a damaged database), say so in one
        line instead of opening a screen that would fail."""
        try:
            self.store.list_sessions()
        except UserError as exc:
            self.notify(printable(str(exc)), severity="error", timeout=15, markup=False)
            return False
        return True

    def _back_to(self, screen_type: type[Screen[Any]]) -> bool:
        """Pop screens until one of `screen_type` is on top; False when none is open."""
        if not any(isinstance(s, screen_type) for s in self.screen_stack):
            return False
        while not isinstance(self.screen, screen_type):
            self.pop_screen()
        return True

    def _known_personas(self) -> dict[str, Persona]:
        """The valid personas by id, as Home loaded them (or loaded now)."""
        from simulator.tui.screens.home import HomeScreen

        home = next((s for s in self.screen_stack if isinstance(s, HomeScreen)), None)
        entries = home.entries if home is not None else None
        if entries is None:
            from simulator.persona_loader import load_personas

            entries = load_personas(self.persona_dirs)
        return {e.id: e.persona for e in entries if e.persona is not None}

    def action_help(self) -> None:
        """Show the help."""
        from simulator.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_settings(self) -> None:
        """Open the settings."""
        from simulator.tui.screens.settings import SettingsScreen

        self.push_screen(SettingsScreen())

    def on_unmount(self) -> None:
        """Close the history database."""
        if self._store is not None:
            self._store.close()


def run(args: argparse.Namespace) -> int:
    """Open the app with the saved settings, overridden by flags and environment variables."""
    data = data_dir(getattr(args, "data_dir", None))
    settings = Settings.load(data).apply_overrides(
        backend=getattr(args, "backend", None),
        model=getattr(args, "model", None),
        base_url=getattr(args, "base_url", None),
        prompt_style=getattr(args, "prompt_style", None),
    )
    CallsimApp(settings, data, persona_dirs(data)).run()
    return 0
