"""Build the tiny random Qwen3-VL model folder: `python -m inference.tiny build DIR [--force]`."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from inference.tiny.build import build_tiny_model


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m inference.tiny", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    build = commands.add_parser("build", help="write the tiny Qwen3-VL model folder")
    build.add_argument("dir", type=Path, help="model folder to create")
    build.add_argument("--force", action="store_true", help="rebuild even if a complete build is there")
    args = parser.parse_args(argv)
    started = time.monotonic()
    try:
        folder = build_tiny_model(args.dir, force=args.force)
    except FileExistsError as exc:
        parser.error(str(exc))
    print(f"tiny model ready in {folder} ({time.monotonic() - started:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
