"""What this machine offers the engine: GPUs (through NVML), CPU cores, RAM, bf16 support."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

GiB = 1024**3

# Simulated GPUs by name: (marketing name, memory in GiB, compute capability).
KNOWN_GPUS: dict[str, tuple[str, float, tuple[int, int]]] = {
    "H200": ("NVIDIA H200", 140.4, (9, 0)),
    "H100": ("NVIDIA H100 80GB HBM3", 79.6, (9, 0)),
    "A100": ("NVIDIA A100-SXM4-80GB", 79.3, (8, 0)),
    "L40S": ("NVIDIA L40S", 44.4, (8, 9)),
    "L4": ("NVIDIA L4", 22.0, (8, 9)),
    "A10": ("NVIDIA A10", 22.0, (8, 6)),
    "T4": ("Tesla T4", 14.6, (7, 5)),
}
_SPEC = re.compile(r"^(?:(\d+)\s*x\s*)?(?:(\d+(?:\.\d+)?)\s*(?:gb|gib|g)|([a-z0-9]+))$", re.IGNORECASE)


@dataclass(frozen=True)
class Gpu:
    name: str
    total_bytes: int
    free_bytes: int
    compute_capability: tuple[int, int]

    @property
    def total_gib(self) -> float:
        return self.total_bytes / GiB

    @property
    def free_gib(self) -> float:
        return self.free_bytes / GiB


@dataclass(frozen=True)
class Machine:
    gpus: tuple[Gpu, ...]
    cpu_cores: int
    ram_bytes: int
    cpu_bf16: bool
    simulated: bool = False

    @property
    def ram_gib(self) -> float:
        return self.ram_bytes / GiB


class GpuSpecError(ValueError):
    """A simulated GPU description that cannot be read."""


def parse_gpu_spec(spec: str) -> tuple[Gpu, ...]:
    """`24GB`, `80GB`, `2x80GB`, `H100`, `2xH200` -> GPUs (sized ones are taken as Ampere, cc 8.0)."""
    match = _SPEC.match(spec.strip())
    if not match:
        raise GpuSpecError(f"cannot read GPU spec {spec!r}; use e.g. 24GB, 2x80GB, H100 or H200")
    count = int(match.group(1) or 1)
    if match.group(2):
        gib = float(match.group(2))
        name, capability = f"simulated {match.group(2)}GB GPU", (8, 0)
    else:
        known = KNOWN_GPUS.get(match.group(3).upper())
        if known is None:
            raise GpuSpecError(f"unknown GPU {match.group(3)!r}; known: {', '.join(KNOWN_GPUS)}, or a size like 80GB")
        name, gib, capability = known
    if count < 1 or gib <= 0:
        raise GpuSpecError(f"GPU spec {spec!r} describes no usable GPU")
    size = int(gib * GiB)
    return tuple(Gpu(name, size, size, capability) for _ in range(count))


def probe_machine(simulate_gpu: str = "") -> Machine:
    """The real CPU and RAM; GPUs from NVML, or the simulated ones when `simulate_gpu` is given."""
    gpus = parse_gpu_spec(simulate_gpu) if simulate_gpu else _nvml_gpus()
    return Machine(
        gpus=gpus,
        cpu_cores=len(os.sched_getaffinity(0)),
        ram_bytes=_ram_bytes(),
        cpu_bf16=_cpu_has_bf16(),
        simulated=bool(simulate_gpu),
    )


def _nvml_gpus() -> tuple[Gpu, ...]:
    """No NVML (no driver, no package, no GPU) means no GPUs: the engine then runs on the CPU."""
    try:
        import pynvml
    except ImportError:
        return ()
    try:
        pynvml.nvmlInit()
    except pynvml.NVMLError:
        return ()
    try:
        gpus = [_nvml_gpu(pynvml, pynvml.nvmlDeviceGetHandleByIndex(i)) for i in range(pynvml.nvmlDeviceGetCount())]
    except pynvml.NVMLError:
        return ()
    finally:
        pynvml.nvmlShutdown()
    return tuple(_visible(gpus))


def _nvml_gpu(pynvml: Any, handle: Any) -> Gpu:
    name = pynvml.nvmlDeviceGetName(handle)
    memory = pynvml.nvmlDeviceGetMemoryInfo(handle)
    major, minor = pynvml.nvmlDeviceGetCudaComputeCapability(handle)
    name = name.decode() if isinstance(name, bytes) else name
    return Gpu(name, int(memory.total), int(memory.free), (int(major), int(minor)))


def _visible(gpus: list[Gpu]) -> list[Gpu]:
    """NVML sees every GPU; CUDA (and so the engine) only those CUDA_VISIBLE_DEVICES names by index."""
    visible = os.environ.get("CUDA_VISIBLE_DEVICES")
    if visible is None:
        return gpus
    indexes = [item.strip() for item in visible.split(",") if item.strip()]
    if not all(item.isdigit() for item in indexes):
        return gpus  # UUIDs or MIG names: trust the listing as it is
    return [gpus[int(i)] for i in indexes if int(i) < len(gpus)]


def _ram_bytes() -> int:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")


def _cpu_has_bf16() -> bool:
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return False
    flags = next((line.split(":", 1)[1].split() for line in text.splitlines() if line.startswith("flags")), [])
    return "avx512_bf16" in flags or "amx_bf16" in flags
