"""Build the backend the settings ask for."""

from __future__ import annotations

from pathlib import Path

from simulator.config import Settings
from simulator.errors import UserError
from simulator.llm.base import Backend, BackendError


def make_backend(settings: Settings, *, seed: int | None = None) -> Backend:
    """The embedded backend (with `settings.model` or the bundled model) or the
    OpenAI-compatible one (which needs `settings.base_url`).

    Raises `UserError` with a one-line reason when the settings cannot work: an unknown
    backend, a missing base URL, a model file that is missing or not a GGUF."""
    try:
        if settings.backend == "embedded":
            from simulator.llm.embedded import EmbeddedBackend

            model = Path(settings.model).expanduser() if settings.model else None
            return EmbeddedBackend(model, seed=seed)
        if settings.backend == "openai":
            from simulator.llm.openai_compat import OpenAIBackend

            if not settings.base_url:
                raise UserError(
                    "the openai backend needs a server URL: pass --base-url "
                    "(or set CALLSIM_BASE_URL), e.g. http://127.0.0.1:8080/v1"
                )
            return OpenAIBackend(settings.base_url, prompt_style=settings.prompt_style)
    except BackendError as exc:
        raise UserError(str(exc)) from None
    raise UserError(f"unknown backend {settings.backend!r}; expected embedded or openai")


def describe_backend(settings: Settings) -> str:
    """One line saying which backend and model the settings select, without loading it."""
    if settings.backend == "openai":
        where = settings.base_url or "(no server URL set)"
        return f"OpenAI-compatible server at {where}, {settings.prompt_style} prompts"
    if settings.model:
        return f"embedded llama.cpp, model {settings.model}"
    return "embedded llama.cpp, bundled Gemma 3 270M"
