"""Where the engine's processes run on a CPU-only machine.

vLLM's CPU worker pins its compute threads to some cores and leaves the others to the API server. Its engine-core
process is not pinned, and while the worker computes a step the engine core waits for the result by spinning. On a
small machine that spinning sits on the cores left to the API server and the web app, and they wait for a CPU for
hundreds of milliseconds at a time: streamed tokens arrive in bursts and pages stall. Beside the worker the spinner
gives way to it instead (it yields), and the other cores stay free.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

PROC = Path("/proc")
WORKER_NAME = "VLLM::Worker"
ENGINE_CORE_NAME = "VLLM::EngineCor"  # a process name is cut to 15 characters


def group_processes(pgid: int) -> dict[int, str]:
    """Live processes of a process group: pid -> name."""
    found: dict[int, str] = {}
    for entry in PROC.iterdir() if PROC.is_dir() else ():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        name = stat[stat.find("(") + 1 : stat.rfind(")")]
        fields = stat.rpartition(")")[2].split()  # state, ppid, process group, ...
        if len(fields) > 2 and fields[0] != "Z" and int(fields[2]) == pgid:
            found[int(entry.name)] = name
    return found


def colocate_engine_core(pgid: int) -> set[int] | None:
    """Move the engine core's threads onto the cores its pinned workers use. Returns those cores, or None when
    there is nothing to do (workers not pinned, as on a GPU, or processes not found)."""
    processes = group_processes(pgid)
    workers = [pid for pid, name in processes.items() if name.startswith(WORKER_NAME)]
    cores = [pid for pid, name in processes.items() if name.startswith(ENGINE_CORE_NAME)]
    if not workers or not cores:
        return None
    try:
        worker_cpus = set().union(*(os.sched_getaffinity(pid) for pid in workers))
        if all(os.sched_getaffinity(pid) <= worker_cpus for pid in cores):
            return None  # already there, or the workers may run anywhere
        for pid in cores:
            for thread in (PROC / str(pid) / "task").iterdir():
                with contextlib.suppress(ProcessLookupError):  # a thread that just ended
                    os.sched_setaffinity(int(thread.name), worker_cpus)
    except (ProcessLookupError, PermissionError, FileNotFoundError):
        return None  # the engine is stopping, or not ours to move: it still works where it is
    return worker_cpus
