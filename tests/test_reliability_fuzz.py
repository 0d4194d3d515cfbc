"""Property-based fuzzing of what a trainer or a script feeds callsim: persona files and
`callsim code` input. Whatever the bytes, the answer is a clean one-line problem, never a
traceback; listing personas never fails because one file is broken.
"""

from __future__ import annotations

import contextlib
import io
import json
import sys
import tempfile
import unicodedata
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator.cli import main as callsim
from simulator.codes import CODES
from simulator.persona_loader import PersonaError, Problem, load_persona, load_personas

REPO = Path(__file__).resolve().parent.parent
VALID_PERSONA = (REPO / "personas" / "firm-supporter.yaml").read_text(encoding="utf-8")
FUZZ = settings(
    max_examples=40,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)

# --- what goes into the files ---------------------------------------------------------------

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
)
yaml_values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.one_of(st.text(max_size=12), st.integers()), inner, max_size=4),
    ),
    max_leaves=20,
)
persona_keys = st.sampled_from(
    ["id", "name", "age", "place", "difficulty", "background", "beliefs", "dynamics",
     "opening_lines", "example_lines", "fallback_lines", "hangup_line", "ru", "en", "hostile"]
)  # fmt: skip
persona_shaped = st.dictionaries(persona_keys, yaml_values, max_size=8)


@st.composite
def mutated_persona(draw: st.DrawFn) -> bytes:
    """The shipped persona with a few random edits a careless trainer might make."""
    lines = VALID_PERSONA.splitlines(keepends=True)
    for _ in range(draw(st.integers(1, 4))):
        if not lines:
            break
        i = draw(st.integers(0, len(lines) - 1))
        op = draw(st.sampled_from(["drop", "dup", "indent", "dedent", "insert", "cut", "value"]))
        if op == "drop":
            del lines[i]
        elif op == "dup":
            lines.insert(i, lines[i])
        elif op == "indent":
            lines[i] = "  " + lines[i]
        elif op == "dedent":
            lines[i] = lines[i].lstrip()
        elif op == "insert":
            lines.insert(i, draw(st.text(max_size=40)) + "\n")
        elif op == "cut":
            lines = lines[:i] + [lines[i][: draw(st.integers(0, len(lines[i])))]]
        elif ":" in lines[i]:
            key = lines[i].split(":", 1)[0]
            lines[i] = f"{key}: {yaml.safe_dump(draw(scalars)).splitlines()[0]}\n"
    text = "".join(lines)
    encoding = draw(st.sampled_from(["utf-8", "utf-8", "utf-16", "cp1251"]))
    return text.encode(encoding, errors="replace")


persona_bytes = st.one_of(
    st.binary(max_size=600),
    yaml_values.map(lambda v: yaml.safe_dump(v, allow_unicode=True).encode()),
    persona_shaped.map(lambda v: yaml.safe_dump(v, allow_unicode=True).encode()),
    st.text(max_size=300).map(lambda t: t.encode("utf-8", errors="surrogatepass")),
    mutated_persona(),
)


def _control_chars(text: str) -> list[str]:
    return [repr(ch) for ch in text if unicodedata.category(ch) in ("Cc", "Cf")]


def _assert_one_clean_line(message: str, path: Path) -> None:
    """One line a terminal shows as it is: no line breaks, no escapes, no traceback."""
    assert message.startswith(str(path)), message
    assert "Traceback" not in message
    assert _control_chars(message[len(str(path)) :]) == [], message


def _echoes_a_raw_key(problem: Problem) -> bool:
    """The known loader bug pinned by `test_a_field_name_with_control_characters_is_escaped`:
    a mapping key is shown raw in the field path. Drop this and its use once that test passes."""
    return bool(_control_chars(problem.field))


@FUZZ
@given(data=persona_bytes)
def test_any_persona_file_loads_or_fails_with_one_clean_line(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "firm-supporter.yaml"
        path.write_bytes(data)
        try:
            load_persona(path)
        except PersonaError as exc:
            assert exc.problems
            for problem in exc.problems:
                assert problem.line >= 1 and problem.column >= 1
                if not _echoes_a_raw_key(problem):
                    _assert_one_clean_line(str(problem), path)
            if not _echoes_a_raw_key(exc.problems[0]):
                _assert_one_clean_line(str(exc), path)


@pytest.mark.parametrize("key", ["\\n", "a\\rb", "\\e[2J\\e[31m", "x\\u202ey"])
def test_a_field_name_with_control_characters_is_escaped(tmp_path: Path, key: str) -> None:
    path = tmp_path / "firm-supporter.yaml"
    path.write_text(VALID_PERSONA + f'\n"{key}": 1\n', encoding="utf-8")
    with pytest.raises(PersonaError) as caught:
        load_persona(path)
    unknown = [p for p in caught.value.problems if "unknown field" in p.message]
    assert len(unknown) == 1
    _assert_one_clean_line(str(unknown[0]), path)


@FUZZ
@given(files=st.lists(persona_bytes, min_size=1, max_size=4))
def test_listing_personas_never_fails_because_of_a_broken_file(files: list[bytes]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        paths = [Path(folder) / f"p{i}.yaml" for i in range(len(files))]
        for path, data in zip(paths, files, strict=True):
            path.write_bytes(data)
        (Path(folder) / "good.yaml").write_text(
            VALID_PERSONA.replace("id: firm-supporter", "id: good"), encoding="utf-8"
        )
        entries = load_personas([Path(folder)])
    assert [e.id for e in entries] == sorted(["good", *(p.stem for p in paths)])
    assert next(e for e in entries if e.id == "good").valid
    for entry in entries:
        if not entry.valid:
            assert entry.error is not None and entry.error.startswith(str(entry.path))
            assert "Traceback" not in entry.error


# --- callsim code ---------------------------------------------------------------------------

NASTY_LINES = ["{", '{"text": ', "{}", "[]", "null", '{"text": "\\ud800"}', "\x00", "\ufeff{"]
langs = st.one_of(st.sampled_from(["ru", "en", "auto", "de"]), scalars)
json_ish_line = st.one_of(
    st.text(max_size=80),
    yaml_values.map(lambda v: json.dumps(v, ensure_ascii=False, default=str)),
    st.fixed_dictionaries(
        {"text": st.one_of(st.text(max_size=60), scalars, yaml_values)},
        optional={"id": yaml_values, "lang": langs},
    ).map(lambda v: json.dumps(v, ensure_ascii=False, default=str)),
    st.sampled_from(NASTY_LINES),
)


def _run_code(stdin: bytes, *flags: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    real_stdin = sys.stdin
    sys.stdin = io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8")
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = callsim(["code", *flags])
    finally:
        sys.stdin = real_stdin
    return code, out.getvalue(), err.getvalue()


def _check_code_run(stdin: bytes, flags: tuple[str, ...]) -> None:
    code, out, err = _run_code(stdin, *flags)
    assert code in (0, 1), (code, err)
    assert "Traceback" not in err
    if code == 1:
        lines = err.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("callsim: stdin line "), err
        return
    assert err == ""
    expected = sum(1 for line in stdin.split(b"\n") if line.strip())
    records = [json.loads(line) for line in out.split("\n") if line]
    assert len(records) == expected
    for record in records:
        assert set(record) == {"id", "codes", "evidence"}
        assert set(record["codes"]) <= set(CODES)
        assert set(record["evidence"]) <= set(record["codes"])


@FUZZ
@given(
    lines=st.lists(json_ish_line, max_size=6),
    flags=st.sampled_from([(), ("--lang", "ru"), ("--lang", "en"), ("--lang", "auto")]),
)
def test_callsim_code_answers_any_text_with_codes_or_one_line(
    lines: list[str], flags: tuple[str, ...]
) -> None:
    stdin = "\n".join(lines).encode("utf-8", errors="surrogatepass")
    _check_code_run(stdin, flags)


@FUZZ
@given(stdin=st.binary(max_size=300))
def test_callsim_code_answers_any_bytes_with_codes_or_one_line(stdin: bytes) -> None:
    _check_code_run(stdin, ())
