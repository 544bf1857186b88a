"""CPU per request counts a server's whole process tree, and the load generator without the servers it started."""

from __future__ import annotations

import subprocess
import sys
import time

import psutil

from bench.cpu_meter import CpuMeter, cpu_seconds

# A grandchild that burns 0.4 s of CPU, then stays alive so that it can still be read.
BURN = "import time\nend = time.process_time() + 0.4\nwhile time.process_time() < end: pass\ntime.sleep(30)"
LAUNCH = f"import subprocess, sys; subprocess.run([sys.executable, '-c', {BURN!r}])"


def test_a_tree_counts_its_descendants_and_alone_leaves_them_out():
    parent = subprocess.Popen([sys.executable, "-c", LAUNCH])
    try:
        meter = CpuMeter({"server": parent.pid}, alone={"server alone": parent.pid})
        meter.start()
        deadline = time.monotonic() + 30
        while cpu_seconds(parent.pid) < 0.4 and time.monotonic() < deadline:
            time.sleep(0.05)
        meter.stop()
        assert meter.spent["server"] >= 0.35
        assert meter.spent["server alone"] < 0.2
    finally:
        for child in psutil.Process(parent.pid).children(recursive=True):
            child.kill()
        parent.kill()
