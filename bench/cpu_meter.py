"""CPU seconds that process trees spend, read before and after a piece of load.

On a shared few-core machine throughput ratios move with whatever else runs; CPU per request does not, and it is
what the app takes away from an engine on the same host. psutil ships with both engine builds.
"""

from __future__ import annotations

import psutil


def cpu_seconds(pid: int, *, descendants: bool = True) -> float:
    """User plus system CPU of a process and (by default) every descendant alive now."""
    total = 0.0
    try:
        root = psutil.Process(pid)
        for process in [root, *(root.children(recursive=True) if descendants else [])]:
            try:
                times = process.cpu_times()
                total += times.user + times.system
            except psutil.NoSuchProcess:
                continue
    except psutil.NoSuchProcess:
        pass
    return total


class CpuMeter:
    """CPU seconds per named process tree between `start()` and `stop()`, summed over several spans.

    `alone` names processes counted without their descendants: the load generator, whose children are the
    servers it started.
    """

    def __init__(self, trees: dict[str, int], alone: dict[str, int] | None = None) -> None:
        self.pids = {name: (pid, True) for name, pid in trees.items()} | {
            name: (pid, False) for name, pid in (alone or {}).items()
        }
        self.spent = dict.fromkeys(self.pids, 0.0)
        self._started: dict[str, float] = {}

    def _read(self) -> dict[str, float]:
        return {name: cpu_seconds(pid, descendants=tree) for name, (pid, tree) in self.pids.items()}

    def start(self) -> None:
        self._started = self._read()

    def stop(self) -> None:
        for name, seconds in self._read().items():
            self.spent[name] += seconds - self._started[name]
