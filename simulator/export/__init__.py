"""A saved session as a file to share or review: the SPEC JSON, Markdown, or one HTML page."""

from __future__ import annotations

import json
from typing import Literal, get_args

from simulator.session import SessionRecord

ExportFormat = Literal["md", "json", "html"]
EXPORT_FORMATS: tuple[ExportFormat, ...] = get_args(ExportFormat)

SUFFIX_FORMATS: dict[str, ExportFormat] = {
    ".md": "md",
    ".markdown": "md",
    ".json": "json",
    ".html": "html",
    ".htm": "html",
}
"""File name endings that imply a format when `--format` is not given."""


def export_session(record: SessionRecord, fmt: str, persona_name: str | None = None) -> str:
    """`record` as text in format `fmt` (`md`, `json` or `html`); ValueError for another.
    `persona_name` (the persona's name in the session's language) titles the Markdown and HTML;
    the persona id stands in when it is unknown."""
    if fmt == "json":
        return json.dumps(record.to_json_dict(), ensure_ascii=False, indent=2) + "\n"
    if fmt == "md":
        from simulator.export.markdown import render_markdown

        return render_markdown(record, persona_name)
    if fmt == "html":
        from simulator.export.html import render_html

        return render_html(record, persona_name)
    raise ValueError(f"unknown export format {fmt!r}; use one of {', '.join(EXPORT_FORMATS)}")
