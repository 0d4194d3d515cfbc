"""The fixed vocabulary shared by the coder, the engine and the scorecard (SPEC section 2)."""

from __future__ import annotations

from typing import Literal, get_args

Lang = Literal["ru", "en"]
"""A language a session, a persona text or an utterance is in."""

LANGS: tuple[Lang, ...] = get_args(Lang)

Code = Literal[
    "open_question",
    "closed_question",
    "reflection",
    "empathy",
    "affirmation",
    "human_life",
    "personal_story",
    "common_ground",
    "autonomy",
    "confront",
    "lecture",
    "guilt",
    "unsafe",
]
"""A behaviour label on a volunteer turn. Names are fixed by SPEC section 2."""

CODES: tuple[Code, ...] = get_args(Code)

POSITIVE_CODES: frozenset[Code] = frozenset(
    {
        "open_question",
        "reflection",
        "empathy",
        "affirmation",
        "human_life",
        "personal_story",
        "common_ground",
        "autonomy",
    }
)
"""Codes the call guide encourages."""

NEGATIVE_CODES: frozenset[Code] = frozenset({"confront", "lecture", "guilt", "unsafe"})
"""Codes the call guide warns against."""

QUESTION_CODES: frozenset[Code] = frozenset({"open_question", "closed_question"})
"""The codes that make a turn a question."""
