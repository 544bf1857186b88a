"""Run the planned engine as a child process: start it, wait until it is healthy, stop it cleanly."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from types import TracebackType

import httpx

from inference.engine.model_source import ModelSourceError, ensure_tiny_model
from inference.engine.placement import PROC, colocate_engine_core, group_processes
from inference.engine.plan import SERVER_MODULE, EnginePlan
from inference.errors import EngineError

POLL_INTERVAL_S = 0.5
TAIL_LINES = 30
WORKER_GRACE_S = 5.0  # workers left after the server exits get this long before SIGKILL


class EngineStartError(EngineError):
    """The engine did not come up. Carries the last lines of its log, which usually say why."""

    def __init__(self, reason: str, *, log_lines: Sequence[str] = (), log_path: Path | None = None) -> None:
        super().__init__(reason, detail="\n".join(log_lines))
        self.log_lines = list(log_lines)
        self.log_path = log_path

    def __str__(self) -> str:
        if not self.log_lines:
            return self.reason
        where = f" of {self.log_path}" if self.log_path else ""
        return f"{self.reason}\n--- last lines{where} ---\n" + "\n".join(self.log_lines)


def check_port_free(host: str, port: int) -> None:
    """Fail before starting rather than after a minute of loading, when something already listens there."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as exc:
            raise EngineStartError(
                f"port {port} on {host or 'all addresses'} is not free ({exc.strerror}): stop what listens there, "
                "set ENGINE_PORT to another port, or point INFERENCE_URL at an engine that already runs"
            ) from None


def log_tail(path: Path, count: int = TAIL_LINES, *, start: int = 0) -> list[str]:
    """The last `count` non-empty lines written after byte `start` (progress bars' carriage returns split lines)."""
    try:
        with path.open("rb") as log:
            size = log.seek(0, os.SEEK_END)
            log.seek(max(start, size - 64 * 1024))
            text = log.read().decode("utf-8", errors="replace")
    except OSError:
        return []
    lines = [line.rstrip() for line in text.replace("\r", "\n").split("\n")]
    return [line for line in lines if line.strip()][-count:]


class EngineProcess:
    """One engine server process, in its own process group so that stopping it stops its workers too."""

    def __init__(self, plan: EnginePlan, log_path: Path) -> None:
        self.plan = plan
        self.log_path = log_path
        self._process: subprocess.Popen[bytes] | None = None
        self._log_start = 0
        self._started_at = 0.0

    def command(self) -> list[str]:
        return [sys.executable, "-m", SERVER_MODULE, *self.plan.argv()]

    @property
    def alive(self) -> bool:
        return self._process is not None and self._process.poll() is None

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    def start(self) -> None:
        if self.alive:
            return
        if self.plan.tiny:
            try:
                ensure_tiny_model(Path(self.plan.model))
            except ModelSourceError as exc:
                raise EngineStartError(str(exc)) from None
        check_port_free(self.plan.host, self.plan.port)
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("ab") as log:
            log.write(f"\n=== {datetime.now():%Y-%m-%d %H:%M:%S} {' '.join(self.command())}\n".encode())
            log.flush()
            self._log_start = log.tell()
            self._process = subprocess.Popen(
                self.command(),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                env={**os.environ, **self.plan.env(), "PYTHONUNBUFFERED": "1"},
                start_new_session=True,
            )
        self._started_at = time.monotonic()

    def tail(self, count: int = TAIL_LINES) -> list[str]:
        return log_tail(self.log_path, count, start=self._log_start)

    def wait_until_healthy(self, timeout_s: float = 600.0, progress: Callable[[str], None] | None = None) -> float:
        """Poll /health until it answers 200; returns the seconds taken. Raises EngineStartError otherwise."""
        if self._process is None:
            raise RuntimeError("start() the engine first")
        deadline = self._started_at + timeout_s
        with httpx.Client(timeout=2.0, trust_env=False) as client:
            while True:
                code = self._process.poll()
                if code is not None:
                    raise self._start_error(f"the engine exited with code {code} while starting")
                if _healthy(client, self.plan.health_url):
                    if self.plan.device == "cpu":
                        colocate_engine_core(self._process.pid)
                    return time.monotonic() - self._started_at
                if time.monotonic() > deadline:
                    error = self._start_error(f"the engine was not healthy after {timeout_s:.0f} s")
                    self.stop()
                    raise error
                if progress is not None:
                    progress(self._progress_line())
                time.sleep(POLL_INTERVAL_S)

    def _progress_line(self) -> str:
        last = self.tail(1)
        return f"starting engine: {time.monotonic() - self._started_at:4.0f} s | {last[0][:120] if last else ''}"

    def _start_error(self, reason: str) -> EngineStartError:
        return EngineStartError(reason, log_lines=self.tail(), log_path=self.log_path)

    def wait(self, timeout_s: float | None = None) -> int:
        """Block until the engine exits; its exit code."""
        if self._process is None:
            raise RuntimeError("start() the engine first")
        return self._process.wait(timeout_s)

    def stop(self, timeout_s: float = 20.0) -> None:
        """SIGTERM to the whole group, then SIGKILL for whatever is still there after `timeout_s`."""
        process = self._process
        if process is None:
            return
        if process.poll() is None:
            _signal_group(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout_s)
            except subprocess.TimeoutExpired:
                _signal_group(process.pid, signal.SIGKILL)
                process.wait()
        # Workers may outlive the server by a moment; then they are forced.
        deadline = time.monotonic() + WORKER_GRACE_S
        while _group_exists(process.pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        _signal_group(process.pid, signal.SIGKILL)

    def __enter__(self) -> EngineProcess:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.stop()


def _healthy(client: httpx.Client, url: str) -> bool:
    try:
        return client.get(url).status_code == 200
    except httpx.HTTPError:
        return False


def _signal_group(pgid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, sig)


def _group_exists(pgid: int) -> bool:
    """Whether a live process remains in the group; zombies hold nothing and may never be reaped in a container."""
    if PROC.is_dir():
        return bool(group_processes(pgid))
    try:
        os.killpg(pgid, 0)
    except (ProcessLookupError, PermissionError):
        return False
    return True
