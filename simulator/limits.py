"""How much callsim reads from any one input, and reading files within those bounds.

Every limit is far above anything a trainer or a volunteer writes, and low enough that a
hostile or mistaken input (a pasted log, a device, a YAML alias bomb, JSON nested 100,000 deep)
is refused with one line naming the limit, within a second, instead of hanging the program.
"""

from __future__ import annotations

import os
import re
import stat
import sys

from simulator.errors import UserError

KiB = 1024
MiB = 1024 * KiB

MAX_PERSONA_BYTES = 512 * KiB
"""A persona file (the bundled ones, lore included, are about 110 KiB)."""
MAX_PERSONA_TEXT_CHARS = 4_000
"""One text in a persona (a line, a background paragraph, the trainer's notes)."""
MAX_YAML_DEPTH = 32
"""Nesting of mappings and lists in a persona file (the format needs 8)."""
MAX_YAML_VALUES = 50_000
"""Values in a persona file once its aliases (`*name`) are expanded (the bundled ones have
about 3,300)."""
MAX_SESSION_BYTES = 4 * MiB
"""A session record (JSON) or a plain transcript given to `score` or `review`."""
MAX_SESSION_TURNS = 2_000
"""Turns in a session record or transcript (a 30-turn call has 61)."""
MAX_SCRIPT_BYTES = 1 * MiB
"""A script of volunteer turns for `callsim play`."""
MAX_JSON_DEPTH = 64
"""Nesting of objects and arrays in any JSON callsim reads (a session record needs 6)."""
MAX_TURN_CHARS = 2_000
"""One volunteer turn (about 300 words, a long minute of speech)."""
MAX_CODED_CHARS = 60_000
"""Volunteer text `score` and `review` code in one go (turns a record or transcript brings
without codes); about 10 seconds of coding on a slow machine, 200 turns of 300 characters."""
MAX_CODE_LINE_BYTES = 1 * MiB
"""One line of `callsim code` input."""


def _size(n: int) -> str:
    """`n` bytes in words: 512 KiB, 4 MiB."""
    if n >= MiB and n % MiB == 0:
        return f"{n // MiB} MiB"
    if n >= KiB and n % KiB == 0:
        return f"{n // KiB} KiB"
    return f"{n:,} bytes"


def too_big(what: str, limit: int) -> str:
    """The message for an input over its size limit."""
    return f"larger than {_size(limit)}, the limit for {what}"


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISFIFO(mode):
        return "a pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


class InputError(UserError):
    """A file that cannot be read as input: `reason` says why, without the path."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


def read_bounded(path: str | os.PathLike[str], limit: int, what: str) -> bytes:
    """The bytes of the regular file `path` (`-` for standard input), at most `limit` of them.

    Devices, pipes, sockets and folders are refused before anything is read (a symlink to
    `/dev/zero` included), and so is a file larger than `limit`; `what` names the input in
    the message (e.g. "a persona file"). Raises `InputError`."""
    name = os.fspath(path)
    if name == "-":
        data = sys.stdin.buffer.read(limit + 1)
        if len(data) > limit:
            raise InputError("<stdin>", too_big(what, limit))
        return data
    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused below anyway.
        fd = os.open(name, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise InputError(name, "no such file") from None
    except IsADirectoryError:
        raise InputError(name, "is a folder, expected a file") from None
    except OSError as exc:
        raise InputError(name, f"cannot read: {exc.strerror or exc}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise InputError(name, f"is {_kind(info.st_mode)}, expected a regular file")
        if info.st_size > limit:
            raise InputError(name, f"is {info.st_size:,} bytes, " + too_big(what, limit))
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        chunks: list[bytes] = []
        total = 0
        while total <= limit:
            chunk = os.read(fd, min(limit + 1 - total, 1 * MiB))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        if total > limit:  # it grew while being read
            raise InputError(name, too_big(what, limit))
        return b"".join(chunks)
    except InputError:
        raise
    except OSError as exc:
        raise InputError(name, f"cannot read: {exc.strerror or exc}") from None
    finally:
        os.close(fd)


def read_text_bounded(path: str | os.PathLike[str], limit: int, what: str) -> str:
    """`read_bounded` decoded as UTF-8 (a leading byte-order mark dropped); a one-line
    `InputError` naming the line for text that is not UTF-8."""
    raw = read_bounded(path, limit, what)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        name = "<stdin>" if os.fspath(path) == "-" else os.fspath(path)
        raise InputError(
            name, f"line {line}: not UTF-8 text (byte 0x{raw[exc.start]:02x}); save it as UTF-8"
        ) from None


def json_depth_problem(text: str, limit: int = MAX_JSON_DEPTH) -> str | None:
    """Why `text` must not be given to `json.loads` (nested deeper than `limit`), or None.

    Counts brackets outside strings without recursing, so JSON nested 100,000 deep is refused
    in milliseconds instead of overflowing the parser's stack."""
    if text.count("[") + text.count("{") <= limit:
        return None  # cannot be deeper than the number of brackets it has
    brackets = _NOT_BRACKET.sub("", _JSON_STRING.sub('""', text))
    depth = 0
    for ch in brackets:
        if ch == "[" or ch == "{":
            depth += 1
            if depth > limit:
                return f"JSON nested deeper than {limit} levels, the limit"
        else:
            depth -= 1
    return None


_JSON_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
