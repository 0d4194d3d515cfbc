"""Help (`?`): the keys of every screen and the call guide."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, cast

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

if TYPE_CHECKING:
    from simulator.tui.app import CallsimApp


class HelpScreen(ModalScreen[None]):
    """A scrollable panel over the current screen; Esc, q or ? closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "dismiss", "Close"),
    ]

    def compose(self) -> ComposeResult:
        """The help text, then the call guide."""
        app = cast("CallsimApp", self.app)
        body = Text()
        for paragraph in app.t_list("help.body"):
            body.append(paragraph + "\n\n")
        body.append(app.t("briefing.guide") + "\n", style="bold")
        for item in app.t_list("guide"):
            body.append(f"  ☐ {item}\n")
        body.append("\n" + app.t("help.persona_dirs") + "\n")
        for folder in app.persona_dirs:
            body.append(f"  {shown_path(folder)}\n")
        with VerticalScroll(id="help"):
            yield Static(app.t("help.title"), classes="section-title")
            yield Static(body)

    async def action_dismiss(self, result: None = None) -> None:
        """Close the help."""
        self.dismiss(result)


def shown_path(folder: Path) -> str:
    """`folder` as short as it stays unambiguous: relative to the current folder when inside
    it, with `~` for the home folder, else absolute."""
    folder = folder.expanduser().resolve()
    for base, prefix in ((Path.cwd(), ""), (Path.home(), "~/")):
        try:
            return prefix + str(folder.relative_to(base.resolve()))
        except ValueError:
            continue
    return str(folder)
