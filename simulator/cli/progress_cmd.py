"""`callsim progress`: ready for live calls or not yet, what is missing, and each dimension's
latest score and average."""

from __future__ import annotations

import argparse
import json


def register(sub: argparse._SubParsersAction) -> None:
    """Add the `progress` parser."""
    p = sub.add_parser(
        "progress",
        help="readiness for live calls over your recent calls",
        description="Judge the saved sessions by the progress rule of the rubric (`progress:` "
        "in rubric.yaml, or the file CALLSIM_RUBRIC names): ready for live calls or not yet, "
        "what is still missing, and each dimension's latest score and average.",
    )
    p.add_argument("--json", action="store_true", help="print the verdict as JSON")
    p.add_argument(
        "--lang",
        choices=["ru", "en"],
        help="language of the verdict (default: the app's interface language)",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Judge and print."""
    from simulator.codes import Lang
    from simulator.config import Settings, data_dir
    from simulator.progress import line, load_progress, missing_lines, rule_line, verdict_line
    from simulator.scoring.model import DIMENSIONS
    from simulator.store import Store

    lang: Lang = args.lang or (
        "ru" if Settings.load(data_dir(args.data_dir)).ui_lang == "ru" else "en"
    )
    store = Store.open(args.data_dir)
    try:
        progress = load_progress(store)
    finally:
        store.close()
    dimensions = {
        d: {
            "latest": progress.latest(d),
            "average": _rounded(progress.average(d)),
            "series": progress.series(d),
        }
        for d in DIMENSIONS
    }
    if args.json:
        out = {
            "ready": progress.ready,
            "verdict": verdict_line(progress, lang),
            "rule": progress.rule.model_dump(mode="json"),
            "missing": [
                {"kind": m.kind, "text": text}
                for m, text in zip(progress.missing, missing_lines(progress, lang), strict=True)
            ],
            "counted": [c.id for c in progress.counted],
            "sessions": len(progress.calls),
            "finished": len(progress.scored),
            "dimensions": dimensions,
        }
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return 0
    from simulator.export.labels import Labels

    labels = Labels(lang)
    print(verdict_line(progress, lang))
    print(rule_line(progress.rule, lang))
    if progress.missing:
        print(line("verdict.missing", lang))
        for text in missing_lines(progress, lang):
            print(f"  - {text}")
    print()
    names = {d: labels(f"dimension.{d}") for d in DIMENSIONS}
    pad = max(len(n) for n in names.values())
    print(f"{'':{pad}}  {line('table.latest', lang):>9}  {line('table.average', lang):>9}")
    for d in DIMENSIONS:
        latest, average = progress.latest(d), _rounded(progress.average(d))
        shown = ["—" if v is None else str(v) for v in (latest, average)]
        print(f"{names[d]:{pad}}  {shown[0]:>9}  {shown[1]:>9}")
    return 0


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 1)
