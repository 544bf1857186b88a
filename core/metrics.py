"""The app's Prometheus metrics (served at /metrics beside the engine's own): runs, queue, timings, tokens, clients.

Counters and histograms count what this process did; Prometheus sums them over processes. Gauges that describe the
whole installation (runs waiting in the database, batch items pending) are read from the database at scrape time.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import TYPE_CHECKING

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, ProcessCollector, multiprocess
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

if TYPE_CHECKING:
    from core.models import Run

# Several web processes (manage.py serve --processes N) share counters through files in this folder.
MULTIPROCESS = bool(os.environ.get("PROMETHEUS_MULTIPROC_DIR"))
REGISTRY = CollectorRegistry()
ProcessCollector(registry=REGISTRY)

RUNS_CREATED = Counter("visiondesk_runs_created", "Runs created", ["task"], registry=REGISTRY)
RUNS_FINISHED = Counter("visiondesk_runs_finished", "Runs that ended, by status", ["task", "status"], registry=REGISTRY)
TTFT = Histogram(
    "visiondesk_run_ttft_seconds",
    "Time from sending a run to the engine to its first token",
    ["task"],
    buckets=(0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
    registry=REGISTRY,
)
LATENCY = Histogram(
    "visiondesk_run_latency_seconds",
    "Time from sending a run to the engine to its last token",
    ["task"],
    buckets=(0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300),
    registry=REGISTRY,
)
TOKENS = Counter("visiondesk_tokens", "Tokens of finished runs", ["task", "kind"], registry=REGISTRY)
WEBSOCKET_CLIENTS = Gauge(
    "visiondesk_websocket_clients", "Open run websockets", registry=REGISTRY, multiprocess_mode="livesum"
)
LOGIN_FAILURES = Counter("visiondesk_login_failures", "Failed logins", registry=REGISTRY)
LOGIN_LOCKOUTS = Counter("visiondesk_login_lockouts", "Logins paused after repeated failures", registry=REGISTRY)
THROTTLED = Counter("visiondesk_api_throttled", "API requests refused by a rate limit", ["scope"], registry=REGISTRY)


def _executor_counts() -> tuple[int, int]:
    from core.run_executor import executor  # late: the executor's modules import this one

    return executor.waiting_count, executor.running_count


if not MULTIPROCESS:  # a process's own queue; with several processes, visiondesk_runs_active tells the whole story
    RUNS_WAITING = Gauge("visiondesk_runs_waiting", "Runs waiting in this process's executor queue", registry=REGISTRY)
    RUNS_IN_FLIGHT = Gauge("visiondesk_runs_in_flight", "Runs this process streams from the engine", registry=REGISTRY)
    RUNS_WAITING.set_function(lambda: _executor_counts()[0])
    RUNS_IN_FLIGHT.set_function(lambda: _executor_counts()[1])


def observe_run_created(task: str) -> None:
    RUNS_CREATED.labels(task=task).inc()


def observe_run_finished(run: Run) -> None:
    """Called once per run that ends (done, failed or cancelled)."""
    RUNS_FINISHED.labels(task=run.task, status=run.status).inc()
    if run.status != "done":
        return
    if run.ttft_ms is not None:
        TTFT.labels(task=run.task).observe(run.ttft_ms / 1000)
    if run.latency_ms is not None:
        LATENCY.labels(task=run.task).observe(run.latency_ms / 1000)
    for kind, count in (
        ("prompt", run.prompt_tokens),
        ("completion", run.completion_tokens),
        ("cached", run.cached_tokens),
    ):
        TOKENS.labels(task=run.task, kind=kind).inc(count)


class DatabaseCollector(Collector):
    """Installation-wide numbers from the database, read at scrape time."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        from django.db.models import Count

        from core.models import ACTIVE_STATUSES, BatchItem, ItemStatus, Run

        runs = GaugeMetricFamily("visiondesk_runs_active", "Queued and running runs (all processes)", labels=["status"])
        counts = dict(Run.objects.filter(status__in=ACTIVE_STATUSES).values_list("status").annotate(n=Count("id")))
        for status in ACTIVE_STATUSES:
            runs.add_metric([str(status)], counts.get(status, 0))
        yield runs
        pending = BatchItem.objects.filter(status=ItemStatus.PENDING, batch__status="running").count()
        yield GaugeMetricFamily("visiondesk_batch_items_pending", "Batch items not yet sent", value=pending)


REGISTRY.register(DatabaseCollector())


def scrape_registry() -> CollectorRegistry:
    """What /metrics serves: this process's registry, or every process's numbers when they are shared."""
    if not MULTIPROCESS:
        return REGISTRY
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)
    registry.register(DatabaseCollector())
    return registry
