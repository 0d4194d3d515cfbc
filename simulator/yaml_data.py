"""Reading callsim's bundled YAML data files quickly (libyaml when PyYAML was built with it)."""

from __future__ import annotations

from typing import Any

import yaml

FAST_SAFE_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""The C safe loader when available (about 10x faster), else the pure-Python one."""


def load_yaml(text: str) -> Any:
    """Parse YAML `text` safely."""
    return yaml.load(text, Loader=FAST_SAFE_LOADER)  # noqa: S506 - a safe loader
