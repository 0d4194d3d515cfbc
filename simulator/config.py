"""Where callsim keeps its files and which backend it uses.

Precedence for each setting: command-line flag, then environment variable, then the saved
settings file (written by the app's Settings screen), then the default.
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Literal

import platformdirs

from simulator.errors import UserError
from simulator.llm.base import PromptStyle

BackendKind = Literal["embedded", "openai"]
APP_NAME = "callsim"
REPO_PERSONAS = Path(__file__).resolve().parent.parent / "personas"
INSTALLED_PERSONAS = Path(sys.prefix) / "share" / APP_NAME / "personas"


def bundled_personas_dir() -> Path:
    """The personas shipped with callsim: the source tree's `personas/` (editable installs,
    `./scripts/run`), else the copy a wheel installs under `<prefix>/share/callsim/`."""
    return REPO_PERSONAS if REPO_PERSONAS.is_dir() else INSTALLED_PERSONAS


def data_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """Where history lives: `override`, else `CALLSIM_DATA_DIR`, else the platform's data dir."""
    raw = override or os.environ.get("CALLSIM_DATA_DIR")
    path = Path(raw).expanduser() if raw else Path(platformdirs.user_data_dir(APP_NAME))
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError:
        # A folder that cannot be created still works for reading (there is nothing in it);
        # whatever writes there says so in one line (the history: `Store.read_only`).
        pass
    return path


def cache_dir() -> Path:
    """Where the assembled bundled model is kept (`CALLSIM_CACHE_DIR` overrides)."""
    raw = os.environ.get("CALLSIM_CACHE_DIR")
    path = Path(raw).expanduser() if raw else Path(platformdirs.user_cache_dir(APP_NAME))
    path.mkdir(parents=True, exist_ok=True)
    return path


def persona_dirs(data: Path) -> list[Path]:
    """Folders personas are loaded from: `CALLSIM_PERSONAS_DIR` if set, else the bundled
    `personas/` folder plus the trainer's own `personas/` under the data directory."""
    raw = os.environ.get("CALLSIM_PERSONAS_DIR")
    if raw:
        return [Path(p).expanduser() for p in raw.split(os.pathsep) if p]
    return [bundled_personas_dir(), data / "personas"]


@dataclass
class Settings:
    """Backend choice and interface preferences."""

    backend: BackendKind = "embedded"
    model: str | None = None
    base_url: str | None = None
    prompt_style: PromptStyle = "chat"
    ui_lang: str = "en"
    call_lang: str = "ru"
    mode: str = "practice"

    @staticmethod
    def path(data: Path) -> Path:
        """The saved settings file."""
        return data / "settings.json"

    @classmethod
    def load(cls, data: Path) -> Settings:
        """Saved settings, or defaults when none are saved or the file is unreadable (also
        when it is not a regular file, is oversized or holds anything but a JSON object)."""
        from simulator.limits import KiB, read_bounded

        try:
            raw = json.loads(read_bounded(cls.path(data), 64 * KiB, "a settings file"))
        except (UserError, ValueError, RecursionError):
            return cls()
        if not isinstance(raw, dict):
            return cls()
        known = {k: v for k, v in raw.items() if k in cls.__dataclass_fields__}
        try:
            return cls(**known)
        except TypeError:
            return cls()

    def save(self, data: Path) -> None:
        """Write the settings file atomically; `OSError` when the folder is not writable."""
        target = self.path(data)
        tmp = target.with_suffix(".tmp")
        tmp.write_text(json.dumps(asdict(self), ensure_ascii=False, indent=2), encoding="utf-8")
        tmp.replace(target)

    def apply_overrides(
        self,
        backend: str | None = None,
        model: str | None = None,
        base_url: str | None = None,
        prompt_style: str | None = None,
    ) -> Settings:
        """Settings with flags and then environment variables applied on top."""
        env = os.environ
        merged = Settings(**asdict(self))
        kind = backend or env.get("CALLSIM_BACKEND")
        merged.model = model or env.get("CALLSIM_MODEL") or merged.model
        url = base_url or env.get("CALLSIM_BASE_URL")
        merged.base_url = url or merged.base_url
        if kind is None and url:
            kind = "openai"  # naming a server means using it
        if kind is not None:
            if kind not in ("embedded", "openai"):
                raise UserError(
                    f"CALLSIM_BACKEND: unknown backend {kind!r}; use embedded or openai"
                )
            merged.backend = kind  # type: ignore[assignment]
        style = prompt_style or env.get("CALLSIM_PROMPT_STYLE")
        if style is not None:
            if style not in ("transcript", "chat"):
                raise UserError(
                    f"CALLSIM_PROMPT_STYLE: unknown prompt style {style!r}; use transcript or chat"
                )
            merged.prompt_style = style  # type: ignore[assignment]
        return merged
