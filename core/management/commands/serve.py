"""`manage.py serve`: the whole product on one machine — the engine (unless INFERENCE_URL is set) and Daphne."""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

import httpx
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from core.models import Membership, Role, Team
from core.web_processes import WebGroup, check_scale_out, daphne_command, start_web_group
from inference.engine.launch import EngineProcess, EngineStartError
from inference.engine.machine import probe_machine
from inference.engine.plan import plan_engine
from inference.engine.settings import EngineSettings


class Command(BaseCommand):
    help = "Start the engine and the web app, print the address, and stop both cleanly on Ctrl-C."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default=os.environ.get("VISIONDESK_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("VISIONDESK_PORT", "8000")))
        parser.add_argument(
            "--processes",
            type=int,
            default=int(os.environ.get("VISIONDESK_WEB_PROCESSES", "1")),
            help="web processes sharing the port (more than one needs REDIS_URL)",
        )

    def handle(self, *args: Any, host: str, port: int, **options: Any) -> None:
        self.processes = max(1, options.get("processes") or 1)
        check_scale_out(self.processes)
        self._ensure_first_admin()
        engine = None if settings.INFERENCE_URL else self._start_engine()
        web = self._start_web(host, port)
        self.stdout.write(self.style.SUCCESS(f"\nVisionDesk is ready: http://{host}:{port}/\n"))
        stop = {"now": False}
        signal.signal(signal.SIGTERM, lambda *_: stop.update(now=True))
        try:
            while not stop["now"]:
                if web.poll() is not None:
                    raise CommandError(f"the web server stopped (exit code {web.returncode})")
                if engine is not None and not engine.alive:
                    raise CommandError(f"the engine stopped; its log: {engine.log_path}")
                time.sleep(1)
        except KeyboardInterrupt:
            pass
        finally:
            self.stdout.write("Stopping…")
            web.terminate()
            if engine is not None:
                engine.stop()

    def _start_engine(self) -> EngineProcess:
        engine_settings = EngineSettings.from_env(
            model=settings.VISIONDESK_MODEL,
            host=settings.ENGINE_HOST,
            port=settings.ENGINE_PORT,
            data_dir=Path(settings.DATA_DIR),
        )
        plan = plan_engine(probe_machine(), engine_settings)  # the real machine, never a simulated GPU
        self.stdout.write(plan.table())
        if settings.ENGINE_API_KEY:
            os.environ["VLLM_API_KEY"] = settings.ENGINE_API_KEY  # the engine then refuses other callers
        log_path = Path(settings.DATA_DIR) / "logs" / "engine.log"
        engine = EngineProcess(plan, log_path)
        try:
            engine.start()  # builds the tiny model first when the plan falls back to it
            engine.wait_until_healthy(timeout_s=1800, progress=self._progress)
        except EngineStartError as exc:
            engine.stop()
            raise CommandError(str(exc)) from None
        self.stdout.write(f"\nEngine up at {plan.url} (log: {log_path})")
        return engine

    def _progress(self, line: str) -> None:
        self.stdout.write(f"\r{line[:150]:<150}", ending="")
        self.stdout.flush()

    def _start_web(self, host: str, port: int) -> subprocess.Popen | WebGroup:
        command = daphne_command("-b", host, "-p", str(port))
        web = start_web_group(host, port, self.processes) if self.processes > 1 else subprocess.Popen(command)
        url = f"http://{host}:{port}/healthz"
        for _ in range(120):  # the first request also attaches the run executor and recovers interrupted runs
            try:
                if httpx.get(url, timeout=2).status_code == 200:
                    for _ in range(4 * (self.processes - 1)):  # reach the other processes too (the kernel picks)
                        httpx.get(url, timeout=2)
                    return web
            except httpx.HTTPError:
                time.sleep(0.5)
        web.terminate()
        raise CommandError("the web server did not start")

    def _ensure_first_admin(self) -> None:
        """A fresh install gets one admin in one team, with a password shown once and kept in the data folder."""
        users = get_user_model().objects
        if users.exists():
            return
        password = secrets.token_urlsafe(12)
        admin = users.create_superuser("admin", password=password)
        team, _ = Team.objects.get_or_create(name="Default team")
        Membership.objects.create(user=admin, team=team, role=Role.ADMIN)
        secret = Path(settings.DATA_DIR) / "admin-password.txt"
        secret.write_text(f"admin\n{password}\n")
        secret.chmod(0o600)
        self.stdout.write(self.style.WARNING(f"Created the first user: admin / {password} (also in {secret})"))
