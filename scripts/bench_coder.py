#!/usr/bin/env python3
"""Utterances per second through `callsim code` (a subprocess, start-up included) and
through the Python API (`code_utterance`), median of a few runs.

The input is the project's labelled test set (Russian and English), repeated to the requested
number of lines, written as JSON Lines with `--lang auto`, so language detection, lemma lookup,
matching and JSON output are all measured.

Usage: .venv/bin/python scripts/bench_coder.py [--lines 5000] [--runs 3] [--json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

TESTSET = REPO / "tests" / "data" / "coder_testset.jsonl"
FALLBACK = [
    "Что вас в этом больше всего тревожит?",
    "Вы сейчас на работе?",
    "То есть вам кажется, что таких, как вы, никто не спрашивал.",
    "Молодых ребят хоронят в обеих странах.",
    "What worries you most about it?",
    "So you feel nobody asked people like you.",
    "Look up the casualty figures, they're public.",
    "Okay.",
]


def _texts(lines: int) -> list[str]:
    if TESTSET.exists():
        with TESTSET.open(encoding="utf-8") as handle:
            base = [json.loads(line)["text"] for line in handle if line.strip()]
    else:
        base = FALLBACK
    return [base[i % len(base)] for i in range(lines)]


def bench_cli(texts: list[str], runs: int) -> float:
    """Median utterances per second of `python -m simulator code` over the whole input."""
    payload = "".join(
        json.dumps({"id": i, "text": text}, ensure_ascii=False) + "\n"
        for i, text in enumerate(texts)
    ).encode("utf-8")
    rates = []
    for _ in range(runs):
        start = time.perf_counter()
        result = subprocess.run(
            [sys.executable, "-m", "simulator", "code"],
            input=payload,
            capture_output=True,
            check=False,
            cwd=REPO,
        )
        elapsed = time.perf_counter() - start
        if result.returncode != 0:
            raise SystemExit(f"callsim code failed: {result.stderr.decode(errors='replace')}")
        if result.stdout.count(b"\n") != len(texts):
            raise SystemExit("callsim code wrote the wrong number of lines")
        rates.append(len(texts) / elapsed)
    return statistics.median(rates)


def bench_api(texts: list[str], runs: int) -> tuple[float, float]:
    """(first pass, median warm pass) utterances per second of `code_utterance` in-process."""
    from simulator.coding import code_utterance

    rates = []
    for _ in range(runs + 1):
        start = time.perf_counter()
        for text in texts:
            code_utterance(text)
        rates.append(len(texts) / (time.perf_counter() - start))
    return rates[0], statistics.median(rates[1:])


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print a table (or JSON)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, default=5000, help="utterances per run")
    parser.add_argument("--runs", type=int, default=3, help="runs; the median is reported")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    texts = _texts(args.lines)
    cli = bench_cli(texts, args.runs)
    api_first, api_warm = bench_api(texts, args.runs)
    figures = {
        "lines": len(texts),
        "runs": args.runs,
        "cli_utterances_per_s": round(cli),
        "api_first_pass_utterances_per_s": round(api_first),
        "api_warm_utterances_per_s": round(api_warm),
    }
    if args.json:
        print(json.dumps(figures, indent=2))
        return 0
    print(f"{len(texts)} utterances (ru+en, --lang auto), median of {args.runs} runs")
    print(f"  {'path':<44} {'utterances/s':>12}")
    print(f"  {'callsim code (subprocess, start-up included)':<44} {cli:>12,.0f}")
    print(f"  {'code_utterance, first pass (cold caches)':<44} {api_first:>12,.0f}")
    print(f"  {'code_utterance, warm':<44} {api_warm:>12,.0f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
