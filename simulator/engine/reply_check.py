"""Model output is untrusted: clean it, then decide whether it may stand as the respondent's line.

`clean` makes text safe to store and show (no control characters or ANSI escapes). `early_problem`
runs on the partial reply while it streams, so an out-of-role reply is stopped at once.
`problem` runs on the finished reply. Both return a short reason, or None when the text is fine.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from importlib import resources

from pydantic import BaseModel, ConfigDict

from simulator.codes import Lang
from simulator.yaml_data import load_yaml

_ANSI = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)?|[@-Z\\-_])")
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


class _Rules(BaseModel):
    model_config = ConfigDict(extra="forbid")

    out_of_role: list[str]
    speaker_labels: list[str]
    min_chars: int
    max_chars: int
    echo_overlap: float
    script_share: float


@cache
def rules() -> _Rules:
    """The reply rules from `reply_check.yaml`."""
    text = resources.files(__package__).joinpath("reply_check.yaml").read_text("utf-8")
    return _Rules.model_validate(load_yaml(text))


@cache
def _out_of_role_pattern() -> re.Pattern[str]:
    """Every out-of-role phrase as whole words, in one expression (it runs on every token)."""
    phrases = sorted(rules().out_of_role, key=len, reverse=True)
    return re.compile(rf"(?<!\w)(?:{'|'.join(re.escape(p) for p in phrases)})(?!\w)")


@cache
def _label_pattern() -> re.Pattern[str]:
    labels = "|".join(re.escape(x) for x in sorted(rules().speaker_labels, key=len, reverse=True))
    return re.compile(rf"(?:^|[.!?…]\s+|\n)\s*(?:{labels})\s*(?:\([^)]*\))?\s*:", re.IGNORECASE)


def clean(text: str) -> str:
    """Text with ANSI escapes and control characters removed (newlines and tabs become spaces)."""
    text = _ANSI.sub("", text)
    out = []
    for ch in text:
        if ch in "\n\t\r":
            out.append(" ")
        elif unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn") and ch != "\u200d":
            continue
        else:
            out.append(ch)
    return "".join(out)


def normalise(text: str) -> str:
    """Clean text with runs of spaces collapsed and ends trimmed."""
    return re.sub(r"\s+", " ", clean(text)).strip()


def early_problem(partial: str) -> str | None:
    """A reason to stop a reply while it is still streaming, or None."""
    found = _out_of_role_pattern().search(partial.lower())
    if found:
        return f"out of role ({found.group(0)!r})"
    if _label_pattern().search(partial):
        return "speaker label"
    if len(partial) > rules().max_chars:
        return "too long"
    return None


def _words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


def script_share(text: str, lang: Lang) -> float:
    """Share of letters written in `lang`'s script (1.0 for text without letters)."""
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return 1.0
    if lang == "ru":
        inside = sum(1 for ch in letters if "\u0400" <= ch <= "\u04ff")
    else:
        inside = sum(1 for ch in letters if ch.isascii())
    return inside / len(letters)


def problem(
    reply: str, lang: Lang, volunteer_text: str = "", recent_replies: tuple[str, ...] = ()
) -> str | None:
    """A reason the finished reply cannot stand as the respondent's line, or None."""
    r = rules()
    early = early_problem(reply)
    if early:
        return early
    if len(reply) < r.min_chars or not _words(reply):
        return "empty"
    if script_share(reply, lang) < r.script_share:
        return "wrong language"
    words = _words(reply)
    theirs = set(_words(volunteer_text))
    if theirs and len(words) >= 3:
        shared = sum(1 for w in words if w in theirs) / len(words)
        if shared >= r.echo_overlap:
            return "echoes the volunteer"
    if reply.lower() in (x.lower() for x in recent_replies):
        return "repeats itself"
    return None
