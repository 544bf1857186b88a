"""Micro-benchmarks: structured-output parsing, websocket fan-out, and prefix-cache warming at upload."""

from __future__ import annotations

import asyncio
import json
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.loadgen import AppTarget
from bench.standard_mix import make_photo
from inference.client import parse_structured

ROOT = Path(__file__).resolve().parent.parent

ROW_SCHEMA = {
    "type": "object",
    "properties": {
        "rows": {
            "type": "array",
            "maxItems": 12,
            "items": {
                "type": "object",
                "properties": {
                    "equipment": {"type": "string", "maxLength": 60},
                    "status": {"enum": ["normal", "abnormal", "cannot tell"]},
                    "reading": {"type": ["number", "null"]},
                    "bbox_2d": {"type": "array", "minItems": 4, "maxItems": 4, "items": {"type": "integer"}},
                },
                "required": ["equipment", "status", "reading", "bbox_2d"],
            },
        }
    },
    "required": ["rows"],
}


def bench_parse(repeats: int = 2000) -> dict[str, Any]:
    rows = [
        {"equipment": f"PT-{i}\tgauge", "status": "normal", "reading": 1.5 * i, "bbox_2d": [10, 20, 300, 400]}
        for i in range(12)
    ]
    text = json.dumps({"rows": rows}).replace("\\t", "\t")  # a raw control character, as models emit
    started = time.perf_counter()
    for _ in range(repeats):
        parse_structured(text, ROW_SCHEMA)
    per = (time.perf_counter() - started) / repeats
    return {"answer_bytes": len(text), "rows": 12, "parse_and_validate_us": round(per * 1e6, 1)}


async def bench_fanout(app: AppTarget, watchers: int = 20) -> dict[str, Any]:
    """One run watched by many browsers: how late the last one sees the final message after the first."""
    import websockets

    rng = random.Random(7)
    files = [("files", ("fan.jpg", make_photo(rng, 77), "image/jpeg"))]
    sha = (await app.http.post("/api/photos/", files=files, headers=app.headers)).json()["photos"][0]["sha256"]
    body = {"photos": [sha], "question": "Describe it.", "max_tokens": 200, "ignore_eos": True}
    run_id = (await app.http.post("/api/runs/create/", json=body, headers=app.headers)).json()["id"]
    cookie = "; ".join(f"{k}={v}" for k, v in app.http.cookies.items())
    headers = {"Cookie": cookie, "Origin": app.app_url}

    async def watch() -> tuple[int, float]:
        messages = 0
        async with websockets.connect(f"{app.ws_url}/ws/runs/{run_id}/", additional_headers=headers) as ws:
            async for raw in ws:
                messages += 1
                if json.loads(raw)["type"] in ("done", "failed"):
                    return messages, time.perf_counter()
        return messages, time.perf_counter()

    results = await asyncio.gather(*(watch() for _ in range(watchers)))
    ends = [end for _, end in results]
    return {
        "watchers": watchers,
        "messages_per_watcher_median": statistics.median(m for m, _ in results),
        "final_message_spread_ms": round((max(ends) - min(ends)) * 1000, 1),
    }


async def bench_warm_cache(app: AppTarget, pairs: int = 8, think_s: float = 1.0) -> dict[str, Any]:
    """TTFT of a question asked `think_s` after upload, with and without warming the engine's cache at upload."""
    rng = random.Random(11)
    results: dict[str, list[float]] = {"warm": [], "cold": []}
    for i in range(pairs):
        for mode in ("cold", "warm"):
            files = [("files", (f"{mode}{i}.jpg", make_photo(rng, 5000 + i * 2 + (mode == "warm")), "image/jpeg"))]
            data = {"task": "describe", "warm": "true" if mode == "warm" else "false"}
            upload = await app.http.post("/api/photos/", files=files, data=data, headers=app.headers)
            sha = upload.json()["photos"][0]["sha256"]
            await asyncio.sleep(think_s)  # the person types the question
            body = {"photos": [sha], "question": "What is on the gauge?", "max_tokens": 8, "ignore_eos": True}
            created = await app.http.post("/api/runs/create/", json=body, headers=app.headers)
            run_id = created.json()["id"]
            run = await _wait_done(app, run_id)
            results[mode].append(run["ttft_ms"])
    cold, warm = statistics.median(results["cold"]), statistics.median(results["warm"])
    return {
        "pairs": pairs,
        "ttft_p50_cold_ms": round(cold, 1),
        "ttft_p50_warm_ms": round(warm, 1),
        "warm_over_cold": round(warm / cold, 3),
    }


async def _wait_done(app: AppTarget, run_id: str) -> dict[str, Any]:
    while True:
        run = (await app.http.get(f"/api/runs/{run_id}/")).json()
        if run["status"] in ("done", "failed"):
            return run
        await asyncio.sleep(0.05)


def run_all(*, app_url: str, username: str, password: str) -> dict[str, Any]:
    intake = subprocess.run([sys.executable, "bench/bench_intake.py"], cwd=ROOT, capture_output=True, text=True)
    print(intake.stdout[-2000:])
    results: dict[str, Any] = {"parse": bench_parse()}
    intake_json = ROOT / "bench" / "results" / "intake.json"
    if intake_json.exists():
        results["intake"] = json.loads(intake_json.read_text())

    async def app_side() -> None:
        app = AppTarget(app_url, username, password)
        await app.login()
        results["websocket_fanout"] = await bench_fanout(app)
        results["warm_cache_at_upload"] = await bench_warm_cache(app)

    asyncio.run(app_side())
    print(json.dumps({k: v for k, v in results.items() if k != "intake"}, indent=2))
    return results
