"""Settings: which backend answers as the respondent. Saved only after a check passes: the
model file must exist and be a GGUF; a server must answer."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, cast

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, Input, Label, RadioButton, RadioSet, Static

from simulator.tui.bindings import localize_bindings
from simulator.tui.messages import SettingsChecked

if TYPE_CHECKING:
    from simulator.config import Settings
    from simulator.tui.app import CallsimApp


def check_settings(settings: Settings) -> str:
    """Check that `settings` can work without loading a model; returns a one-line description.

    Raises `BackendError` (or `UserError`) with a one-line reason when they cannot."""
    from simulator.llm.factory import describe_backend

    if settings.backend == "openai":
        from simulator.llm.openai_compat import OpenAIBackend

        backend = OpenAIBackend(settings.base_url or "", prompt_style=settings.prompt_style)
        try:
            model = backend.check()
        finally:
            backend.close()
        return f"{describe_backend(settings)} ({model})"
    if settings.model:
        from simulator.llm.embedded import check_model_file

        check_model_file(Path(settings.model).expanduser())
    return describe_backend(settings)


class SettingsScreen(Screen[None]):
    """Backend, model file, server URL and prompt style."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", priority=True),
        Binding("escape", "close", "Back"),
    ]

    @property
    def callsim(self) -> CallsimApp:
        """The app, typed."""
        return cast("CallsimApp", self.app)

    def compose(self) -> ComposeResult:
        """The form."""
        app, s = self.callsim, self.callsim.settings
        yield Header()
        with VerticalScroll(id="settings"):
            yield Label(app.t("settings.backend"), classes="section-title")
            with RadioSet(id="backend"):
                yield RadioButton(
                    app.t("settings.embedded"), id="embedded", value=s.backend == "embedded"
                )
                yield RadioButton(
                    app.t("settings.server"), id="openai", value=s.backend == "openai"
                )
            yield Label(app.t("settings.model"))
            yield Input(s.model or "", id="model", placeholder="~/models/model.gguf")
            yield Label(app.t("settings.url"))
            yield Input(s.base_url or "", id="url", placeholder="http://127.0.0.1:8080/v1")
            yield Label(app.t("settings.style"))
            with RadioSet(id="style"):
                yield RadioButton(
                    app.t("settings.style.chat"), id="chat", value=s.prompt_style == "chat"
                )
                yield RadioButton(
                    app.t("settings.style.transcript"),
                    id="transcript",
                    value=s.prompt_style == "transcript",
                )
            yield Static(id="settings-result")
            with Horizontal(id="settings-buttons"):
                yield Button(app.t("key.save"), id="save", variant="primary")
                yield Button(app.t("key.back"), id="close")
        yield Footer()

    def on_mount(self) -> None:
        """Footer labels in the interface language."""
        self.title = self.callsim.t("settings.title")
        localize_bindings(self, self.callsim.ui_lang, {"save": "key.save", "close": "key.back"})

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """Save or close."""
        if event.button.id == "save":
            self.action_save()
        else:
            self.action_close()

    def _form(self) -> Settings:
        from simulator.config import Settings

        backend = self.query_one("#backend", RadioSet).pressed_button
        style = self.query_one("#style", RadioSet).pressed_button
        current = self.callsim.settings
        return Settings(
            backend="openai" if backend is not None and backend.id == "openai" else "embedded",
            model=self.query_one("#model", Input).value.strip() or None,
            base_url=self.query_one("#url", Input).value.strip() or None,
            prompt_style="transcript" if style is not None and style.id == "transcript" else "chat",
            ui_lang=current.ui_lang,
            call_lang=current.call_lang,
            mode=current.mode,
        )

    def action_save(self) -> None:
        """Check the form in a worker (a server may take seconds to answer), then save."""
        form = self._form()
        if form.backend == "openai" and not form.base_url:
            self._result(self.callsim.t("settings.need_url"), error=True)
            return
        self._result(self.callsim.t("settings.checking"))
        self._check(form)

    @work(thread=True, exclusive=True, exit_on_error=False, group="settings")
    def _check(self, form: Settings) -> None:
        try:
            detail = check_settings(form)
        except Exception as exc:  # noqa: BLE001  BackendError, UserError: one line on screen
            self.post_message(SettingsChecked(str(exc).splitlines()[0] if str(exc) else repr(exc)))
            return
        self.post_message(SettingsChecked(None, detail, form))

    def on_settings_checked(self, message: SettingsChecked) -> None:
        """Save when the check passed; otherwise say what is wrong."""
        app = self.callsim
        form = message.settings
        if message.error is not None or form is None:
            self._result(app.t("settings.invalid", error=message.error), error=True)
            return
        app.remember(
            backend=form.backend,
            model=form.model,
            base_url=form.base_url,
            prompt_style=form.prompt_style,
        )
        app.forget_backend()
        self._result(app.t("settings.saved", what=message.detail))

    def _result(self, text: str, *, error: bool = False) -> None:
        result = self.query_one("#settings-result", Static)
        result.update(Text(text))
        result.set_class(error, "-error")

    def action_close(self) -> None:
        """Back to where the settings were opened."""
        self.app.pop_screen()
