"""The embedded backend works offline: a whole `callsim play` call with the bundled model in a
fresh process where every attempt to reach the network raises and is reported."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

# Runs in the child before callsim is imported: resolving a name or connecting a socket of any
# family (a loopback server, a proxy, a telemetry ping) prints NETWORK: and raises.
_NO_NETWORK = textwrap.dedent(
    """
    import socket, sys

    def _refuse(what):
        def refuse(*args, **kwargs):
            print(f"NETWORK: {what} {args[1:] if what.startswith('socket.') else args}",
                  file=sys.stderr, flush=True)
            raise OSError(f"network blocked by test: {what}")
        return refuse

    socket.socket.connect = _refuse("socket.connect")
    socket.socket.connect_ex = _refuse("socket.connect_ex")
    socket.socket.sendto = _refuse("socket.sendto")
    socket.create_connection = _refuse("create_connection")
    socket.getaddrinfo = _refuse("getaddrinfo")
    socket.gethostbyname = _refuse("gethostbyname")

    from simulator.cli import main
    sys.exit(main(sys.argv[1:]))
    """
)


@pytest.mark.model
def test_a_call_with_the_embedded_backend_never_touches_the_network(
    tmp_path: Path, bundled_model_path: Path
) -> None:
    script = tmp_path / "turns.txt"
    script.write_text(
        "Здравствуйте! Можно с вами немного поговорить?\n"
        "Как у вас сегодня день прошёл?\n"
        "Понимаю, работы сейчас у всех много.\n",
        encoding="utf-8",
    )
    data = tmp_path / "data"
    # A persona without lore: every reply is the model's own, so the model surely runs.
    (data / "personas").mkdir(parents=True)
    shutil.copy(REPO / "tests" / "data" / "personas_tui" / "calm-neighbour.yaml", data / "personas")
    done = subprocess.run(
        [sys.executable, "-c", _NO_NETWORK, "--data-dir", str(data), "--backend", "embedded",
         "play", "--persona", "calm-neighbour", "--lang", "ru", "--script", str(script),
         "--seed", "4", "--json"],
        cwd=REPO, capture_output=True, text=True, timeout=240,
    )  # fmt: skip
    assert "NETWORK:" not in done.stderr, done.stderr
    assert done.returncode == 0, done.stderr[-2000:]
    record = json.loads(done.stdout)
    assert record["model"].startswith("embedded:")
    replies = [t for t in record["turns"][1:] if t["speaker"] == "respondent"]
    assert len(replies) == 3
    assert any(t.get("source") in ("model", "retry") for t in replies), replies
    assert (data / "history.sqlite3").exists()
