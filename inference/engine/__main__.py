"""`python -m inference.engine plan|serve`: the engine without Django (settings from the environment only)."""

from __future__ import annotations

import argparse
import sys

from inference.engine.cli import plan_text, serve
from inference.engine.machine import GpuSpecError
from inference.engine.settings import EngineSettings, SettingError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m inference.engine", description="Plan or run the vLLM engine.")
    actions = parser.add_subparsers(dest="action", required=True)
    plan = actions.add_parser("plan", help="print the engine plan for this machine; starts nothing")
    plan.add_argument("--gpu", default="", help="simulate GPUs, e.g. 24GB, 80GB, 2x80GB, H100, H200")
    plan.add_argument("--json", action="store_true", help="print the plan as JSON")
    run = actions.add_parser("serve", help="start the engine and keep it running until Ctrl-C")
    run.add_argument("--timeout", type=float, default=900.0, help="seconds to wait for the engine to be healthy")
    args = parser.parse_args(argv)
    try:
        settings = EngineSettings.from_env()
        if args.action == "plan":
            print(plan_text(settings, gpu=args.gpu, as_json=args.json))
            return 0
    except (SettingError, GpuSpecError) as exc:
        parser.exit(2, f"error: {exc}\n")
    return serve(settings, write=_write, live=sys.stdout.isatty(), timeout_s=args.timeout)


def _write(text: str) -> None:
    sys.stdout.write(text)
    sys.stdout.flush()


if __name__ == "__main__":
    sys.exit(main())
