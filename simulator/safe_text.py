"""Text from files, models and servers is untrusted: make it safe to put on a terminal.

`printable` is the one cleaning function for anything callsim prints or shows that it did not
write itself (persona texts and file names, session records, server messages, error lines).
Every character a terminal could act on — ESC and the other C0 controls, DEL, the C1 controls
(U+0080-U+009F, which some terminals read as ESC sequences), Unicode line and paragraph
separators and the bidirectional overrides that reorder what is shown — is written as a visible
escape (`\\x1b`, `\\u202e`), so nothing is lost and nothing is obeyed. `SafeStream` applies it
to a whole output stream.
"""

from __future__ import annotations

import re
from typing import Any, TextIO

_BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_UNSAFE_ONE_LINE = re.compile(f"[\x00-\x1f\x7f-\x9f\u2028\u2029{_BIDI}]")
_UNSAFE_MULTILINE = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029{_BIDI}]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group(0))
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def unsafe_char(text: str, multiline: bool = False) -> int | None:
    """The index of the first character `printable` would escape, or None when there is none."""
    found = (_UNSAFE_MULTILINE if multiline else _UNSAFE_ONE_LINE).search(text)
    return found.start() if found else None


def printable(text: str, multiline: bool = False) -> str:
    """`text` with every control, C1, line-separator and bidi-override character written as a
    visible `\\x..`/`\\u....` escape. With `multiline`, newlines and tabs are kept; otherwise
    they are escaped too, so the result is one line."""
    pattern = _UNSAFE_MULTILINE if multiline else _UNSAFE_ONE_LINE
    return pattern.sub(_escape, text)


def printable_tree(value: Any) -> Any:
    """`value` (parsed JSON: dicts, lists, scalars; nesting already bounded) with every string,
    keys included, passed through `printable`. For records that came from elsewhere and go on
    screen."""
    if isinstance(value, str):
        return printable(value)
    if isinstance(value, list):
        return [printable_tree(item) for item in value]
    if isinstance(value, dict):
        return {printable(str(k)): printable_tree(v) for k, v in value.items()}
    return value


class SafeStream:
    """A text stream that passes everything written through `printable(..., multiline=True)`.

    Wrapping `sys.stdout` and `sys.stderr` with it means no command can put a raw escape on the
    terminal, whatever path the text took. JSON output stays valid: `json.dumps` already escapes
    C0 controls, and the rest appear only inside strings, where `\\u....` means the same."""

    def __init__(self, inner: TextIO) -> None:
        self._inner = inner

    def write(self, text: str) -> int:
        """Write `text` made printable; returns the length of `text` (as `TextIO.write` does)."""
        if _UNSAFE_MULTILINE.search(text):
            self._inner.write(_UNSAFE_MULTILINE.sub(_escape_json_safe, text))
        else:
            self._inner.write(text)
        return len(text)

    def writelines(self, lines: Any) -> None:
        """Write each line."""
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


def _escape_json_safe(match: re.Match[str]) -> str:
    # `\u00XX` rather than `\xXX`: the same visible escape, and still valid inside JSON strings.
    return f"\\u{ord(match.group(0)):04x}"
