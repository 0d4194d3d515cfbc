"""The one-line coach hint shown after a volunteer turn in practice mode, drawn from its codes."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from importlib import resources

from pydantic import BaseModel, ConfigDict, model_validator

from simulator.codes import CODES, Code, Lang
from simulator.yaml_data import load_yaml


class _Hints(BaseModel):
    model_config = ConfigDict(extra="forbid")

    priority: list[Code]
    hints: dict[str, dict[Lang, str]]

    @model_validator(mode="after")
    def _complete(self) -> _Hints:
        missing = [k for k in (*CODES, "none") if k not in self.hints]
        if missing:
            raise ValueError(f"hints missing for: {', '.join(missing)}")
        for key, by_lang in self.hints.items():
            if set(by_lang) != {"ru", "en"}:
                raise ValueError(f"hints.{key}: needs both ru and en")
        return self


@cache
def _hints() -> _Hints:
    text = resources.files(__package__).joinpath("coach_hints.yaml").read_text("utf-8")
    return _Hints.model_validate(load_yaml(text))


def coach_hint(codes: Iterable[Code], lang: Lang) -> str:
    """The hint for a turn with `codes`, in the interface language `lang`."""
    present = set(codes)
    data = _hints()
    for code in data.priority:
        if code in present:
            return data.hints[code][lang]
    return data.hints["none"][lang]
