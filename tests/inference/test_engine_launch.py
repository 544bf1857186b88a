"""Starting and stopping the engine process: health polling, fast failures with the log, a busy port, clean stops."""

from __future__ import annotations

import dataclasses
import socket
import sys
import time
from pathlib import Path

import pytest

from inference.engine.launch import EngineProcess, EngineStartError, check_port_free
from inference.engine.machine import GiB, Machine
from inference.engine.plan import EnginePlan, plan_engine
from inference.engine.settings import EngineSettings

CPU = Machine(gpus=(), cpu_cores=2, ram_bytes=24 * GiB, cpu_bf16=False)

# Stands in for the server: logs like one, starts a worker (one that ignores SIGTERM if asked), answers /health.
FAKE_ENGINE = """
import http.server, signal, subprocess, sys, time
stubborn = "signal.signal(signal.SIGTERM, signal.SIG_IGN); " if sys.argv[2] == "stubborn" else ""
worker = subprocess.Popen([sys.executable, "-c", "import signal, time; " + stubborn + "time.sleep(600)"])
print("worker", worker.pid, flush=True)
print("loading the fake model", flush=True)
time.sleep(1.5)
class Health(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200 if self.path == "/health" else 404)
        self.end_headers()
    def log_message(self, *args):
        pass
http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), Health).serve_forever()
"""


class FakeEngine(EngineProcess):
    stubborn_worker = False

    def command(self) -> list[str]:
        return [sys.executable, "-c", FAKE_ENGINE, str(self.plan.port), "stubborn" if self.stubborn_worker else "-"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def cpu_plan(tmp_path: Path, port: int, **changes: object) -> EnginePlan:
    settings = EngineSettings(data_dir=tmp_path / "data", port=port)
    environ = {"XDG_CACHE_HOME": str(tmp_path / "xdg"), "HF_HOME": str(tmp_path / "hf")}
    plan = plan_engine(CPU, settings, environ=environ, probe=lambda model: None)
    return dataclasses.replace(plan, **changes)


def is_gone(pid: int, within_s: float = 3.0) -> bool:
    """Exited (a zombie counts: nothing may reap orphans in a container) within a moment."""
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
        except FileNotFoundError:
            return True
        if state == "Z":
            return True
        time.sleep(0.05)
    return False


def test_it_refuses_a_busy_port_before_starting_anything(tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        engine = EngineProcess(cpu_plan(tmp_path, port, tiny=False), tmp_path / "engine.log")
        with pytest.raises(EngineStartError, match=f"port {port}"):
            engine.start()
    assert engine.pid is None and not engine.alive


def test_a_free_port_passes_the_check():
    check_port_free("127.0.0.1", free_port())


def test_it_waits_for_health_reports_progress_and_stops_the_whole_group(tmp_path):
    engine = FakeEngine(cpu_plan(tmp_path, free_port(), tiny=False), tmp_path / "engine.log")
    engine.stubborn_worker = True
    progress: list[str] = []
    with engine:
        seconds = engine.wait_until_healthy(timeout_s=30, progress=progress.append)
        worker = int(next(line.split()[1] for line in engine.tail() if line.startswith("worker")))
        assert engine.alive and 1 <= seconds < 30
    assert any("loading the fake model" in line for line in progress)
    assert all(line.startswith("starting engine:") for line in progress)
    assert not engine.alive
    assert is_gone(worker)  # it ignored SIGTERM, so this took SIGKILL


def test_the_timeout_stops_the_engine_and_raises_with_its_log(tmp_path):
    engine = FakeEngine(cpu_plan(tmp_path, free_port(), tiny=False), tmp_path / "engine.log")
    engine.start()
    with pytest.raises(EngineStartError, match="not healthy after") as failure:
        engine.wait_until_healthy(timeout_s=0.5)
    assert "worker" in str(failure.value)
    assert not engine.alive


@pytest.mark.engine
def test_an_engine_that_cannot_start_fails_fast_with_its_log_lines(tmp_path):
    plan = cpu_plan(tmp_path, free_port(), model=str(tmp_path / "no-such-model"), tiny=False)
    engine = EngineProcess(plan, tmp_path / "engine.log")
    started = time.monotonic()
    with engine, pytest.raises(EngineStartError, match="exited with code") as failure:
        engine.wait_until_healthy(timeout_s=300)
    assert time.monotonic() - started < 150
    assert failure.value.log_lines
    assert "no-such-model" in str(failure.value)
    assert not engine.alive
