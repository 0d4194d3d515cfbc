"""Small talk every respondent can make: shared topics (`smalltalk.yaml`) for the everyday
questions callers open with (the weather, food, pets, the weekend...), which a persona's own lore
rarely covers.

A persona's own topic always comes first: a shared topic is added to a call's lore only when the
persona has no topic of that id, and is matched only when nothing of the persona's own is (see
`LoreIndex`). Lines are persona-neutral and gender-neutral, so any respondent can say them. A
move drawn from them is recorded as `smalltalk:<id>`.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

from pydantic import ValidationError

from simulator.persona import Persona, Topic
from simulator.yaml_data import load_yaml

PREFIX = "smalltalk"
"""How a move from a shared topic is recorded: `smalltalk:weather`."""


@cache
def _data() -> dict[str, Any]:
    """smalltalk.yaml, read once."""
    text = resources.files(__package__).joinpath("smalltalk.yaml").read_text("utf-8")
    data: dict[str, Any] = load_yaml(text)
    return data


@cache
def shared_topics() -> tuple[Topic, ...]:
    """The shared small-talk topics, validated like a persona's own (a broken file is a bug in
    callsim itself, so it raises)."""
    data = _data()
    try:
        return tuple(Topic.model_validate(entry) for entry in data["topics"])
    except (ValidationError, KeyError, TypeError) as exc:
        raise RuntimeError(f"simulator/engine/smalltalk.yaml: {exc}") from exc


@cache
def answered_once() -> frozenset[str]:
    """Ids of the shared topics a respondent does not go on with after "Mm." (their lines are
    one answer said several ways: "where are you from?")."""
    return frozenset(_data().get("answered_once", []))


def with_small_talk(persona: Persona) -> Persona:
    """`persona` with the shared topics it has no topic of its own for, after its own. A
    persona without topics of its own is left to the model, as its trainer chose."""
    own = {topic.id for topic in persona.lore.topics}
    if not own:
        return persona
    extra = [topic for topic in shared_topics() if topic.id not in own]
    if not extra:
        return persona
    lore = persona.lore.model_copy(update={"topics": [*persona.lore.topics, *extra]})
    return persona.model_copy(update={"lore": lore})


def shared_ids(persona: Persona) -> frozenset[str]:
    """Ids of the persona's topics that are shared small talk (not written for it)."""
    shared = {id(topic) for topic in shared_topics()}
    return frozenset(topic.id for topic in persona.lore.topics if id(topic) in shared)
