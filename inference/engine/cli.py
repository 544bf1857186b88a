"""`engine plan` and `engine serve`, shared by `manage.py engine` and `python -m inference.engine`."""

from __future__ import annotations

import json
import shutil
import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType

from inference.engine.launch import EngineProcess, EngineStartError
from inference.engine.machine import probe_machine
from inference.engine.model_source import ModelSourceError, ensure_tiny_model, tiny_model_missing
from inference.engine.plan import EnginePlan, plan_engine
from inference.engine.settings import EngineSettings

Write = Callable[[str], None]
QUIET_PROGRESS_EVERY_S = 10.0


def plan_text(settings: EngineSettings, *, gpu: str = "", as_json: bool = False) -> str:
    """The plan for this machine, or for simulated GPUs, as a table or JSON; starts nothing."""
    plan = plan_engine(probe_machine(gpu or settings.simulate_gpu), settings)
    return json.dumps(plan.as_json(), indent=2) if as_json else plan.table()


def engine_log_path(settings: EngineSettings) -> Path:
    return settings.data_dir / "logs" / "engine.log"


def serve(settings: EngineSettings, *, write: Write, live: bool, timeout_s: float = 900.0) -> int:
    """Start the engine, show progress, keep it running until Ctrl-C or SIGTERM; the exit status."""
    if settings.simulate_gpu:
        write("note: VISIONDESK_SIMULATE_GPU only affects `engine plan`; serving uses the real machine\n")
    plan = plan_engine(probe_machine(), settings)
    log_path = engine_log_path(settings)
    write(f"model: {plan.served_name}{' (tiny: answers are meaningless)' if plan.tiny else ''}\n")
    write(f"engine log: {log_path}\n")
    try:
        _prepare(plan, write)
    except ModelSourceError as exc:
        write(f"{exc}\n")
        return 1
    engine = EngineProcess(plan, log_path)
    with _sigterm_as_interrupt():
        try:
            return _run(engine, write=write, live=live, timeout_s=timeout_s)
        except KeyboardInterrupt:
            write("\nstopping the engine...\n")
            engine.stop()
            write("engine stopped\n")
            return 0
        finally:
            engine.stop()


def _prepare(plan: EnginePlan, write: Write) -> None:
    if plan.tiny and tiny_model_missing(Path(plan.model)):
        write(f"building the tiny model in {plan.model}\n")
        ensure_tiny_model(Path(plan.model))


def _run(engine: EngineProcess, *, write: Write, live: bool, timeout_s: float) -> int:
    progress = ProgressLine(write, live=live)
    try:
        engine.start()
        seconds = engine.wait_until_healthy(timeout_s, progress=progress.update)
    except EngineStartError as exc:
        progress.end()
        write(f"{exc}\n")
        return 1
    progress.end()
    write(f"engine ready after {seconds:.0f} s at {engine.plan.url} (Ctrl-C stops it)\n")
    code = engine.wait()
    write(f"the engine exited on its own with code {code}:\n" + "\n".join(engine.tail()) + "\n")
    return 1


class ProgressLine:
    """One line rewritten in place on a terminal; an occasional plain line anywhere else."""

    def __init__(self, write: Write, *, live: bool) -> None:
        self.write = write
        self.live = live
        self._width = 0
        self._last_plain = 0.0

    def update(self, text: str) -> None:
        if self.live:
            text = text[: shutil.get_terminal_size().columns - 1]  # a wrapped line cannot be rewritten in place
            self.write("\r" + text.ljust(self._width))
            self._width = len(text)
        elif time.monotonic() - self._last_plain >= QUIET_PROGRESS_EVERY_S:
            self.write(text + "\n")
            self._last_plain = time.monotonic()

    def end(self) -> None:
        if self.live and self._width:
            self.write("\n")
        self._width = 0


@contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    """SIGTERM stops the engine the same clean way Ctrl-C does."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
