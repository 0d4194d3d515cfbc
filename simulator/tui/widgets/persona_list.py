"""The respondents to choose from: name, difficulty and a one-line description each; invalid
persona files are listed with their error and cannot be chosen."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from simulator.tui.i18n import t

if TYPE_CHECKING:
    from simulator.codes import Lang
    from simulator.persona_loader import PersonaEntry

DIFFICULTY_STYLE = {"easy": "green", "medium": "yellow", "hard": "red"}


def entry_prompt(entry: PersonaEntry, lang: str) -> Text:
    """How one persona file reads in the list. Persona texts are shown literally."""
    if entry.persona is None:
        prompt = Text(entry.id, style="bold red")
        prompt.append(f"  {t('home.invalid', lang)}", style="red")
        # The file name is enough here (the folders are in Help and `callsim personas`).
        error = (entry.error or "").replace(str(entry.path), entry.path.name, 1)
        prompt.append(f"\n{error}", style="dim red")
        return prompt
    persona = entry.persona
    label: Lang = "ru" if lang == "ru" else "en"
    prompt = Text(persona.name.get(label), style="bold")
    prompt.append(f"  {t('difficulty.' + persona.difficulty, lang)}")
    prompt.stylize(
        DIFFICULTY_STYLE.get(persona.difficulty, ""),
        len(prompt) - len(t("difficulty." + persona.difficulty, lang)),
    )
    prompt.append("\n" + persona.description.get(label), style="dim")
    return prompt


class PersonaList(OptionList):
    """An option list of persona entries; the option id is the persona id."""

    def show_entries(self, entries: list[PersonaEntry], lang: str) -> None:
        """Replace the options with `entries`, keeping the highlighted persona if still there."""
        keep = self.highlighted_option.id if self.highlighted_option is not None else None
        self.clear_options()
        self.add_options(
            Option(entry_prompt(e, lang), id=e.id, disabled=not e.valid) for e in entries
        )
        ids = [e.id for e in entries]
        valid = [i for i, e in enumerate(entries) if e.valid]
        if keep in ids and entries[ids.index(keep)].valid:
            self.highlighted = ids.index(keep)
        elif valid:
            self.highlighted = valid[0]
