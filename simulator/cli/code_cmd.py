"""`callsim code`: code utterances from standard input as JSON Lines (SPEC section 3).

Each input line is either a JSON object `{"id": ..., "text": ..., "lang"?: ..., "prev"?: ...}`
(when it starts with `{`; `prev` is the respondent's line just before, context for reflections)
or plain text, one utterance a line (its id is the line number from 1). Blank lines are skipped.
Output: one JSON object a line, in input order. Lines are coded in batches (the sentence encoder
is several times faster on a batch than one line at a time); an interactive terminal gets each
line's codes at once.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any, BinaryIO, TextIO

from simulator.codes import LANGS, Lang
from simulator.errors import UserError
from simulator.limits import (
    MAX_CODE_LINE_BYTES,
    MAX_JSON_DEPTH,
    MAX_TURN_CHARS,
    json_depth_problem,
    too_big,
)


def register(sub: argparse._SubParsersAction) -> None:
    """Add the `code` sub-command."""
    parser = sub.add_parser(
        "code",
        help="code volunteer utterances read from standard input",
        description='Code volunteer utterances: reads JSON Lines {"id", "text", "lang"?, "prev"?} '
        "or plain text (one utterance a line) from standard input, writes JSON Lines "
        '{"id", "codes", "evidence"} in the same order.',
    )
    parser.add_argument(
        "--lang",
        choices=["ru", "en", "auto"],
        default="auto",
        help="language of the utterances; auto (default) detects it line by line from the "
        'script; a line\'s own "lang" wins',
    )
    parser.set_defaults(func=run)


BATCH = 32
"""Lines coded together when standard input is not a terminal."""

Item = tuple[Any, str, Lang | None, str | None]
"""(id, text, lang, prev) of one input line."""


def _parse_line(raw: bytes, number: int, default_lang: Lang | None) -> Item:
    """(id, text, lang, prev) of one non-blank input line; UserError naming the line if bad."""
    try:
        line = raw.decode("utf-8").strip()
    except UnicodeDecodeError as exc:
        raise UserError(f"stdin line {number}: not UTF-8 text ({exc.reason})") from exc
    if not line.startswith("{"):
        return number, _bounded(line, number), default_lang, None
    too_deep = json_depth_problem(line, MAX_JSON_DEPTH)
    if too_deep:
        raise UserError(f"stdin line {number}: {too_deep}")
    try:
        item = json.loads(line)
    except json.JSONDecodeError as exc:
        raise UserError(
            f"stdin line {number}: not valid JSON: {exc.msg} (column {exc.colno})"
        ) from exc
    except RecursionError:
        raise UserError(f"stdin line {number}: JSON nested too deeply to read") from None
    if not isinstance(item, dict):
        raise UserError(f"stdin line {number}: expected a JSON object")
    text = item.get("text")
    if not isinstance(text, str) or not text.strip():
        what = "missing" if text is None else "empty" if isinstance(text, str) else "not a string"
        raise UserError(f'stdin line {number}: "text" is {what}; give the utterance as a string')
    lang = item.get("lang", default_lang)
    if lang is not None and lang not in LANGS and lang != "auto":
        raise UserError(
            f'stdin line {number}: "lang" must be one of {", ".join(LANGS)} or auto, not {lang!r}'
        )
    prev = item.get("prev")
    if prev is not None and not isinstance(prev, str):
        raise UserError(f'stdin line {number}: "prev" must be a string (the respondent\'s line)')
    return (
        item.get("id", number),
        _bounded(text, number),
        None if lang == "auto" else lang,
        _bounded(prev, number) if prev else None,
    )


def _bounded(text: str, number: int) -> str:
    """`text`, or a `UserError` when it is longer than a volunteer turn may be (coding time
    grows with the text: a megabyte line would take minutes)."""
    if len(text) > MAX_TURN_CHARS:
        raise UserError(
            f"stdin line {number}: the utterance is {len(text):,} characters; a volunteer turn "
            f"is at most {MAX_TURN_CHARS:,}"
        )
    return text


def code_stream(source: BinaryIO, sink: TextIO, lang: Lang | None, *, flush_each: bool) -> int:
    """Code every line of `source` into `sink`; return how many utterances were coded.

    Output is written in bulk unless `flush_each` (an interactive terminal). On a malformed
    line, every record before it is written and flushed, then the line's `UserError` raised.
    """
    out: list[str] = []
    pending: list[Item] = []
    count = 0
    number = 0
    batch = 1 if flush_each else BATCH
    while True:
        raw = source.readline(MAX_CODE_LINE_BYTES + 1)
        if not raw:
            break
        number += 1
        if len(raw) > MAX_CODE_LINE_BYTES and not raw.endswith(b"\n"):
            _code(pending, out)
            _write(sink, out)  # what was coded before the bad line is kept
            raise UserError(
                f"stdin line {number}: {too_big('one input line', MAX_CODE_LINE_BYTES)}"
            )
        if not raw.strip():
            continue
        try:
            pending.append(_parse_line(raw, number, lang))
        except UserError:
            _code(pending, out)
            _write(sink, out)  # what was coded before the bad line is kept
            raise
        count += 1
        if len(pending) >= batch:
            _code(pending, out)
        if flush_each or len(out) >= 4096:
            _write(sink, out)
    _code(pending, out)
    _write(sink, out)
    return count


def _code(pending: list[Item], out: list[str]) -> None:
    """Code the pending items as one batch, add their records to `out`, empty `pending`."""
    if not pending:
        return
    from simulator.coding import code_many

    codings = code_many([(text, lang, prev) for _, text, lang, prev in pending])
    for (item_id, _, _, _), coding in zip(pending, codings, strict=True):
        record = {"id": item_id, "codes": list(coding.codes), "evidence": coding.evidence}
        out.append(json.dumps(record, ensure_ascii=False))
    pending.clear()


def _write(sink: TextIO, out: list[str]) -> None:
    """Write and flush the records held in `out`, then empty it."""
    if out:
        sink.write("\n".join(out) + "\n")
        out.clear()
    sink.flush()


def run(args: argparse.Namespace) -> int:
    """Read standard input, write codes to standard output."""
    lang: Lang | None = None if args.lang == "auto" else args.lang
    code_stream(sys.stdin.buffer, sys.stdout, lang, flush_each=sys.stdin.isatty())
    return 0
