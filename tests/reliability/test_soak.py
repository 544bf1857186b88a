"""`make soak`: 12 people on the standard mix for 10 minutes through the real app (upload, ask, websocket), against
the tiny engine. Zero errors, the app process's memory flat, no queue that keeps growing, no run left behind.

The RSS curve and the load summary are written to bench/results/soak.json. VISIONDESK_SOAK_SECONDS shortens it.
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import psutil
import pytest
import websockets
from asgiref.sync import sync_to_async

from bench.loadgen import AppTarget, Sample, summarize
from bench.standard_mix import requests
from core.models import Role, Run
from tests.fixtures.people import PASSWORD, make_user

pytestmark = [pytest.mark.soak, pytest.mark.engine, pytest.mark.django_db(transaction=True)]
SESSIONS = 12
DURATION_S = float(os.environ.get("VISIONDESK_SOAK_SECONDS", "600"))
SAMPLE_EVERY_S = 5.0
POOL = 96  # distinct requests (with their photos), made before the clock starts and sent round-robin
RESULTS = Path(__file__).resolve().parents[2] / "bench" / "results" / "soak.json"


class BrowserLikeTarget(AppTarget):
    """Watches a run as the page's runstream.js does: a websocket handshake that fails is tried again, with the
    same backoff; each such reconnect is counted and reported, and only a run never seen to its end is an error."""

    reconnects = 0

    async def _watch(self, run_id: str, started: float, asked: float) -> Sample:
        for attempt in range(1, 7):
            try:
                return await super()._watch(run_id, started, asked)
            except (websockets.InvalidMessage, websockets.InvalidStatus, websockets.ConnectionClosedError):
                if attempt == 6:
                    raise
                BrowserLikeTarget.reconnects += 1
                await asyncio.sleep(min(5.0, 0.25 * 2**attempt))
        raise AssertionError("unreachable")


@dataclass
class Point:
    t_s: float
    rss_mb: float
    active_runs: int
    finished: int


def active_runs() -> int:
    return Run.objects.filter(status__in=["queued", "running"]).count()


async def sample_forever(pid: int, started: float, samples: list[Sample], points: list[Point]) -> None:
    process = psutil.Process(pid)
    while True:
        rss = sum(p.memory_info().rss for p in [process, *process.children(recursive=True)])
        active = await sync_to_async(active_runs, thread_sensitive=False)()
        points.append(Point(round(time.monotonic() - started, 1), round(rss / 2**20, 1), active, len(samples)))
        await asyncio.sleep(SAMPLE_EVERY_S)


async def soak(app_url: str, pid: int, usernames: list[str]) -> tuple[list[Sample], list[Point], float]:
    pool = await asyncio.to_thread(requests, POOL, seed=2024)
    targets = [BrowserLikeTarget(app_url, name, PASSWORD) for name in usernames]
    for target in targets:
        await target.login()
    samples: list[Sample] = []
    points: list[Point] = []
    started = time.monotonic()
    deadline = started + DURATION_S
    sampler = asyncio.create_task(sample_forever(pid, started, samples, points))

    async def session(index: int, target: AppTarget) -> None:
        turn = index
        while time.monotonic() < deadline:
            samples.append(await target.send(pool[turn % len(pool)]))
            turn += SESSIONS

    await asyncio.gather(*(session(i, t) for i, t in enumerate(targets)))
    elapsed = time.monotonic() - started
    sampler.cancel()
    for target in targets:
        await target.http.aclose()
    return samples, points, elapsed


def slope_mb_per_min(points: list[Point]) -> float:
    """Least-squares trend of the app's memory over the points given."""
    ts, ys = [p.t_s / 60 for p in points], [p.rss_mb for p in points]
    mean_t, mean_y = statistics.fmean(ts), statistics.fmean(ys)
    spread = sum((t - mean_t) ** 2 for t in ts) or 1.0
    return round(sum((t - mean_t) * (y - mean_y) for t, y in zip(ts, ys, strict=True)) / spread, 2)


def finished_per_s(points: list[Point]) -> float:
    return (points[-1].finished - points[0].finished) / max(points[-1].t_s - points[0].t_s, 1e-9)


def steady(points: list[Point]) -> tuple[list[Point], list[Point]]:
    """After the first fifth (warm-up: imports, caches, first connections): the earlier and the later half."""
    rest = points[len(points) // 5 :]
    return rest[: len(rest) // 2], rest[len(rest) // 2 :]


def test_twelve_people_for_ten_minutes_cost_no_errors_no_memory_and_no_queue(live_app, team):
    usernames = [f"soak{i}" for i in range(SESSIONS)]
    for name in usernames:
        make_user(name, team, role=Role.INSPECTOR, is_staff=True)  # staff: fixed-length answers, as in `make bench`

    samples, points, elapsed = asyncio.run(soak(live_app.url, live_app.process.pid, usernames))

    summary = summarize("app", SESSIONS, samples, elapsed)
    early, late = steady(points)
    early_rss, late_rss = statistics.median(p.rss_mb for p in early), statistics.median(p.rss_mb for p in late)
    report = {
        "sessions": SESSIONS,
        "duration_s": round(elapsed, 1),
        "summary": asdict(summary),
        "rss_mb": {
            "early_median": early_rss,
            "late_median": late_rss,
            "max": max(p.rss_mb for p in points),
            "trend_after_warm_up_mb_per_min": slope_mb_per_min(early + late),
        },
        "websocket_reconnects": BrowserLikeTarget.reconnects,
        "active_runs_max": max(p.active_runs for p in points),
        "finished_per_s": {"early": round(finished_per_s(early), 3), "late": round(finished_per_s(late), 3)},
        "samples": [asdict(p) for p in points],
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2))

    assert summary.errors == 0, summary.first_errors
    assert summary.requests >= SESSIONS * 2
    assert late_rss - early_rss < max(48.0, 0.10 * early_rss), f"app memory grew: {early_rss} -> {late_rss} MB"
    assert report["active_runs_max"] <= SESSIONS, "more runs in flight than people asking: something piles up"
    # In a closed loop the runs in flight can never outnumber the people; a queue that grows shows instead as
    # answers coming back ever more slowly.
    assert finished_per_s(late) >= 0.8 * finished_per_s(early), (finished_per_s(early), finished_per_s(late))
    assert active_runs() == 0 and live_app.process.poll() is None
