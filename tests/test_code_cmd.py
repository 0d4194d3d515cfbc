"""`callsim code` through the real command line (a subprocess), as a user or a script runs it."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any


def _callsim_code(stdin: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "simulator", "code", *args],
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
    )


def _records(stdout: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stdout.splitlines()]


def test_json_lines_in_order_with_ids_codes_and_evidence() -> None:
    lines = [
        {"id": "a", "text": "Что вас в этом больше всего тревожит?"},
        {"id": 2, "text": "Tell me your address so I can send you materials."},
        {"id": "c", "text": "Okay."},
        {"id": None, "text": "Каждый день вашего молчания — это новые смерти.", "lang": "ru"},
    ]
    result = _callsim_code("".join(json.dumps(item) + "\n" for item in lines))
    assert result.returncode == 0, result.stderr
    records = _records(result.stdout)
    assert [r["id"] for r in records] == ["a", 2, "c", None]
    assert records[0]["codes"] == ["open_question"]
    assert "unsafe" in records[1]["codes"]
    assert records[2] == {"id": "c", "codes": [], "evidence": {}}
    assert "guilt" in records[3]["codes"]
    for item, record in zip(lines, records, strict=True):
        assert set(record["evidence"]) == set(record["codes"])
        for spans in record["evidence"].values():
            assert all(span in item["text"] for span in spans)
    # Cyrillic is written as is, not as \\u escapes.
    assert "тревожит" in result.stdout


def test_plain_text_gets_line_numbers_and_blank_lines_are_skipped() -> None:
    result = _callsim_code("Вы сейчас на работе?\n\n   \nThat sounds really hard.\n")
    assert result.returncode == 0, result.stderr
    records = _records(result.stdout)
    assert [r["id"] for r in records] == [1, 4]
    assert records[0]["codes"] == ["closed_question"]
    assert records[1]["codes"] == ["empathy"]


def test_json_and_plain_text_lines_can_be_mixed() -> None:
    result = _callsim_code('{"id": "x", "text": "Are you at work now?"}\nЯсно.\n')
    assert result.returncode == 0, result.stderr
    assert [(r["id"], r["codes"]) for r in _records(result.stdout)] == [
        ("x", ["closed_question"]),
        (2, []),
    ]


def test_malformed_json_line_fails_with_its_line_number() -> None:
    result = _callsim_code('{"id": 1, "text": "Hello?"}\n\n{"id": 2, "text": \n')
    assert result.returncode == 1
    assert result.stderr.startswith("callsim: stdin line 3: not valid JSON")
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_missing_or_empty_text_and_bad_lang_are_named() -> None:
    missing = _callsim_code('{"id": 1}\n')
    assert missing.returncode == 1
    assert missing.stderr.strip() == (
        'callsim: stdin line 1: "text" is missing; give the utterance as a string'
    )
    empty = _callsim_code('Hello\n{"id": 2, "text": "  "}\n')
    assert empty.returncode == 1
    assert "stdin line 2:" in empty.stderr and "empty" in empty.stderr
    bad_lang = _callsim_code('{"id": 1, "text": "Hallo", "lang": "de"}\n')
    assert bad_lang.returncode == 1
    assert "stdin line 1:" in bad_lang.stderr and "'de'" in bad_lang.stderr


def test_lang_flag_picks_the_lexicon() -> None:
    text = "I'm not blaming you, you know.\n"
    auto = _records(_callsim_code(text).stdout)[0]
    forced = _callsim_code(text, "--lang", "ru")
    assert forced.returncode == 0, forced.stderr
    # The English negation cue only exists in the English lexicon; in Russian nothing matches.
    assert auto["codes"] == [] and _records(forced.stdout)[0]["codes"] == []
    english = _records(_callsim_code("You people believe anything.\n", "--lang", "en").stdout)
    assert english[0]["codes"] == ["confront"]
    # The learned heads read meaning, not script: hostility is still heard under --lang ru,
    # but the evidence can no longer come from an English cue.
    as_russian = _records(_callsim_code("You people believe anything.\n", "--lang", "ru").stdout)
    assert as_russian[0]["evidence"].get("confront") in (None, ["You people believe anything."])


def test_prev_gives_context_and_lines_are_coded_in_order() -> None:
    lines = [
        {"id": "a", "text": "Вам не стыдно?"},
        {
            "id": "b",
            "text": "То есть вам кажется, что вас никто не спрашивал.",
            "prev": "Меня никто не спрашивал, хочу я этого или нет.",
        },
        {"id": "c", "text": "Okay."},
    ]
    text = "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines * 20)
    records = _records(_callsim_code(text).stdout)
    assert [r["id"] for r in records] == ["a", "b", "c"] * 20
    assert "guilt" in records[0]["codes"] and "reflection" not in records[0]["codes"]
    assert "reflection" in records[1]["codes"]
    assert records[2]["codes"] == []


def test_bad_lang_flag_is_a_usage_error() -> None:
    result = _callsim_code("Hello\n", "--lang", "de")
    assert result.returncode == 2
    assert "invalid choice" in result.stderr
