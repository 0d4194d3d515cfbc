"""Builds the model's prompt from the persona and the call so far.

The layout keeps the conversation prefix stable: the header never changes during a call and each
turn is appended as it was first written (stage directions included), so llama.cpp reuses its
cache and the time to first token does not grow with the length of the call.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

from pydantic import BaseModel, ConfigDict

from simulator.codes import Lang
from simulator.llm.base import ChatMessage, PromptStyle
from simulator.persona import MOODS, Mood, Persona
from simulator.session import Turn
from simulator.yaml_data import load_yaml


class _Wording(BaseModel):
    model_config = ConfigDict(extra="forbid")

    volunteer_label: str
    respondent_label: str
    header: str
    moods: dict[Mood, str]
    mood_note: str
    voice_note: str
    system: str
    ring: str


@cache
def wording(lang: Lang) -> _Wording:
    """The prompt scaffolding for `lang`, from `prompt.yaml`."""
    raw = load_yaml(resources.files(__package__).joinpath("prompt.yaml").read_text("utf-8"))
    return _Wording.model_validate(raw[lang])


def _age(age: int, lang: Lang) -> str:
    if lang == "en":
        return f"{age} years old"
    if age % 10 == 1 and age % 100 != 11:
        return f"{age} год"
    if 2 <= age % 10 <= 4 and not 12 <= age % 100 <= 14:
        return f"{age} года"
    return f"{age} лет"


def _one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _persona_fields(persona: Persona, lang: Lang) -> dict[str, str]:
    words = wording(lang)
    examples = []
    for mood in MOODS:
        for line in persona.example_lines.get(mood).get(lang)[:2]:
            examples.append(f"({words.moods[mood]}) {_one_line(line)}")
    return {
        "name": persona.name.get(lang),
        "age": _age(persona.age, lang),
        "place": persona.place.get(lang),
        "background": _one_line(persona.background.get(lang)),
        "beliefs": " ".join(_one_line(b) for b in persona.beliefs.get(lang)),
        "speech_style": _one_line(persona.speech_style.get(lang)),
        "talking_points": " ".join(_one_line(t) for t in persona.talking_points.get(lang)),
        "examples": "\n".join(examples),
    }


class PromptBuilder:
    """Prompts for one persona in one language, in the backend's style."""

    def __init__(self, persona: Persona, lang: Lang, style: PromptStyle) -> None:
        self.persona = persona
        self.lang = lang
        self.style = style
        self.words = wording(lang)
        fields = _persona_fields(persona, lang)
        self._header = self.words.header.format(**fields)
        self._system = self.words.system.format(**fields)

    @property
    def stop(self) -> tuple[str, ...]:
        """Where a reply ends: the end of its line, or the next speaker's label."""
        if self.style == "chat":
            return (f"{self.words.volunteer_label}:",)
        return ("\n", f"{self.words.volunteer_label}:", f"{self.words.respondent_label}:")

    def _respondent_line(self, turn: Turn) -> str:
        label = self.words.respondent_label
        if turn.mood in self.words.moods:
            label = f"{label} ({self.words.moods[turn.mood]})"
        return f"{label}: {_one_line(turn.text)}"

    def transcript(self, turns: list[Turn], mood: Mood) -> str:
        """The call so far as a transcript ending where the respondent's next line begins."""
        lines = [self._header, ""]
        for turn in turns:
            if turn.speaker == "volunteer":
                lines.append(f"{self.words.volunteer_label}: {_one_line(turn.text)}")
            else:
                lines.append(self._respondent_line(turn))
        lines.append(f"{self.words.respondent_label} ({self.words.moods[mood]}):")
        return "\n".join(lines)

    def volunteer_prefix(self, turns: list[Turn]) -> str:
        """The transcript so far ending where the volunteer's next line begins: the part of
        every later prompt that is already known (see `Call.warm_up`)."""
        head = self.transcript(turns, "neutral").rsplit("\n", 1)[0]
        return f"{head}\n{self.words.volunteer_label}:"

    def voicing(self, turns: list[Turn], mood: Mood, line: str) -> tuple[ChatMessage, ...]:
        """Chat messages asking the model to say `line` (the engine's choice) in its own words:
        the last volunteer message carries the note instead of the bare mood cue."""
        out = list(self.messages(turns, mood))
        last = out[-1]
        text = last.content.rsplit("\n", 1)[0]
        note = self.words.voice_note.format(mood=self.words.moods[mood], line=_one_line(line))
        out[-1] = ChatMessage(last.role, f"{text}\n{note}")
        return tuple(out)

    def messages(self, turns: list[Turn], mood: Mood) -> tuple[ChatMessage, ...]:
        """The call so far as chat messages; the mood cue rides on the volunteer's messages."""
        out = [ChatMessage("system", self._system), ChatMessage("user", self.words.ring)]
        pending_mood: dict[int, Mood] = {}
        # A volunteer message carries the mood the respondent answered it in.
        for i, turn in enumerate(turns):
            if turn.speaker == "volunteer":
                following = turns[i + 1] if i + 1 < len(turns) else None
                if following is not None and following.mood in self.words.moods:
                    pending_mood[i] = following.mood
                else:
                    pending_mood[i] = mood
        for i, turn in enumerate(turns):
            if turn.speaker == "volunteer":
                note = self.words.mood_note.format(mood=self.words.moods[pending_mood[i]])
                out.append(ChatMessage("user", f"{_one_line(turn.text)}\n{note}"))
            else:
                out.append(ChatMessage("assistant", _one_line(turn.text)))
        return tuple(out)
