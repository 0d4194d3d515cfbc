"""Shared fixtures: an isolated data directory for every test, and the bundled model."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED_DATA = REPO.parent / "shared" / "data"


@pytest.fixture(autouse=True)
def _isolated_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """History and settings go to a temporary folder; the model cache stays shared."""
    monkeypatch.setenv("CALLSIM_DATA_DIR", str(tmp_path / "data"))
    for var in ("CALLSIM_BACKEND", "CALLSIM_MODEL", "CALLSIM_BASE_URL", "CALLSIM_PROMPT_STYLE"):
        monkeypatch.delenv(var, raising=False)
    yield


@pytest.fixture(scope="session")
def bundled_model_path() -> Path:
    """The bundled Gemma 3 270M GGUF, assembled into the user cache once."""
    from simulator.llm.embedded import bundled_model_path as assemble

    return assemble()
