"""Numbers for the operations page that come from Run rows: timings, usage per app and team, and cost."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMinute
from django.utils import timezone

from core.models import ACTIVE_STATUSES, Batch, BatchItem, BatchStatus, ItemStatus, Run, RunStatus
from core.roles import APP_TITLES, task_app

MAX_TIMING_ROWS = 20_000
FINISHED = (RunStatus.DONE, RunStatus.FAILED)


def percentiles(values: list[float], points: tuple[int, ...] = (50, 90, 99)) -> dict[str, float | None]:
    """Nearest-rank percentiles; None when there are no values."""
    ordered = sorted(values)
    if not ordered:
        return {f"p{p}": None for p in points}
    return {f"p{p}": ordered[min(len(ordered) - 1, max(0, -(-p * len(ordered) // 100) - 1))] for p in points}


def timings(since: datetime) -> dict[str, Any]:
    done = Run.objects.filter(status=RunStatus.DONE, finished_at__gte=since).order_by("-finished_at")
    rows = list(done.values_list("ttft_ms", "latency_ms")[:MAX_TIMING_ROWS])
    return {
        "ttft_ms": percentiles([t for t, _ in rows if t is not None]),
        "latency_ms": percentiles([lat for _, lat in rows if lat is not None]),
    }


def per_minute(since: datetime, now: datetime) -> list[dict[str, Any]]:
    """Finished runs per minute, every minute present (zeros included) so charts keep their time axis."""
    rows = (
        Run.objects.filter(status__in=FINISHED, finished_at__gte=since)
        .annotate(minute=TruncMinute("finished_at"))
        .values("minute")
        .annotate(done=Count("id", filter=Q(status=RunStatus.DONE)), failed=Count("id", filter=Q(status="failed")))
    )
    by_minute: dict[datetime, dict[str, Any]] = {r["minute"].replace(second=0, microsecond=0): dict(r) for r in rows}
    start = since.replace(second=0, microsecond=0)
    minutes = int((now - start).total_seconds() // 60) + 1
    series = []
    for i in range(minutes):
        minute = start + timedelta(minutes=i)
        row = by_minute.get(minute, {})
        series.append({"t": minute.isoformat(), "done": row.get("done", 0), "failed": row.get("failed", 0)})
    return series[-60:]


def _usage_rows(runs: Any, key: str) -> list[dict[str, Any]]:
    rows = runs.values(key).annotate(
        runs=Count("id"),
        failed=Count("id", filter=Q(status=RunStatus.FAILED)),
        prompt=Sum("prompt_tokens"),
        completion=Sum("completion_tokens"),
    )
    usage_rows = [
        {
            "name": r[key],
            "runs": r["runs"],
            "failed": r["failed"],
            "tokens": (r["prompt"] or 0) + (r["completion"] or 0),
        }
        for r in rows
    ]
    return sorted(usage_rows, key=lambda r: -r["runs"])


def usage(since: datetime) -> dict[str, list[dict[str, Any]]]:
    """Runs and tokens per app (tasks grouped by the app that owns them) and per team."""
    runs = Run.objects.filter(created_at__gte=since)
    by_app: dict[str, dict[str, Any]] = {}
    for row in _usage_rows(runs, "task"):
        app = task_app(row["name"])
        entry = by_app.setdefault(
            app, {"name": APP_TITLES.get(app, app), "app": app, "tasks": [], "runs": 0, "failed": 0, "tokens": 0}
        )
        entry["tasks"].append(row["name"])
        for field in ("runs", "failed", "tokens"):
            entry[field] += row[field]
    return {"by_app": sorted(by_app.values(), key=lambda r: -r["runs"]), "by_team": _usage_rows(runs, "team__name")}


def cost(*, runs_hour: int, runs_day: int) -> dict[str, Any]:
    """What 1,000 runs cost at the observed pace: the GPU is paid by the hour whether it is busy or not."""
    price = settings.GPU_PRICE_PER_HOUR
    return {
        "gpu_price_per_hour": price,
        "per_1000_runs_hour": round(price * 1000 / runs_hour, 4) if price and runs_hour else None,
        "per_1000_runs_day": round(price * 24 * 1000 / runs_day, 4) if price and runs_day else None,
    }


def queue_numbers() -> dict[str, int]:
    active = dict(Run.objects.filter(status__in=ACTIVE_STATUSES).values_list("status").annotate(n=Count("id")))
    return {
        "queued": active.get(RunStatus.QUEUED, 0),
        "running": active.get(RunStatus.RUNNING, 0),
        "batches_active": Batch.objects.filter(status=BatchStatus.RUNNING).count(),
        "batch_items_pending": BatchItem.objects.filter(
            status=ItemStatus.PENDING, batch__status=BatchStatus.RUNNING
        ).count(),
    }


def run_stats() -> dict[str, Any]:
    now = timezone.now()
    hour_ago, day_ago = now - timedelta(hours=1), now - timedelta(days=1)
    finished_hour = Run.objects.filter(status__in=FINISHED, finished_at__gte=hour_ago)
    counts = finished_hour.aggregate(
        done=Count("id", filter=Q(status=RunStatus.DONE)), failed=Count("id", filter=Q(status=RunStatus.FAILED))
    )
    runs_day = Run.objects.filter(status__in=FINISHED, finished_at__gte=day_ago).count()
    runs_hour = counts["done"] + counts["failed"]
    return {
        "hour": {"runs": runs_hour, **counts, **timings(hour_ago), "per_minute": per_minute(hour_ago, now)},
        "usage_day": usage(day_ago),
        "cost": cost(runs_hour=runs_hour, runs_day=runs_day),
        "queue": queue_numbers(),
    }
