"""GPU memory and utilisation through NVML, when this machine has an NVIDIA GPU (the engine's, if it runs here)."""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass

logger = logging.getLogger(__name__)
MIB = 1024 * 1024


@dataclass(frozen=True)
class GpuReading:
    index: int
    name: str
    memory_used_mib: int
    memory_total_mib: int
    utilization_pct: int | None


@functools.cache
def _nvml():  # type: ignore[no-untyped-def]
    """The NVML module once initialised, or None on machines without the driver (checked once per process)."""
    try:
        import pynvml

        pynvml.nvmlInit()
        return pynvml
    except Exception as exc:  # noqa: BLE001 - no driver, no library, no device: all mean "no GPU here"
        logger.info("no GPU readings: %s", exc)
        return None


def gpu_readings() -> list[GpuReading]:
    nvml = _nvml()
    if nvml is None:
        return []
    try:
        return [_reading(nvml, i) for i in range(nvml.nvmlDeviceGetCount())]
    except nvml.NVMLError as exc:
        logger.warning("GPU reading failed: %s", exc)
        return []


def _reading(nvml, index: int) -> GpuReading:  # type: ignore[no-untyped-def]
    handle = nvml.nvmlDeviceGetHandleByIndex(index)
    memory = nvml.nvmlDeviceGetMemoryInfo(handle)
    try:
        utilization: int | None = int(nvml.nvmlDeviceGetUtilizationRates(handle).gpu)
    except nvml.NVMLError:
        utilization = None
    name = nvml.nvmlDeviceGetName(handle)
    return GpuReading(
        index=index,
        name=name.decode() if isinstance(name, bytes) else str(name),
        memory_used_mib=int(memory.used // MIB),
        memory_total_mib=int(memory.total // MIB),
        utilization_pct=utilization,
    )
