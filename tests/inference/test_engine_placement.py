"""The engine core waits on its workers' cores: with stand-in processes, and with the real CPU engine."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from inference.engine.placement import ENGINE_CORE_NAME, WORKER_NAME, colocate_engine_core, group_processes

pytestmark = pytest.mark.skipif(len(os.sched_getaffinity(0)) < 2, reason="needs two CPUs to tell places apart")

# A stand-in vLLM process: named as vLLM names it, with a second thread, optionally pinned, sleeping until killed.
STAND_IN = """
import os, sys, threading, time
open("/proc/self/comm", "w").write(sys.argv[1])
if sys.argv[2]:
    os.sched_setaffinity(0, {int(sys.argv[2])})
threading.Thread(target=time.sleep, args=(600,), daemon=True).start()
print("ready", flush=True)
time.sleep(600)
"""


def _threads_affinity(pid: int) -> list[set[int]]:
    return [os.sched_getaffinity(int(t.name)) for t in Path(f"/proc/{pid}/task").iterdir()]


@pytest.fixture
def stand_ins() -> Iterator[Callable[..., subprocess.Popen[str]]]:
    started: list[subprocess.Popen[str]] = []

    def start(name: str, cpu: int | None, *, group: int = 0) -> subprocess.Popen[str]:
        process = subprocess.Popen(
            [sys.executable, "-c", STAND_IN, name, "" if cpu is None else str(cpu)],
            stdout=subprocess.PIPE,
            text=True,
            process_group=group,
        )
        assert process.stdout is not None and process.stdout.readline().strip() == "ready"
        started.append(process)
        return process

    yield start
    for process in started:
        process.kill()
        process.wait()


def test_the_engine_core_moves_onto_the_pinned_workers_cores(stand_ins):
    worker_cpu = max(os.sched_getaffinity(0))
    worker = stand_ins(WORKER_NAME, worker_cpu)
    core = stand_ins("VLLM::EngineCore", None, group=worker.pid)
    assert group_processes(worker.pid) == {worker.pid: WORKER_NAME, core.pid: ENGINE_CORE_NAME}
    assert all(len(cpus) > 1 for cpus in _threads_affinity(core.pid))

    assert colocate_engine_core(worker.pid) == {worker_cpu}

    assert _threads_affinity(core.pid) == [{worker_cpu}, {worker_cpu}]  # every thread, not only the first
    assert colocate_engine_core(worker.pid) is None  # already there: nothing more to do


def test_unpinned_workers_leave_the_engine_core_where_it_is(stand_ins):
    everywhere = os.sched_getaffinity(0)
    worker = stand_ins(WORKER_NAME, None)
    core = stand_ins("VLLM::EngineCore", None, group=worker.pid)

    assert colocate_engine_core(worker.pid) is None  # as with a GPU worker, which vLLM does not pin
    assert _threads_affinity(core.pid) == [everywhere, everywhere]


def test_a_group_without_vllm_processes_is_left_alone():
    before = os.sched_getaffinity(0)
    assert colocate_engine_core(os.getpgid(0)) is None
    assert os.sched_getaffinity(0) == before


@pytest.mark.engine
def test_the_real_cpu_engine_core_runs_on_its_workers_cores(engine):
    if not hasattr(engine, "process"):
        pytest.skip("an engine started elsewhere (VISIONDESK_TEST_ENGINE_URL)")
    processes = group_processes(engine.process.pid)
    workers = [pid for pid, name in processes.items() if name == WORKER_NAME]
    cores = [pid for pid, name in processes.items() if name == ENGINE_CORE_NAME]
    assert workers and cores, processes
    worker_cpus = set().union(*(os.sched_getaffinity(pid) for pid in workers))
    assert worker_cpus < os.sched_getaffinity(0), "vLLM's CPU worker leaves a core to the API server"
    for pid in cores:
        assert all(cpus == worker_cpus for cpus in _threads_affinity(pid))
