#!/usr/bin/env python
"""callsim's performance figures, measured side by side in one run, against their targets.

    .venv/bin/python scripts/bench.py            # a table
    .venv/bin/python scripts/bench.py --json     # one JSON object on standard output
    .venv/bin/python scripts/bench.py --quick    # fewer repetitions (about a minute)

Figures (medians over several runs unless said otherwise):

- time to first token of the respondent's reply at volunteer turns 1, 10 and 20 of one call
  through the engine (`Call` + `EmbeddedBackend` + bundled model, `tests/data/scripts/long.ru.txt`)
  against raw `llama_cpp.Llama.create_completion(stream=True)` on the very same prompts;
- decode speed (tokens/s) of the engine against raw llama.cpp on those replies;
- coder throughput (utterances/s) and scorecard time for a 40-turn call;
- the persona lore checks of `callsim persona validate` on the slowest bundled persona;
- app start to first painted screen against a bare Textual app;
- peak resident memory of a whole `callsim play` call (a child process);
- 8 concurrent calls through the OpenAI-compatible backend against a real `llama_cpp.server`.

Progress goes to standard error; a section that fails is reported as an error and fails its
targets rather than stopping the other sections.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))  # `scripts.bench_coder` and `simulator` from a checkout

from simulator.codes import Lang  # noqa: E402
from simulator.llm.base import Backend, GenerationRequest, PromptStyle  # noqa: E402
from simulator.persona import Persona  # noqa: E402

SCRIPTS = REPO / "tests" / "data" / "scripts"
LONG_SCRIPT = SCRIPTS / "long.ru.txt"
SHORT_SCRIPT = REPO / "simulator" / "data" / "scripts" / "empathetic.ru.txt"
CODER_TESTSET = REPO / "tests" / "data" / "coder_testset.jsonl"
DEFAULT_PERSONA = "firm-supporter"
TTFT_TURNS = (1, 10, 20)
SERVER_CALLS = 8
SERVER_TURNS_PER_CALL = 2
SERVER_START_LIMIT_S = 60.0


@dataclass(frozen=True)
class Target:
    """A figure's target: `op` is `<=`, `<` or `>=`."""

    op: str
    value: float

    def met(self, figure: float | None) -> bool:
        """Whether the figure meets the target (a missing figure does not)."""
        if figure is None:
            return False
        if self.op == "<=":
            return figure <= self.value
        if self.op == "<":
            return figure < self.value
        return figure >= self.value

    def __str__(self) -> str:
        return f"{self.op} {self.value:g}"


TARGETS: dict[str, tuple[str, Target]] = {
    "ttft_engine_over_raw": ("generation", Target("<=", 1.15)),
    "ttft_turn20_over_turn1": ("generation", Target("<=", 1.5)),
    "decode_engine_over_raw": ("generation", Target(">=", 0.9)),
    "coder_over_bare_encoder": ("coder", Target(">=", 0.7)),
    "coder_turn_over_bare_encode": ("coder", Target("<=", 2.0)),
    "reply_first_word_over_raw_reply": ("replies", Target("<=", 1.5)),
    "reply_turn20_over_turn1": ("replies", Target("<=", 1.5)),
    "scorecard_ms_40_turns": ("scorecard", Target("<", 50)),
    "persona_checks_ms_slowest": ("persona_checks", Target("<", 300)),
    "app_start_over_bare_textual": ("app_start", Target("<=", 1.5)),
    "server_concurrent_calls_completed": ("server", Target(">=", SERVER_CALLS)),
}
"""Figure -> (the section that measures it, its target)."""


def log(message: str) -> None:
    """Progress on standard error, so `--json` output stays one object."""
    print(f"bench: {message}", file=sys.stderr, flush=True)


def median(values: list[float]) -> float | None:
    """The median, or None for no values."""
    return statistics.median(values) if values else None


def ratio(top: float | None, bottom: float | None) -> float | None:
    """top / bottom, or None when either is missing or bottom is zero."""
    if top is None or not bottom:
        return None
    return top / bottom


def percentile(values: list[float], share: float) -> float | None:
    """The nearest-rank percentile (share in 0..1) of values, or None for none."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, round(share * len(ordered) + 0.4999))
    return ordered[min(rank, len(ordered)) - 1]


def read_script(path: Path) -> list[str]:
    """Volunteer turns of a script file (blank lines and # comments skipped)."""
    lines = [ln.strip() for ln in path.read_text(encoding="utf-8").splitlines()]
    return [ln for ln in lines if ln and not ln.startswith("#")]


def load_bench_persona(persona_id: str) -> Persona:
    """The persona, with hang-up disabled: the bench measures speed, and a respondent who
    hangs up at turn 12 would leave no turn 20 to time."""
    from simulator.config import data_dir, persona_dirs
    from simulator.persona_loader import find_persona

    persona = find_persona(persona_id, persona_dirs(data_dir(None)))
    calm = persona.dynamics.model_copy(update={"hangup_irritation": 2.0})
    return persona.model_copy(update={"dynamics": calm})


# --- time to first token and decode speed: engine against raw llama.cpp --------------------


class RecordingBackend:
    """Passes requests to a real backend and keeps them, so raw llama.cpp can replay them."""

    def __init__(self, inner: Backend) -> None:
        self.inner = inner
        self.requests: list[GenerationRequest] = []

    @property
    def name(self) -> str:
        """The wrapped backend's name."""
        return self.inner.name

    @property
    def prompt_style(self) -> PromptStyle:
        """The wrapped backend's prompt style."""
        return self.inner.prompt_style

    @property
    def adds_sentences(self) -> bool:
        """Whether the wrapped backend may add sentences of its own."""
        return self.inner.adds_sentences

    def stream(self, request: GenerationRequest) -> Generator[str, None, None]:
        """Record the request, then stream the wrapped backend's reply."""
        self.requests.append(request)
        return self.inner.stream(request)


@dataclass
class Decode:
    """Tokens after the first and the seconds they took, pooled over many replies."""

    tokens: int = 0
    seconds: float = 0.0

    def add(self, times: list[float]) -> None:
        """Add one reply's token arrival times."""
        if len(times) >= 2:
            self.tokens += len(times) - 1
            self.seconds += times[-1] - times[0]

    @property
    def rate(self) -> float | None:
        """Tokens per second."""
        return self.tokens / self.seconds if self.seconds > 0 else None


@dataclass
class GenerationFigures:
    """What the generation section collects over all runs."""

    engine_ttft: dict[int, list[float]] = field(default_factory=dict)
    raw_ttft: dict[int, list[float]] = field(default_factory=dict)
    engine_decode: Decode = field(default_factory=Decode)
    raw_decode: Decode = field(default_factory=Decode)


def raw_completion(llama: Any, request: GenerationRequest) -> tuple[float | None, list[float]]:
    """Stream `request` straight from llama.cpp: seconds to the first visible text (the
    engine also skips leading whitespace before its first token), and each token's time."""
    assert request.prompt is not None
    start = time.perf_counter()
    first: float | None = None
    times: list[float] = []
    pieces = llama.create_completion(
        prompt=request.prompt,
        stream=True,
        max_tokens=request.max_tokens,
        temperature=request.temperature,
        top_p=request.top_p,
        stop=list(request.stop),
        seed=request.seed,
    )
    seen = ""
    for chunk in pieces:
        text = chunk["choices"][0].get("text") or ""
        now = time.perf_counter()
        seen += text
        if not seen.strip():
            continue
        if first is None:
            first = now - start
        times.append(now)
    return first, times


def engine_turn(call: Any, line: str) -> tuple[float | None, list[list[float]]]:
    """Say `line` and stream the reply: seconds from the volunteer's Enter (`say`) to the first
    shown token, and the token times of each attempt."""
    from simulator.engine.events import ReplyStarted, ReplyToken

    start = time.perf_counter()
    call.say(line)
    first: float | None = None
    attempts: list[list[float]] = []
    for event in call.reply():
        now = time.perf_counter()
        if isinstance(event, ReplyStarted):
            attempts.append([])
        elif isinstance(event, ReplyToken):
            if first is None:
                first = now - start
            attempts[-1].append(now)
    return first, attempts


def measure_generation(runs: int, persona: Persona) -> dict[str, Any]:
    """TTFT at turns 1/10/20 and decode speed, engine against raw llama.cpp.

    Raw llama.cpp runs on a second `Llama` instance loaded from the same file with the same
    settings, fed exactly the prompts (and sampling options) the engine sent, in the same
    order, right after each engine turn. Each instance keeps its own KV cache, so raw gets
    the same prefix-cache benefit as the engine and neither evicts the other's cache; sharing
    one instance would make every raw call re-evaluate what the engine call just replaced,
    or hand raw the engine's fresh cache for free.
    """
    from llama_cpp import Llama

    from simulator.engine.call import Call
    from simulator.llm.embedded import EmbeddedBackend

    lines = read_script(LONG_SCRIPT)[: max(TTFT_TURNS)]
    engine = EmbeddedBackend()
    loaded = engine._model  # the shared instance; raw copies its settings
    raw = Llama(
        model_path=str(engine.model_path),
        n_ctx=loaded.n_ctx,
        n_threads=os.cpu_count() or 1,
        verbose=False,
    )
    figures = GenerationFigures()

    def one_call(seed: int, turns: int, keep: bool) -> None:
        recorder = RecordingBackend(engine)
        call = Call(persona, "ru", recorder, seed=seed, max_turns=len(lines) + 5)
        call.pick_up()
        for number, line in enumerate(lines[:turns], start=1):
            recorder.requests.clear()
            engine_first, attempts = engine_turn(call, line)
            raw_first: float | None = None
            raw_attempts: list[list[float]] = []
            for i, request in enumerate(list(recorder.requests)):
                first, times = raw_completion(raw, request)
                raw_attempts.append(times)
                if i == 0:
                    raw_first = first
            if not keep:
                continue
            # Same prompt and seed give the same tokens; the engine may stop an attempt early
            # (its reply check), so each side is timed over the tokens both produced.
            for mine, theirs in zip(attempts, raw_attempts, strict=False):
                shared = min(len(mine), len(theirs))
                figures.engine_decode.add(mine[:shared])
                figures.raw_decode.add(theirs[:shared])
            if number in TTFT_TURNS and engine_first is not None and raw_first is not None:
                figures.engine_ttft.setdefault(number, []).append(engine_first)
                figures.raw_ttft.setdefault(number, []).append(raw_first)

    # Warm-up: both instances evaluate the persona header once, as the app does while the
    # volunteer reads the briefing; the measured runs then time a call, not a model load.
    one_call(seed=999, turns=1, keep=False)
    for run in range(runs):
        log(f"generation run {run + 1}/{runs}: {len(lines)} turns, engine then raw each turn")
        one_call(seed=1000 + run, turns=len(lines), keep=True)

    out: dict[str, Any] = {}
    ratios = []
    for turn in TTFT_TURNS:
        e = median(figures.engine_ttft.get(turn, []))
        r = median(figures.raw_ttft.get(turn, []))
        out[f"ttft_ms_engine_turn{turn}"] = None if e is None else round(e * 1000, 1)
        out[f"ttft_ms_raw_turn{turn}"] = None if r is None else round(r * 1000, 1)
        turn_ratio = ratio(e, r)
        out[f"ttft_engine_over_raw_turn{turn}"] = (
            None if turn_ratio is None else round(turn_ratio, 3)
        )
        ratios.append(turn_ratio)
    worst = None if None in ratios else max(r for r in ratios if r is not None)
    out["ttft_engine_over_raw"] = None if worst is None else round(worst, 3)
    growth = ratio(
        median(figures.engine_ttft.get(TTFT_TURNS[-1], [])),
        median(figures.engine_ttft.get(TTFT_TURNS[0], [])),
    )
    out["ttft_turn20_over_turn1"] = None if growth is None else round(growth, 3)
    e_rate, r_rate = figures.engine_decode.rate, figures.raw_decode.rate
    out["decode_tokens_per_s_engine"] = None if e_rate is None else round(e_rate, 1)
    out["decode_tokens_per_s_raw"] = None if r_rate is None else round(r_rate, 1)
    decode = ratio(e_rate, r_rate)
    out["decode_engine_over_raw"] = None if decode is None else round(decode, 3)
    return out


# --- coder and scorecard -------------------------------------------------------------------


def coder_utterances() -> list[tuple[str, Lang]]:
    """The labelled coder test set's utterances (both languages)."""
    items = []
    for line in CODER_TESTSET.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            items.append((row["text"], row["lang"]))
    return items


def measure_coder(quick: bool) -> dict[str, Any]:
    """The coder against its floor, the bare sentence encoder, side by side in one run.

    - `callsim code` over N lines (a child process, start-up included: what a trainer coding a
      file sees) against the bare encoder embedding the same lines in the same batches of
      `code_cmd.BATCH`, also as a child process that starts, loads the weights and reads the
      lines (`coder_over_bare_encoder`: both sides pay the same start-up). The bare encoder
      in this process, weights already loaded, is reported beside it
      (`coder_over_bare_encoder_in_process`: start-up counted on the coder's side only).
    - One turn in a call: `code_utterance` of a turn it has not seen (so no cached embedding)
      against one bare encode of the same text, median over the turns of the long script.
    """
    from scripts import bench_coder
    from simulator.cli.code_cmd import BATCH
    from simulator.coding import code_utterance
    from simulator.coding.encoder import embed, embed_one

    runs = 1 if quick else 3
    texts = bench_coder._texts(1000 if quick else 2000)
    cli = bench_coder.bench_cli(texts, runs)
    embed(texts[:BATCH])  # load the weights
    bare = []
    for _ in range(runs):
        start = time.perf_counter()
        for i in range(0, len(texts), BATCH):
            embed(texts[i : i + BATCH])
        bare.append(len(texts) / (time.perf_counter() - start))
    bare_rate = median(bare)
    # The same bare encoding as a child process too, so both sides pay a process start and a
    # model load (callsim code also loads pymorphy3, the lexicons and the heads).
    script = (
        "import sys\nfrom simulator.coding.encoder import embed\n"
        "lines = [line.rstrip('\\n') for line in sys.stdin]\n"
        f"for i in range(0, len(lines), {BATCH}):\n    embed(lines[i : i + {BATCH}])\n"
    )
    payload = ("\n".join(t.replace("\n", " ") for t in texts) + "\n").encode("utf-8")
    child = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", script], input=payload, check=True, cwd=REPO)
        child.append(len(texts) / (time.perf_counter() - start))
    child_rate = median(child)
    turns = read_script(LONG_SCRIPT)
    code_utterance("Здравствуйте!", "ru")  # lexicon, pymorphy3 and heads loaded
    coder_ms, encode_ms = [], []
    for run in range(runs):
        for i, line in enumerate(turns):
            # Trailing spaces make each text unseen by the embedding and analysis caches (a
            # visible marker such as "(0.3)" would add a sentence to every turn).
            pad = " " * (1 + run * len(turns) + i)
            text = f"{line}{pad}"
            previous = f"{turns[i - 1]}{pad}" if i else None
            if previous:
                # In a call the respondent's line was embedded when it was said (the topic
                # match), so coding the next turn finds it cached; here it must be too, or the
                # first run pays a second encode a call never pays.
                embed_one(previous)
            start = time.perf_counter()
            code_utterance(text, "ru", previous)
            coder_ms.append((time.perf_counter() - start) * 1000)
            start = time.perf_counter()
            embed([text])
            encode_ms.append((time.perf_counter() - start) * 1000)
    coder_turn, encode_turn = median(coder_ms), median(encode_ms)
    return {
        "coder_utterances_per_s": round(cli),
        "bare_encoder_utterances_per_s": None if child_rate is None else round(child_rate),
        "coder_over_bare_encoder": _rounded(ratio(cli, child_rate)),
        "bare_encoder_in_process_utterances_per_s": None if bare_rate is None else round(bare_rate),
        "coder_over_bare_encoder_in_process": _rounded(ratio(cli, bare_rate)),
        "coder_turn_ms_median": _rounded(coder_turn, 2),
        "bare_encode_ms_median": _rounded(encode_turn, 2),
        "coder_turn_over_bare_encode": _rounded(ratio(coder_turn, encode_turn)),
        "coder_lines": len(texts),
    }


def _rounded(value: float | None, digits: int = 3) -> float | None:
    return None if value is None else round(value, digits)


def without_lore(persona: Persona) -> Persona:
    """The persona with no lore: the model speaks freely (a trainer's minimal persona), which
    is what the time-to-first-token and decode comparisons with raw llama.cpp measure."""
    from simulator.persona import Lore

    return persona.model_copy(update={"lore": Lore()})


def measure_replies(runs: int, persona: Persona) -> dict[str, Any]:
    """Enter to the first word of the reply on screen (the engine chooses the respondent's move
    from the lore and says it at once; the model may add a sentence), against the time raw
    llama.cpp takes to generate one whole reply of the same length for the same prompt, turn by
    turn over turns 1-20 of the long script; both in this process, side by side."""
    from llama_cpp import Llama

    from simulator.engine.call import Call
    from simulator.llm.embedded import EmbeddedBackend

    lines = read_script(LONG_SCRIPT)[: max(TTFT_TURNS)]
    engine = EmbeddedBackend()
    loaded = engine._model
    raw = Llama(
        model_path=str(engine.model_path),
        n_ctx=loaded.n_ctx,
        n_threads=os.cpu_count() or 1,
        verbose=False,
    )
    first_ms: dict[int, list[float]] = {}
    raw_ms: list[float] = []
    ratios: list[float] = []
    for run in range(runs + 1):
        keep = run > 0  # the first call warms both models and the lore index
        log(f"replies run {run}/{runs}: {len(lines)} turns")
        call = Call(persona, "ru", engine, seed=2000 + run, max_turns=len(lines) + 5)
        call.pick_up()
        call.warm_up()
        for number, line in enumerate(lines, start=1):
            if call.ended:
                break
            prompt = call._prompt.transcript(call.turns + [_pending(line)], "neutral")
            engine_first, _ = engine_turn(call, line)
            reply = call.turns[-1].text
            tokens = len(raw.tokenize(reply.encode("utf-8"), add_bos=False))
            start = time.perf_counter()
            for _ in raw.create_completion(
                prompt=prompt, stream=True, max_tokens=max(1, tokens), temperature=0.7, seed=run
            ):
                pass
            raw_reply = time.perf_counter() - start
            if keep and engine_first is not None:
                first_ms.setdefault(number, []).append(engine_first * 1000)
                raw_ms.append(raw_reply * 1000)
                ratios.append(engine_first / raw_reply)
    every = [ms for values in first_ms.values() for ms in values]
    growth = ratio(median(first_ms.get(20, [])), median(first_ms.get(1, [])))
    return {
        "reply_first_word_ms_median": _rounded(median(every), 1),
        "raw_whole_reply_ms_median": _rounded(median(raw_ms), 1),
        "reply_first_word_over_raw_reply": _rounded(median(ratios)),
        "reply_turn20_over_turn1": _rounded(growth),
        "reply_first_word_ms_turn1": _rounded(median(first_ms.get(1, [])), 1),
        "reply_first_word_ms_turn20": _rounded(median(first_ms.get(20, [])), 1),
    }


def _pending(line: str) -> Any:
    from simulator.session import Turn

    return Turn(speaker="volunteer", text=line)


def forty_turn_record() -> Any:
    """A session record of 40 volunteer turns (coded by the real coder) and 41 replies."""
    from simulator.coding import code_utterance
    from simulator.session import RespondentState, SessionRecord, Turn

    texts = [t for t, lang in coder_utterances() if lang == "ru"][:40]
    state = RespondentState(trust=0.4, openness=0.3, irritation=0.2)
    turns = [Turn(speaker="respondent", text="Алло?", state=state, source="authored")]
    for text in texts:
        coding = code_utterance(text, "ru")
        turns.append(
            Turn(
                speaker="volunteer",
                text=text,
                codes=list(coding.codes),
                evidence={c: list(s) for c, s in coding.evidence.items()},
            )
        )
        turns.append(Turn(speaker="respondent", text="Ну, не знаю, сложно всё это.", state=state))
    return SessionRecord(
        id="bench40", persona="firm-supporter", lang="ru", started_at="2025-01-01T00:00:00+00:00",
        ended_by="volunteer", turns=turns,
    )  # fmt: skip


def measure_scorecard(quick: bool) -> dict[str, Any]:
    """Milliseconds to score a 40-turn call (rubric loaded once, as in a running app)."""
    from simulator.scoring.scorecard import score_session

    record = forty_turn_record()
    score_session(record)  # loads and caches the rubric and suggestion lines
    times = []
    for _ in range(10 if quick else 30):
        start = time.perf_counter()
        score_session(record)
        times.append(time.perf_counter() - start)
    return {"scorecard_ms_40_turns": round((median(times) or 0) * 1000, 2)}


def measure_persona_checks() -> dict[str, Any]:
    """Milliseconds `callsim persona validate`'s lore checks take on the slowest bundled persona
    (best of 3 per persona: the checks lemmatise every line)."""
    from simulator.config import bundled_personas_dir
    from simulator.persona_checks import persona_findings
    from simulator.persona_loader import load_persona

    slowest = 0.0
    for path in sorted(bundled_personas_dir().glob("*.yaml")):
        persona = load_persona(path)
        best = float("inf")
        for _ in range(3):
            start = time.perf_counter()
            persona_findings(persona)
            best = min(best, time.perf_counter() - start)
        slowest = max(slowest, best)
    return {"persona_checks_ms_slowest": round(slowest * 1000, 1)}


# --- app start -----------------------------------------------------------------------------


def measure_app_start(quick: bool) -> dict[str, Any]:
    """Spawn to first painted screen in an 80x24 pseudo-terminal: `callsim` against a bare
    Textual app, alternately, each in a fresh interpreter (`scripts/bench_app_start.py`)."""
    from scripts import bench_app_start as app_bench

    runs = 3 if quick else 7
    with tempfile.TemporaryDirectory() as data:
        env = dict(os.environ, TERM="xterm-256color", CALLSIM_DATA_DIR=data, COLUMNS="80")
        env.pop("TEXTUAL", None)
        callsim = [sys.executable, "-m", "simulator"]
        bare = [sys.executable, "-c", app_bench.BARE_APP]
        app_bench.time_to_marker(bare, app_bench.BARE_MARKER, env)  # warm the file cache
        app_bench.time_to_marker(callsim, app_bench.CALLSIM_MARKER, env)
        bare_times, app_times = [], []
        for _ in range(runs):
            bare_times.append(app_bench.time_to_marker(bare, app_bench.BARE_MARKER, env))
            app_times.append(app_bench.time_to_marker(callsim, app_bench.CALLSIM_MARKER, env))
    app_s, bare_s = statistics.median(app_times), statistics.median(bare_times)
    return {
        "app_start_ms": round(app_s * 1000),
        "bare_textual_start_ms": round(bare_s * 1000),
        "app_start_over_bare_textual": round(app_s / bare_s, 3),
    }


# --- peak memory of a whole call -----------------------------------------------------------

_RSS_WRAPPER = """
import resource, subprocess, sys
done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
if done.returncode:
    sys.stderr.buffer.write(done.stderr[-2000:])
    sys.exit(done.returncode)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def measure_peak_rss(persona_id: str) -> dict[str, Any]:
    """Peak resident memory (MB) of `callsim play` with the bundled model, whole call.

    A wrapper process runs the call as its only child, so ru_maxrss of its children is the
    call's own peak and not the largest of everything this bench has started."""
    callsim = Path(sys.executable).with_name("callsim")
    command = [str(callsim)] if callsim.exists() else [sys.executable, "-m", "simulator"]
    with tempfile.TemporaryDirectory() as data:
        play = [
            *command, "--data-dir", data, "play", "--persona", persona_id, "--lang", "ru",
            "--script", str(SHORT_SCRIPT), "--seed", "1", "--json",
        ]  # fmt: skip
        start = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-c", _RSS_WRAPPER, *play],
            capture_output=True, text=True, timeout=300, cwd=REPO,
        )  # fmt: skip
        seconds = time.perf_counter() - start
    if done.returncode:
        raise RuntimeError(f"callsim play failed: {done.stderr.strip()[-300:]}")
    kilobytes = int(done.stdout.strip().splitlines()[-1])  # Linux reports KiB
    return {
        "peak_rss_mb": round(kilobytes / 1024, 1),
        "play_call_s": round(seconds, 1),
        "play_call_turns": len(read_script(SHORT_SCRIPT)),
    }


# --- OpenAI-compatible backend against a real llama_cpp.server -----------------------------


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_llama_server(model: Path, log_path: Path) -> tuple[subprocess.Popen[bytes], str]:
    """A `llama_cpp.server` on 127.0.0.1 serving `model` with its default settings."""
    import httpx

    port = _free_port()
    command = [
        sys.executable, "-m", "llama_cpp.server", "--model", str(model),
        "--host", "127.0.0.1", "--port", str(port), "--n_ctx", "2048",
    ]  # fmt: skip
    with log_path.open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + SERVER_START_LIMIT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"llama_cpp.server exited: {log_path.read_text()[-500:]}")
        try:
            if httpx.get(f"{url}/v1/models", timeout=1.0).status_code == 200:
                return process, url
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"llama_cpp.server did not start within {SERVER_START_LIMIT_S:g} s")


def measure_server(persona: Persona) -> dict[str, Any]:
    """8 calls at once, each in its own thread with its own `OpenAIBackend` (transcript
    style), against one llama_cpp.server: how many complete, and reply latency."""
    from simulator.engine.call import Call
    from simulator.engine.events import ReplyDone
    from simulator.llm.embedded import bundled_model_path
    from simulator.llm.openai_compat import OpenAIBackend

    lines = read_script(SHORT_SCRIPT)[:SERVER_TURNS_PER_CALL]
    latencies: list[float] = []
    sources: list[str] = []
    errors: list[str] = []
    completed = 0
    lock = threading.Lock()

    def one_call(url: str, seed: int) -> None:
        nonlocal completed
        backend = OpenAIBackend(url, prompt_style="transcript", read_timeout=120)
        try:
            call = Call(persona, "ru", backend, seed=seed)
            call.pick_up()
            mine = []
            for line in lines:
                start = time.perf_counter()
                call.say(line)
                done = [e for e in call.reply() if isinstance(e, ReplyDone)]
                assert done, "the reply ended without a ReplyDone"
                mine.append(time.perf_counter() - start)
                with lock:
                    sources.append(str(done[0].turn.source))
            with lock:
                latencies.extend(mine)
                completed += 1
        except Exception as exc:  # noqa: BLE001 - every failure is a figure here
            with lock:
                errors.append(f"{type(exc).__name__}: {exc}")
        finally:
            backend.close()

    with tempfile.TemporaryDirectory() as tmp:
        process, url = start_llama_server(bundled_model_path(), Path(tmp) / "server.log")
        try:
            log(f"server: {SERVER_CALLS} concurrent calls of {len(lines)} turns at {url}")
            start = time.perf_counter()
            threads = [
                threading.Thread(target=one_call, args=(url, 100 + i)) for i in range(SERVER_CALLS)
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            wall = time.perf_counter() - start
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()

    def ms(value: float | None) -> float | None:
        return None if value is None else round(value * 1000)

    out: dict[str, Any] = {
        "server_concurrent_calls": SERVER_CALLS,
        "server_concurrent_calls_completed": completed,
        "server_reply_latency_ms_p50": ms(percentile(latencies, 0.5)),
        "server_reply_latency_ms_p90": ms(percentile(latencies, 0.9)),
        "server_reply_latency_ms_max": ms(max(latencies) if latencies else None),
        "server_all_calls_s": round(wall, 1),
        "server_replies_by_source": {s: sources.count(s) for s in sorted(set(sources))},
    }
    if errors:
        out["server_errors"] = sorted(set(errors))
    return out


# --- putting it together -------------------------------------------------------------------


def run_section(name: str, measure: Callable[[], dict[str, Any]], figures: dict[str, Any]) -> None:
    """Run one section; its failure is recorded as an error, not raised."""
    log(f"{name} ...")
    start = time.perf_counter()
    try:
        figures.update(measure())
    except Exception as exc:  # noqa: BLE001 - report and go on with the other sections
        figures.setdefault("errors", {})[name] = f"{type(exc).__name__}: {exc}"
        traceback.print_exc(file=sys.stderr)
    log(f"{name} done in {time.perf_counter() - start:.1f} s")


def measure_all(quick: bool, persona_id: str, skip: set[str]) -> dict[str, Any]:
    """Every figure, each section in turn, plus target checks."""
    cpus = os.cpu_count() or 1
    figures: dict[str, Any] = {
        "quick": quick,
        "cpus": cpus,
        "load_average_at_start": round(os.getloadavg()[0], 2),
    }
    if os.getloadavg()[0] > 0.5 * cpus:
        log("other processes are busy; llama.cpp figures will be noisy (see load_average_*)")
    started = time.perf_counter()
    persona = load_bench_persona(persona_id)
    runs = 1 if quick else 5
    figures["generation_runs"] = runs
    sections: list[tuple[str, Callable[[], dict[str, Any]]]] = [
        ("generation", lambda: measure_generation(runs, without_lore(persona))),
        ("replies", lambda: measure_replies(runs, persona)),
        ("coder", lambda: measure_coder(quick)),
        ("scorecard", lambda: measure_scorecard(quick)),
        ("persona_checks", measure_persona_checks),
        ("app_start", lambda: measure_app_start(quick)),
        ("peak_rss", lambda: measure_peak_rss(persona_id)),
        ("server", lambda: measure_server(persona)),
    ]
    for name, measure in sections:
        if name not in skip:
            run_section(name, measure, figures)
    figures["bench_seconds"] = round(time.perf_counter() - started, 1)
    figures["load_average_at_end"] = round(os.getloadavg()[0], 2)
    figures["checks"] = {
        key: {"target": str(target), "pass": target.met(figures.get(key))}
        for key, (section, target) in TARGETS.items()
        if section not in skip
    }
    return figures


def table(figures: dict[str, Any]) -> str:
    """The figures as an aligned text table, targets and pass/fail marks beside them."""
    checks = figures.get("checks", {})
    rows = []
    for key, value in figures.items():
        if key in ("checks", "errors"):
            continue
        if isinstance(value, dict):
            shown = ", ".join(f"{k} {v}" for k, v in value.items())
        elif isinstance(value, list):
            shown = ", ".join(str(v) for v in value)
        else:
            shown = str(value)
        check = checks.get(key)
        mark = "" if check is None else ("PASS" if check["pass"] else "FAIL")
        rows.append((key, shown, check["target"] if check else "", mark))
    width = max(len(r[0]) for r in rows)
    vwidth = min(40, max(len(r[1]) for r in rows))
    lines = [f"{'figure':<{width}}  {'value':>{vwidth}}  {'target':<8}  ok"]
    lines += [f"{k:<{width}}  {v:>{vwidth}}  {t:<8}  {m}" for k, v, t, m in rows]
    for name, message in figures.get("errors", {}).items():
        lines.append(f"ERROR in {name}: {message}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; exit status 1 when a target is missed or a section failed."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    parser.add_argument("--persona", default=DEFAULT_PERSONA, help="persona id to call")
    parser.add_argument(
        "--skip", action="append", default=[], metavar="SECTION",
        choices=[
            "generation",
            "replies",
            "coder",
            "scorecard",
            "persona_checks",
            "app_start",
            "peak_rss",
            "server",
        ],
        help="leave a section out (repeatable)",
    )  # fmt: skip
    args = parser.parse_args(argv)
    figures = measure_all(args.quick, args.persona, set(args.skip))
    if args.json:
        print(json.dumps(figures, ensure_ascii=False, indent=2))
    else:
        print(table(figures))
    failed = figures.get("errors") or not all(c["pass"] for c in figures["checks"].values())
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
