"""The session record (SPEC section 4): what one practice call was, turn by turn."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from simulator.codes import Code, Lang
from simulator.scoring.model import Scorecard

SESSION_SCHEMA: Literal["callsim.session/1"] = "callsim.session/1"

Speaker = Literal["respondent", "volunteer"]
EndedBy = Literal["volunteer", "hangup", "script_end", "turn_limit"]
Mode = Literal["practice", "assessment"]
ReplySource = Literal["authored", "model", "retry", "fallback"]
"""How a respondent line came about: an authored opening or hang-up line, the model's first
attempt, a later attempt after the reply check refused earlier ones, or a persona fallback line."""


class RespondentState(BaseModel):
    """How the respondent feels about the volunteer after a turn; each value in [0, 1]."""

    model_config = ConfigDict(extra="forbid")

    trust: float = Field(ge=0.0, le=1.0, description="Belief that the caller means no harm.")
    openness: float = Field(ge=0.0, le=1.0, description="Willingness to consider another view.")
    irritation: float = Field(
        ge=0.0, le=1.0, description="Annoyance; past a threshold they hang up."
    )


class Turn(BaseModel):
    """One utterance of the call."""

    model_config = ConfigDict(extra="ignore")

    speaker: Speaker
    text: str
    codes: list[Code] | None = Field(default=None, description="Volunteer turns: behaviour codes.")
    evidence: dict[Code, list[str]] | None = Field(
        default=None, description="Volunteer turns: the spans that triggered each code."
    )
    state: RespondentState | None = Field(
        default=None, description="Respondent turns: the state they spoke from."
    )
    mood: str | None = Field(default=None, description="Respondent turns: the mood cue used.")
    source: ReplySource | None = Field(
        default=None, description="Respondent turns: how the line was produced."
    )
    attempts: int | None = Field(
        default=None, description="Respondent turns: model attempts the reply check saw."
    )
    move: str | None = Field(
        default=None,
        description="Respondent turns: the lore the engine chose (e.g. `topic:nato`, "
        "`stance:support_war`, `reaction:guilt`, `deflection`).",
    )


class SessionRecord(BaseModel):
    """A whole practice call as stored, exported and scored."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    schema_: Literal["callsim.session/1"] = Field(default=SESSION_SCHEMA, alias="schema")
    id: str
    persona: str
    lang: Lang
    model: str = ""
    started_at: str
    ended_by: EndedBy | None = None
    mode: Mode = "practice"
    turns: list[Turn] = Field(default_factory=list)
    scorecard: Scorecard | None = None

    def to_json_dict(self) -> dict[str, object]:
        """The SPEC JSON shape: `schema` key, no empty optional fields on turns."""
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)
