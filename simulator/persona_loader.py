"""Load persona YAML files, reporting every problem as `PATH:LINE:COLUMN: field.path: message`.

A trainer's typo must come back as one line naming the file, the line and the field, never
as a traceback. The YAML is composed into nodes (which remember where they start) and then
constructed; pydantic's error locations are walked back through those nodes.
"""

from __future__ import annotations

import difflib
import typing
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from simulator.codes import LANGS, Lang
from simulator.config import data_dir, persona_dirs
from simulator.errors import UserError
from simulator.limits import (
    MAX_PERSONA_BYTES,
    MAX_PERSONA_TEXT_CHARS,
    MAX_YAML_DEPTH,
    MAX_YAML_VALUES,
    InputError,
    read_bounded,
)
from simulator.persona import Difficulty, Persona
from simulator.persona_checks import Loc, persona_findings
from simulator.safe_text import printable, unsafe_char

PERSONA_SUFFIXES = (".yaml", ".yml")
FILE_FIELD = "(file)"
"""The field shown for problems with the file as a whole (unreadable, not YAML, not a mapping)."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a persona file, at a 1-based line and column."""

    path: Path
    line: int
    column: int
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}:{self.column}"
        # One line, and nothing in a file name or a hostile value can act on the terminal.
        return f"{printable(where)}: {printable(self.field)}: {printable(self.message)}"


class PersonaError(UserError):
    """A persona file that cannot be used; `problems` lists everything found, in file order."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        first = str(self.problems[0]) if self.problems else "invalid persona"
        more = len(self.problems) - 1
        super().__init__(first + (f" (and {more} more problem{'s' * (more > 1)})" if more else ""))


@dataclass(frozen=True)
class PersonaEntry:
    """A persona file found in a personas folder, loaded or not."""

    id: str
    """The file name without its suffix (a valid persona's `id` equals it)."""
    path: Path
    persona: Persona | None
    """The loaded persona, or None when the file is invalid."""
    error: str | None
    """Why the file is invalid (its first problem), or None when it is valid."""

    @property
    def valid(self) -> bool:
        """Whether the persona loaded and can be played."""
        return self.persona is not None

    def name(self, lang: Lang = "en") -> str:
        """How the respondent is shown in `lang`; the id when the file is invalid."""
        return self.persona.name.get(lang) if self.persona else self.id

    @property
    def difficulty(self) -> Difficulty | None:
        """easy, medium or hard; None when the file is invalid."""
        return self.persona.difficulty if self.persona else None

    @property
    def languages(self) -> list[Lang]:
        """Languages the persona is playable in (every valid persona has all of them)."""
        return list(LANGS) if self.persona else []


# -- reading and parsing ------------------------------------------------------------------


def _file_problem(path: Path, message: str, line: int = 1, column: int = 1) -> PersonaError:
    return PersonaError([Problem(path, line, column, FILE_FIELD, message)])


def _read_text(path: Path) -> str:
    if path.is_dir():
        raise _file_problem(path, "is a folder, not a persona file")
    try:
        # Only a regular file of bounded size is read: a symlink to /dev/zero, a FIFO or a
        # pasted log is refused at once instead of hanging every listing of the folder.
        raw = read_bounded(path, MAX_PERSONA_BYTES, "a persona file")
    except InputError as exc:
        raise _file_problem(path, exc.reason) from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        byte = raw[exc.start]
        raise _file_problem(
            path, f"not UTF-8 text (byte 0x{byte:02x}); save the file as UTF-8", line, column
        ) from None


# libyaml parses a persona ten times faster; the pure-Python parser is the fallback.
_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_BaseLoader):  # type: ignore[valid-type,misc]
    """Safe loader that turns any constructor failure into a YAML error at the node."""

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep)
        except yaml.YAMLError:
            raise
        except (ValueError, TypeError, OverflowError) as exc:
            raise _UnreadableValue(
                node, f"cannot read this value ({exc}); quote it if it is text"
            ) from None


class _UnreadableValue(yaml.YAMLError):
    """A scalar YAML could parse but not turn into a value (e.g. the date 2022-13-45)."""

    def __init__(self, node: yaml.Node, message: str) -> None:
        super().__init__(message)
        self.node = node
        self.message = message


def _loc_of(root: yaml.Node, target: yaml.Node, prefix: Loc = ()) -> Loc | None:
    """The field path from `root` down to `target`, if `target` is in the tree."""
    if root is target:
        return prefix
    children: list[tuple[int | str, yaml.Node]] = []
    if isinstance(root, yaml.MappingNode):
        children = [(str(key.value), value) for key, value in root.value]
    elif isinstance(root, yaml.SequenceNode):
        children = list(enumerate(root.value))
    for part, child in children:
        found = _loc_of(child, target, (*prefix, part))
        if found is not None:
            return found
    return None


def _yaml_problem(path: Path, text: str, exc: yaml.YAMLError) -> PersonaError:
    if isinstance(exc, yaml.MarkedYAMLError) and exc.problem_mark is not None:
        mark = exc.problem_mark
        message = exc.problem or "invalid YAML"
        if exc.context:
            message = (
                f"{exc.context}: {message}"
                if exc.context_mark is None
                else (f"{message} ({exc.context} at line {exc.context_mark.line + 1})")
            )
        return _file_problem(path, f"YAML: {message}", mark.line + 1, mark.column + 1)
    if isinstance(exc, yaml.reader.ReaderError):
        line = text.count("\n", 0, exc.position) + 1
        column = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        return _file_problem(
            path, f"character #x{exc.character:04x} is not allowed in YAML", line, column
        )
    return _file_problem(path, f"YAML: {exc}")


def _parse(path: Path, text: str) -> tuple[yaml.Node, Any]:
    """The document's root node (for positions) and its data."""
    loader: _Loader | None = None
    node: yaml.Node | None = None
    try:
        loader = _Loader(text)
        node = loader.get_single_node()
        if node is None:
            raise _file_problem(path, "file is empty; a persona is a mapping of fields")
        _check_shape(path, node)
        data = loader.construct_document(node)
    except _UnreadableValue as exc:
        loc = _loc_of(node, exc.node) if node is not None else None
        raise PersonaError([_problem_at(path, exc.node, loc or (), exc.message)]) from None
    except yaml.YAMLError as exc:
        raise _yaml_problem(path, text, exc) from None
    except RecursionError:
        raise _file_problem(path, "YAML is nested far too deeply") from None
    finally:
        if loader is not None:
            loader.dispose()
    return node, data


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _check_shape(path: Path, root: yaml.Node) -> None:
    """Refuse a document whose aliases (`*name`) refer to themselves or expand past
    `MAX_YAML_VALUES` values ("billion laughs"), or that nests deeper than `MAX_YAML_DEPTH`.

    Aliases make the node graph a DAG that can stand for an astronomically large tree; its
    expanded size and depth are computed on the graph itself (each node once, no recursion),
    so every later walk of the tree is known to be small before it starts."""
    size: dict[int, int] = {}
    height: dict[int, int] = {}
    on_path = {id(root)}
    stack: list[tuple[yaml.Node, Iterator[yaml.Node]]] = [(root, iter(_children(root)))]
    while stack:
        node, pending = stack[-1]
        for child in pending:
            key = id(child)
            if key in size:
                continue
            if isinstance(child, yaml.ScalarNode):  # most nodes: no need to visit them
                size[key] = height[key] = 1
                continue
            if key in on_path:
                raise _file_problem(
                    path,
                    "YAML alias refers to the value that contains it; aliases must not loop",
                    child.start_mark.line + 1,
                    child.start_mark.column + 1,
                )
            on_path.add(key)
            stack.append((child, iter(_children(child))))
            break
        else:
            stack.pop()
            key = id(node)
            on_path.discard(key)
            children = _children(node)
            size[key] = 1 + sum([size[id(c)] for c in children])
            height[key] = 1 + max([height[id(c)] for c in children], default=0)
    if height[id(root)] > MAX_YAML_DEPTH:
        raise _file_problem(
            path, f"YAML nested deeper than {MAX_YAML_DEPTH} levels, the limit for a persona"
        )
    if size[id(root)] > MAX_YAML_VALUES:
        raise _file_problem(
            path,
            f"YAML has more than {MAX_YAML_VALUES:,} values once aliases (*name) are "
            "expanded, the limit for a persona",
        )


def _text_problems(path: Path, node: yaml.Node, prefix: Loc = ()) -> list[Problem]:
    """Texts with characters a terminal would obey (escape sequences, other controls, bidi
    overrides; newlines and tabs are fine) or longer than `MAX_PERSONA_TEXT_CHARS`: persona
    texts reach volunteers' screens and the model's prompt."""
    problems: list[Problem] = []
    if isinstance(node, yaml.ScalarNode) and isinstance(node.value, str):
        bad = unsafe_char(node.value, multiline=True)
        if bad is not None:
            char = printable(node.value[bad])
            problems.append(
                _problem_at(
                    path,
                    node,
                    prefix,
                    f"contains the control character {char} (character {bad + 1} of the "
                    "text); persona texts are plain text, remove it",
                )
            )
        elif len(node.value) > MAX_PERSONA_TEXT_CHARS:
            problems.append(
                _problem_at(
                    path,
                    node,
                    prefix,
                    f"text is {len(node.value):,} characters; the limit is "
                    f"{MAX_PERSONA_TEXT_CHARS:,}",
                )
            )
    elif isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            problems += _text_problems(path, key, (*prefix, "[key]"))
            problems += _text_problems(path, value, (*prefix, str(key.value)))
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            problems += _text_problems(path, item, (*prefix, index))
    return problems


def _duplicate_keys(path: Path, node: yaml.Node, prefix: Loc = ()) -> list[Problem]:
    """Keys repeated in one mapping: YAML keeps the last silently, which hides mistakes.
    (Runs after `_check_shape`, so the tree it walks is small and shallow.)"""
    problems: list[Problem] = []
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, yaml.Node] = {}
        for key, value in node.value:
            name = str(key.value)
            if name in seen:
                first = seen[name].start_mark.line + 1
                problems.append(
                    _problem_at(path, key, (*prefix, name), f"repeated key (first at line {first})")
                )
            seen[name] = key
            problems += _duplicate_keys(path, value, (*prefix, name))
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            problems += _duplicate_keys(path, item, (*prefix, index))
    return problems


# -- mapping pydantic errors back to the YAML ----------------------------------------------


def field_path(loc: Loc) -> str:
    """`('example_lines', 'open', 'ru', 2)` -> `example_lines.open.ru[2]`."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part != "[key]":
            out += f".{part}" if out else str(part)
    return out or "(top level)"


def _problem_at(path: Path, node: yaml.Node, loc: Loc, message: str) -> Problem:
    mark = node.start_mark
    return Problem(path, mark.line + 1, mark.column + 1, field_path(loc), message)


def _node_at(root: yaml.Node, loc: Loc) -> yaml.Node:
    """The deepest node along `loc`: the value itself, its key for a bad key, or the mapping
    that should have held a missing field."""
    node = root
    key_node: yaml.Node | None = None
    for part in loc:
        if part == "[key]" and key_node is not None:
            return key_node
        child: yaml.Node | None = None
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if str(key.value) == str(part):
                    key_node, child = key, value
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if 0 <= part < len(node.value):
                child = node.value[part]
        if child is None:
            return node
        node = child
    return node


def _model_at(loc: Loc) -> type[BaseModel] | None:
    """The pydantic model at `loc` (to suggest field names for a typo), if there is one."""
    current: Any = Persona
    for part in loc:
        origin = typing.get_origin(current)
        if origin in (list, dict):
            current = typing.get_args(current)[-1]  # the item or value type
        elif _is_model(current) and isinstance(part, str) and part in current.model_fields:
            current = current.model_fields[part].annotation
        else:
            return None
    return current if _is_model(current) else None


def _is_model(value: Any) -> bool:
    return isinstance(value, type) and issubclass(value, BaseModel)


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _message(error: Any) -> str:
    kind, loc, value = error["type"], tuple(error["loc"]), error.get("input")
    if kind == "missing":
        return "required field is missing"
    if kind == "extra_forbidden":
        model = _model_at(loc[:-1])
        allowed = list(model.model_fields) if model else []
        close = difflib.get_close_matches(str(loc[-1]), allowed, n=1)
        if close:
            return f"unknown field; did you mean {close[0]!r}?"
        return "unknown field" + (f"; allowed: {', '.join(allowed)}" if allowed else "")
    message = str(error["msg"]).removeprefix("Value error, ")
    if kind in _SHOW_INPUT and not isinstance(value, dict | list):
        message += f", got {_shown(value)}"
        if kind == "string_type" and value is not None:
            # YAML reads yes/no/on/off as booleans and 12:30 or 2022-03-01 as numbers/dates.
            message += "; put the text in quotes"
    return message


_SHOW_INPUT = frozenset(
    {
        "string_type",
        "int_type",
        "int_parsing",
        "float_type",
        "float_parsing",
        "bool_type",
        "literal_error",
        "dict_type",
        "list_type",
        "model_type",
        "string_pattern_mismatch",
        "int_from_float",
        "enum",
    }
)
"""Error kinds where showing the value found helps the trainer see the mistake."""


def _validation_problems(path: Path, root: yaml.Node, exc: ValidationError) -> list[Problem]:
    problems = []
    for error in exc.errors(include_url=False):
        loc = tuple(error["loc"])
        target = _node_at(root, loc[:-1] if error["type"] == "missing" else loc)
        if error["type"] == "extra_forbidden":
            # point at the misspelt key, not at its value
            target = _key_node(root, loc) or target
        problems.append(_problem_at(path, target, loc, _message(error)))
    return problems


def _key_node(root: yaml.Node, loc: Loc) -> yaml.Node | None:
    parent = _node_at(root, loc[:-1])
    if isinstance(parent, yaml.MappingNode):
        for key, _ in parent.value:
            if str(key.value) == str(loc[-1]):
                return key
    return None


# -- public API ---------------------------------------------------------------------------


def load_persona(path: Path) -> Persona:
    """Read and validate one persona file; raises `PersonaError` listing every problem."""
    path = Path(path)
    text = _read_text(path)
    root, data = _parse(path, text)
    if not isinstance(data, dict):
        kind = "a list" if isinstance(data, list) else f"a single value ({_shown(data)})"
        raise _file_problem(
            path,
            f"a persona file is a mapping of fields (id: ..., name: ...), found {kind}",
            root.start_mark.line + 1,
            root.start_mark.column + 1,
        )
    problems = _duplicate_keys(path, root) + _text_problems(path, root)
    persona: Persona | None = None
    try:
        persona = Persona.model_validate(data)
    except ValidationError as exc:
        problems += _validation_problems(path, root, exc)
    if persona is not None and persona.id != path.stem:
        problems.append(
            _problem_at(
                path,
                _node_at(root, ("id",)),
                ("id",),
                f"is {persona.id!r} but the file is {path.name}; they must match",
            )
        )
    if persona is not None:
        problems += _lore_problems(path, root, persona)
    if problems or persona is None:
        raise PersonaError(sorted(problems, key=lambda p: (p.line, p.column)))
    return persona


def _lore_problems(path: Path, root: yaml.Node, persona: Persona) -> list[Problem]:
    """What `persona_checks` finds beyond the schema (repeated ids and lines, keys without
    words, wrong grammatical gender, lines spoken as the caller), each at its line."""

    def where(loc: Loc) -> str:
        return f"{field_path(loc)} (line {_node_at(root, loc).start_mark.line + 1})"

    return [
        _problem_at(path, _node_at(root, finding.loc), finding.loc, finding.message)
        for finding in persona_findings(persona, where)
    ]


def persona_files(directory: Path) -> list[Path]:
    """Persona files directly in `directory`, sorted by name (none if it does not exist)."""
    if not directory.is_dir():
        return []
    return sorted(p for p in directory.iterdir() if p.suffix in PERSONA_SUFFIXES and not p.is_dir())


def _load_entry(path: Path) -> PersonaEntry:
    try:
        return PersonaEntry(path.stem, path, load_persona(path), None)
    except PersonaError as exc:
        # A valid persona's id matches a strict pattern; an invalid file's name may hold
        # anything, and it is shown.
        return PersonaEntry(printable(path.stem), path, None, str(exc))


def load_personas(dirs: Sequence[Path]) -> list[PersonaEntry]:
    """Every persona file in `dirs`, valid or not, sorted by id.

    A broken file becomes an invalid entry and never stops the others. A persona in a later
    folder replaces one with the same id in an earlier folder (so a trainer's edited copy in
    the data directory wins over the bundled one). Two files with the same id in one folder
    (`x.yaml` and `x.yml`) make an invalid entry naming both.
    """
    entries: dict[str, PersonaEntry] = {}
    for directory in dirs:
        in_this_dir: dict[str, PersonaEntry] = {}
        for path in persona_files(Path(directory)):
            entry = _load_entry(path)
            clash = in_this_dir.get(entry.id)
            if clash is not None:
                problem = Problem(
                    path, 1, 1, FILE_FIELD, f"same persona id as {clash.path.name}; keep one file"
                )
                entry = PersonaEntry(entry.id, path, None, str(problem))
            in_this_dir[entry.id] = entry
        entries.update(in_this_dir)
    return [entries[key] for key in sorted(entries)]


def find_persona(persona_id: str, dirs: Sequence[Path]) -> Persona:
    """The valid persona `persona_id`; `UserError` naming the known ids when it is unknown,
    or the file's first problem when it is invalid."""
    entries = load_personas(dirs)
    for entry in entries:
        if entry.id == persona_id:
            if entry.persona is None:
                raise UserError(f"persona {persona_id!r} is invalid: {entry.error}")
            return entry.persona
    known = ", ".join(e.id for e in entries if e.valid) or "none"
    where = ", ".join(str(d) for d in dirs)
    raise UserError(f"unknown persona {persona_id!r}; known: {known} (looked in {where})")


def default_persona_dirs(data_override: str | None = None) -> list[Path]:
    """The folders personas load from by default (see `simulator.config.persona_dirs`);
    `data_override` is the `--data-dir` flag, if given."""
    return persona_dirs(data_dir(data_override))
