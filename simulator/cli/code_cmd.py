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
import os
import sys
from typing import TYPE_CHECKING, Any, BinaryIO, TextIO

from simulator.codes import LANGS, Lang
from simulator.errors import UserError
from simulator.limits import (
    MAX_CODE_LINE_BYTES,
    MAX_JSON_DEPTH,
    MAX_TURN_CHARS,
    json_depth_problem,
    too_big,
)

if TYPE_CHECKING:
    from simulator.coding import Batch  # imported when coding starts: other commands skip it


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
    coding = _Pipeline()
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
            coding.drain(pending, sink)  # what was coded before the bad line is kept
            raise UserError(
                f"stdin line {number}: {too_big('one input line', MAX_CODE_LINE_BYTES)}"
            )
        if not raw.strip():
            continue
        try:
            pending.append(_parse_line(raw, number, lang))
        except UserError:
            coding.drain(pending, sink)  # what was coded before the bad line is kept
            raise
        count += 1
        if len(pending) >= batch:
            coding.push(pending, keep_ahead=not flush_each)
            pending = []
        if flush_each or len(coding.out) >= 4096:
            _write(sink, coding.out)
    coding.drain(pending, sink)
    return count


class _Pipeline:
    """Batches on their way through the coder: the newest one's embedding runs in the encoder's
    worker while the one before it is finished here (lexicon, heads, JSON)."""

    def __init__(self) -> None:
        self.ahead: tuple[list[Item], Batch] | None = None
        self.out: list[str] = []

    def push(self, items: list[Item], *, keep_ahead: bool) -> None:
        """Start coding `items`; finish the batch before them (and these too unless
        `keep_ahead`)."""
        from simulator.coding import start_batch

        started = start_batch([(text, lang, prev) for _, text, lang, prev in items])
        self._finish()
        self.ahead = (items, started)
        if not keep_ahead:
            self._finish()

    def drain(self, items: list[Item], sink: TextIO) -> None:
        """Code `items` and everything still under way, and write it all to `sink`."""
        if items:
            self.push(items, keep_ahead=False)
        self._finish()
        _write(sink, self.out)

    def _finish(self) -> None:
        if self.ahead is None:
            return
        from simulator.coding import finish_batch

        items, started = self.ahead
        self.ahead = None
        for (item_id, _, _, _), coding in zip(items, finish_batch(started), strict=True):
            record = {"id": item_id, "codes": list(coding.codes), "evidence": coding.evidence}
            self.out.append(json.dumps(record, ensure_ascii=False))


def _write(sink: TextIO, out: list[str]) -> None:
    """Write and flush the records held in `out`, then empty it."""
    if out:
        sink.write("\n".join(out) + "\n")
        out.clear()
    sink.flush()


def _one_blas_thread() -> None:
    """Keep numpy's BLAS to one thread here and in the encoder's worker: the heads' small
    matrix products gain nothing from a second one, whose spinning takes the core the encoder
    needs (set before numpy loads, so the worker process inherits it)."""
    for name in ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(name, "1")


def run(args: argparse.Namespace) -> int:
    """Read standard input, write codes to standard output."""
    lang: Lang | None = None if args.lang == "auto" else args.lang
    _one_blas_thread()
    if not sys.stdin.isatty():
        from simulator.coding.encoder import use_worker_process

        use_worker_process()  # a file: the encoder gets a core and a process of its own
    code_stream(sys.stdin.buffer, sys.stdout, lang, flush_each=sys.stdin.isatty())
    return 0
