"""Several app processes on one address: each runs Daphne on the same listening socket, the kernel spreads the
connections. Runs, batches and login counters are shared through the database, websockets through Redis."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError

# A browser waits for a websocket handshake as long as it takes; Daphne's default drops it after 5 s, which on a
# saturated machine turns a slow answer into a failed connection and a reconnect.
WEBSOCKET_HANDSHAKE_TIMEOUT_S = 30


def daphne_command(*bind: str) -> list[str]:
    """The web server, bound as given (`-b HOST -p PORT` or `--fd N`)."""
    timeout = ["--websocket_connect_timeout", str(WEBSOCKET_HANDSHAKE_TIMEOUT_S)]
    return [sys.executable, "-m", "daphne", *bind, *timeout, "core.asgi:application"]


def check_scale_out(processes: int) -> None:
    """More than one process needs the Redis channel layer: a run's tokens must reach a browser in any process."""
    if processes > 1 and "redis" not in settings.CHANNEL_LAYERS["default"]["BACKEND"].lower():
        raise CommandError(
            f"{processes} web processes need REDIS_URL (shared websockets and rate counters); "
            "set it, or run one process."
        )


def shared_socket(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host.strip("[]"), port))
    sock.listen(1024)
    sock.set_inheritable(True)
    return sock


class WebGroup:
    """Looks like one Popen to the serve loop: poll() reports the first process that stopped."""

    def __init__(self, processes: list[subprocess.Popen], sock: socket.socket) -> None:
        self.processes = processes
        self.sock = sock
        self.returncode: int | None = None

    def poll(self) -> int | None:
        for process in self.processes:
            code = process.poll()
            if code is not None:
                self.returncode = code
                return code
        return None

    def terminate(self) -> None:
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        self.sock.close()


def metrics_folder() -> Path:
    """A fresh folder where the processes keep their Prometheus counters, so /metrics adds them up."""
    folder = Path(os.environ.get("PROMETHEUS_MULTIPROC_DIR") or Path(settings.DATA_DIR) / "prometheus")
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder


def start_web_group(host: str, port: int, count: int) -> WebGroup:
    sock = shared_socket(host, port)
    fd = sock.fileno()
    command = daphne_command("--fd", str(fd))
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(metrics_folder())}
    processes = [subprocess.Popen(command, pass_fds=(fd,), env=env) for _ in range(count)]
    return WebGroup(processes, sock)
