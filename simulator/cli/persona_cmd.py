"""`callsim personas` and `callsim persona validate|schema|new`: list, check and create personas."""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

from simulator.config import data_dir
from simulator.errors import UserError
from simulator.persona import persona_json_schema_text
from simulator.persona_loader import (
    FILE_FIELD,
    PersonaEntry,
    PersonaError,
    Problem,
    default_persona_dirs,
    load_persona,
    load_personas,
    persona_files,
)

SKELETON = Path(__file__).resolve().parent.parent / "data" / "persona_skeleton.yaml"
SCHEMA_FILE_NAME = "persona.schema.json"
PERSONA_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")


def register(sub: argparse._SubParsersAction) -> None:
    """Add the `personas` and `persona` parsers."""
    listing = sub.add_parser(
        "personas",
        help="list personas, valid and invalid",
        description="List the personas found in the persona folders (the bundled ones, then "
        "personas/ under the data directory; CALLSIM_PERSONAS_DIR replaces both). A persona "
        "in a later folder replaces one with the same id in an earlier folder.",
    )
    listing.add_argument("--json", action="store_true", help="print a JSON list")
    listing.add_argument(
        "--lang", choices=["ru", "en"], default="en", help="language of the names (default en)"
    )
    listing.set_defaults(func=run_list)

    persona = sub.add_parser(
        "persona",
        help="check, describe or create persona files",
        description="Work with persona YAML files.",
    )
    actions = persona.add_subparsers(dest="persona_command", metavar="ACTION", required=True)

    validate = actions.add_parser(
        "validate",
        help="check persona files",
        description="Check persona files. Exit status 0 when all are valid; otherwise 1, with "
        "one line per problem on standard output, `PATH:LINE:COLUMN: field.path: message`, and "
        "a one-line summary on standard error.",
    )
    validate.add_argument(
        "paths", nargs="+", metavar="PATH", type=Path, help="persona files, or folders of them"
    )
    validate.set_defaults(func=run_validate)

    schema = actions.add_parser(
        "schema",
        help="print the persona JSON Schema",
        description="Print the JSON Schema of persona files (for editors: start a persona "
        f"with `# yaml-language-server: $schema={SCHEMA_FILE_NAME}`).",
    )
    schema.set_defaults(func=run_schema)

    new = actions.add_parser(
        "new",
        help="write a new persona skeleton to fill in",
        description="Write ID.yaml, a commented skeleton with TODO placeholders, and the JSON "
        "Schema next to it for editor completion. The file will not validate until every TODO "
        "is replaced. Never overwrites a persona.",
    )
    new.add_argument(
        "id", metavar="ID", help="lowercase letters, digits and dashes, e.g. taxi-driver"
    )
    new.add_argument(
        "--dir",
        type=Path,
        metavar="DIR",
        help="where to write it (default: personas/ under the data directory, which the app reads)",
    )
    new.set_defaults(func=run_new)

    from simulator.cli.persona_test_cmd import register_into

    register_into(actions)


def entry_json(entry: PersonaEntry, lang: str = "en") -> dict[str, object]:
    """One `callsim personas --json` entry."""
    return {
        "id": entry.id,
        "name": entry.name("ru" if lang == "ru" else "en") if entry.valid else None,
        "difficulty": entry.difficulty,
        "languages": entry.languages,
        "path": str(entry.path),
        "valid": entry.valid,
        "error": entry.error,
    }


def run_list(args: argparse.Namespace) -> int:
    """Print every persona as a table or as JSON."""
    entries = load_personas(default_persona_dirs(args.data_dir))
    if args.json:
        rows = [entry_json(e, args.lang) for e in entries]
        json.dump(rows, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return 0
    if not entries:
        print("No personas found.", file=sys.stderr)
        return 0
    table = [("ID", "DIFFICULTY", "LANGUAGES", "NAME", "STATUS")]
    for e in entries:
        status = "ok" if e.valid else "INVALID"
        table.append(
            (
                e.id,
                e.difficulty or "-",
                ",".join(e.languages) or "-",
                e.name(args.lang) if e.valid else "-",
                status,
            )
        )
    widths = [max(len(row[i]) for row in table) for i in range(len(table[0]))]
    for row in table:
        print(
            "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        )
    invalid = [e for e in entries if not e.valid]
    if invalid:
        print()
        for e in invalid:
            print(e.error)
    return 0


def _expand(paths: list[Path]) -> tuple[list[Path], list[Problem]]:
    files: list[Path] = []
    problems: list[Problem] = []
    for path in paths:
        if path.is_dir():
            found = persona_files(path)
            if not found:
                problems.append(
                    Problem(
                        path, 1, 1, FILE_FIELD, "no persona files (*.yaml, *.yml) in this folder"
                    )
                )
            files += found
        else:
            files.append(path)
    return files, problems


def run_validate(args: argparse.Namespace) -> int:
    """Check each file; print every problem on standard output, a summary on standard error."""
    files, problems = _expand(args.paths)
    bad_files = len(problems)
    for path in files:
        try:
            load_persona(path)
        except PersonaError as exc:
            problems += exc.problems
            bad_files += 1
    for problem in problems:
        print(problem)
    checked = len(files)
    if problems:
        print(
            f"callsim: {len(problems)} problem{'s' * (len(problems) != 1)} in {bad_files} of "
            f"{checked} file{'s' * (checked != 1)}",
            file=sys.stderr,
        )
        return 1
    print(f"callsim: {checked} persona file{'s' * (checked != 1)} valid", file=sys.stderr)
    return 0


def run_schema(args: argparse.Namespace) -> int:
    """Print the JSON Schema."""
    sys.stdout.write(persona_json_schema_text())
    return 0


def skeleton_text(persona_id: str) -> str:
    """The commented skeleton of a new persona with id `persona_id`."""
    return SKELETON.read_text(encoding="utf-8").replace("__ID__", persona_id)


def run_new(args: argparse.Namespace) -> int:
    """Write a skeleton persona and the schema beside it; refuse to overwrite."""
    persona_id: str = args.id
    if not PERSONA_ID.fullmatch(persona_id):
        raise UserError(
            f"persona id {persona_id!r} must be lowercase letters, digits and dashes, "
            "starting with a letter or digit (e.g. taxi-driver)"
        )
    directory: Path = args.dir or data_dir(args.data_dir) / "personas"
    target = directory / f"{persona_id}.yaml"
    for existing in (target, target.with_suffix(".yml")):
        if existing.exists():
            raise UserError(f"{existing} already exists; choose another id or remove that file")
    try:
        directory.mkdir(parents=True, exist_ok=True)
        with target.open("x", encoding="utf-8") as out:
            out.write(skeleton_text(persona_id))
        (directory / SCHEMA_FILE_NAME).write_text(persona_json_schema_text(), encoding="utf-8")
    except FileExistsError:
        raise UserError(f"{target} already exists; choose another id or remove that file") from None
    except OSError as exc:
        raise UserError(f"cannot write {target}: {exc.strerror or exc}") from None
    print(target)
    print(f"Fill in every TODO, then check it: callsim persona validate {target}", file=sys.stderr)
    return 0
