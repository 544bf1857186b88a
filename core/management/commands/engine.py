"""`manage.py engine plan|serve`: plan the vLLM engine for this machine, or run it alone."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from inference.engine.cli import plan_text, serve
from inference.engine.machine import GpuSpecError
from inference.engine.settings import EngineSettings, SettingError


class Command(BaseCommand):
    help = "Print the engine plan for this machine (`plan`), or start the engine and keep it running (`serve`)."
    requires_system_checks: list[str] = []  # the engine needs no URLs, models or templates: start it fast

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        plan = actions.add_parser("plan", help="print the engine plan; starts nothing")
        plan.add_argument("--gpu", default="", help="simulate GPUs, e.g. 24GB, 80GB, 2x80GB, H100, H200")
        plan.add_argument("--json", action="store_true", help="print the plan as JSON")
        run = actions.add_parser("serve", help="start the engine; Ctrl-C or SIGTERM stops it")
        run.add_argument("--timeout", type=float, default=900.0, help="seconds to wait for the engine to be healthy")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        try:
            engine_settings = EngineSettings.from_env(
                model=settings.VISIONDESK_MODEL,
                host=settings.ENGINE_HOST,
                port=settings.ENGINE_PORT,
                data_dir=Path(settings.DATA_DIR),
            )
            if action == "plan":
                self.stdout.write(plan_text(engine_settings, gpu=options["gpu"], as_json=options["json"]))
                return
        except (SettingError, GpuSpecError) as exc:
            raise CommandError(str(exc)) from None
        code = serve(engine_settings, write=self._write, live=self.stdout.isatty(), timeout_s=options["timeout"])
        if code:
            sys.exit(code)

    def _write(self, text: str) -> None:
        self.stdout.write(text, ending="")
        self.stdout.flush()
