"""Real Redis and PostgreSQL servers for the scale-out tests, each on a free port and a scratch folder, stopped
after the test. Both come from Debian packages that `make test` installs (scripts/install-test-tools.sh)."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator

import pytest

from tests.fixtures.live_app import free_port


def _wait_for(check: list[str], what: str) -> None:
    deadline = time.monotonic() + 30
    while subprocess.run(check, capture_output=True).returncode != 0:
        assert time.monotonic() < deadline, f"{what} did not start"
        time.sleep(0.1)


@pytest.fixture
def redis_url() -> Iterator[str]:
    server = shutil.which("redis-server")
    if server is None:
        pytest.fail("redis-server is not installed; `make test` installs it (scripts/install-test-tools.sh)")
    port = free_port()
    process = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    _wait_for(["redis-cli", "-p", str(port), "ping"], "redis")
    yield f"redis://127.0.0.1:{port}/0"
    process.terminate()
    process.wait(timeout=10)


def _postgres_bin(name: str) -> str:
    found = shutil.which(name) or next(iter(sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))[-1:]), None)
    if found is None:
        pytest.fail("PostgreSQL is not installed; `make test` installs it (scripts/install-test-tools.sh)")
    return found


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A throwaway cluster. PostgreSQL refuses to run as root, so as root it runs as the `postgres` user."""
    as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    folder = tempfile.mkdtemp(prefix="visiondesk-pg-")
    if as_postgres:
        shutil.chown(folder, "postgres", "postgres")
    os.chmod(folder, 0o700)
    data = os.path.join(folder, "data")
    initdb = [_postgres_bin("initdb"), "-D", data, "-A", "trust", "-U", "visiondesk", "--no-sync"]
    subprocess.run([*as_postgres, *initdb], check=True, capture_output=True)
    port = free_port()
    server = [_postgres_bin("postgres"), "-D", data, "-p", str(port), "-h", "127.0.0.1", "-k", folder]
    process = subprocess.Popen([*as_postgres, *server, "-c", "fsync=off"], stdout=subprocess.DEVNULL)
    try:
        _wait_for([_postgres_bin("pg_isready"), "-h", "127.0.0.1", "-p", str(port)], "postgresql")
        subprocess.run(
            [_postgres_bin("createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "visiondesk", "visiondesk"],
            check=True,
        )
        yield f"postgres://visiondesk@127.0.0.1:{port}/visiondesk"
    finally:
        process.terminate()
        process.wait(timeout=30)
        shutil.rmtree(folder, ignore_errors=True)
