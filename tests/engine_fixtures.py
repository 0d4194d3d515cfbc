"""A small persona built in code, so engine tests do not depend on the shipped personas' tuning."""

from __future__ import annotations

from simulator.persona import Persona


def _lines(ru: str, en: str) -> dict[str, list[str]]:
    return {"ru": [ru], "en": [en]}


def _text(ru: str, en: str) -> dict[str, str]:
    return {"ru": ru, "en": en}


def _moods(prefix_ru: str, prefix_en: str) -> dict[str, dict[str, list[str]]]:
    return {
        mood: {
            "ru": [f"{prefix_ru} {n}." for n in ("раз", "два")],
            "en": [f"{prefix_en} {mood} {n}." for n in ("one", "two")],
        }
        for mood in ("hostile", "guarded", "neutral", "open")
    }


def make_persona(hangup_irritation: float = 0.8, **dynamics_overrides: object) -> Persona:
    """A respondent who warms to empathy and gets irritated by confrontation."""
    dynamics: dict[str, object] = {
        "initial": {"trust": 0.3, "openness": 0.2, "irritation": 0.3},
        "effects": {
            "empathy": {"trust": 0.08, "openness": 0.05, "irritation": -0.05},
            "open_question": {"trust": 0.03, "openness": 0.05},
            "reflection": {"trust": 0.08, "openness": 0.06, "irritation": -0.05},
            "autonomy": {"trust": 0.06, "irritation": -0.04},
            "human_life": {"openness": 0.06},
            "personal_story": {"trust": 0.06, "openness": 0.05},
            "common_ground": {"trust": 0.05, "openness": 0.05},
            "confront": {"trust": -0.1, "openness": -0.05, "irritation": 0.2},
            "lecture": {"openness": -0.05, "irritation": 0.12},
            "guilt": {"trust": -0.08, "irritation": 0.2},
            "unsafe": {"trust": -0.15, "irritation": 0.2},
        },
        "hangup_irritation": hangup_irritation,
    }
    dynamics.update(dynamics_overrides)
    return Persona.model_validate(
        {
            "id": "test-respondent",
            "name": _text("Тестовый собеседник", "Test respondent"),
            "age": 45,
            "place": _text("Самара", "Samara"),
            "difficulty": "medium",
            "description": _text("Для тестов движка.", "For engine tests."),
            "call_context": _text("Самара, вечер.", "Samara, evening."),
            "background": _text("Работает на заводе.", "Works at a factory."),
            "beliefs": _lines("Всё не так просто.", "It is not that simple."),
            "speech_style": _text("Коротко.", "Briefly."),
            "talking_points": _lines("Нас никто не спрашивал.", "Nobody asked us."),
            "opening_lines": _lines("Алло?", "Hello?"),
            "example_lines": _moods("Пример", "Example"),
            "hangup_line": _lines("Всё, до свидания.", "That's it, goodbye."),
            "fallback_lines": _moods("Запасная реплика", "Fallback"),
            "dynamics": dynamics,
            "trainer_notes": "Engine tests only.",
        }
    )
