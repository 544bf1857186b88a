"""Support: time from upload to a complete reply draft, through the running app's real API, against the engine.

One ticket at a time, as an agent works: upload the customer's photos (HTTP), create the ticket (HTTP), watch the
defect_analysis run on its websocket until it is done, then the support_reply run that the app starts by itself,
until it is done. App time is upload start -> draft complete; engine time is the sum of the two runs' latency as
the engine client measured it (request sent -> last token). The difference is what the app adds: upload and
intake, queueing and request building, turning the analysis into findings (Delta E, missing items, policy), starting
the second run, and the websocket hops.

Run by hand against the tiny engine:
    python bench/bench_support.py --engine-url http://127.0.0.1:8100/v1
starts a Daphne app on a scratch data folder (var/bench-support); with --app-url it drives an app already running
(the user must be a team lead or admin there: the benchmark adds its catalogue product through the settings page).
Writes bench/results/support.json.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import os
import platform
import re
import statistics
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script from anywhere

from bench.run_all import PASSWORD, USER, ensure_bench_user, setup_django, start_app  # noqa: E402

DATA_DIR = ROOT / "var" / "bench-support"
RESULTS = ROOT / "bench" / "results" / "support.json"
SKU = "BENCH-KETTLE"
FINAL = ("done", "failed", "cancelled")


@dataclass
class TicketTiming:
    ticket: int
    ok: bool
    error: str = ""
    upload_ms: float = 0.0  # photos sent and stored (intake: verify, normalise, hash, thumbnail)
    create_ms: float = 0.0  # ticket stored and its analysis run queued
    analysis_ms: float = 0.0  # ticket created -> analysis final message (the app's view)
    analysis_engine_ms: float = 0.0  # the analysis run's latency at the engine client
    reply_ms: float = 0.0  # analysis final -> reply final (findings, policy, second run, its stream)
    reply_engine_ms: float = 0.0
    app_ms: float = 0.0  # upload start -> draft complete
    engine_ms: float = 0.0  # sum of the two runs' latency
    overhead_ms: float = 0.0
    findings_overhead_ms: float = 0.0  # upload done -> findings, less the analysis run: create, queue, findings
    reply_overhead_ms: float = 0.0  # findings -> draft, less the reply run: starting it, queue, events
    prompt_tokens: int = 0
    completion_tokens: int = 0


def delivery_photo(width: int, height: int, seed: int) -> bytes:
    """A photo-like JPEG, unique per seed (so the engine cannot reuse an earlier ticket's image)."""
    from tests.images import jpeg_bytes

    return jpeg_bytes(width, height, seed=seed, quality=88)


def reference_photo() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (800, 600), (200, 40, 40)).save(out, "PNG")
    return out.getvalue()


class SupportClient:
    def __init__(self, app_url: str, username: str, password: str) -> None:
        from bench.loadgen import AppTarget

        self.target = AppTarget(app_url, username, password)
        self.http = self.target.http

    async def login(self) -> None:
        await self.target.login()

    @property
    def headers(self) -> dict[str, str]:
        return self.target.headers

    async def ensure_product(self) -> None:
        """The catalogue product the tickets are about, with a reference photo, added through the settings page."""
        form = {
            "action": "product",
            "sku": SKU,
            "name": "Glass kettle",
            "box_items": "Glass kettle\nPower base\nManual",
        }
        await self.http.post("/support/settings/", data=form, headers=self.headers)
        page = (await self.http.get("/support/settings/")).text
        found = re.search(rf'id="product-(\d+)">\s*<strong>{SKU}</strong>', page)
        if found is None:
            raise SystemExit("could not add the benchmark product: is the user a team lead or admin of a team?")
        block = page[found.start() : page.find('class="product"', found.end())]
        if "/thumb/" not in block:
            files = {"file": ("reference.png", reference_photo(), "image/png")}
            data = {"action": "photo_add", "product": found.group(1)}
            await self.http.post("/support/settings/", data=data, files=files, headers=self.headers)

    async def final_run(self, run_id: str) -> dict[str, Any]:
        import websockets

        cookie = "; ".join(f"{k}={v}" for k, v in self.http.cookies.items())
        headers = {"Cookie": cookie, "Origin": self.target.app_url}
        async with websockets.connect(f"{self.target.ws_url}/ws/runs/{run_id}/", additional_headers=headers) as ws:
            async for raw in ws:
                message = json.loads(raw)
                run = message.get("run")
                if run and run["status"] in FINAL:
                    return run
        raise RuntimeError("the websocket closed before the run ended")

    async def draft_run_id(self, ticket_id: int, timeout_s: float = 30) -> str:
        deadline = time.perf_counter() + timeout_s
        while time.perf_counter() < deadline:
            ticket = (await self.http.get(f"/support/api/tickets/{ticket_id}/")).json()
            if ticket["draft"] and ticket["draft"]["run"]:
                return ticket["draft"]["run"]["id"]
            if ticket["reply_error"]:
                raise RuntimeError(ticket["reply_error"])
            await asyncio.sleep(0.01)
        raise RuntimeError("no reply draft was started")

    async def one_ticket(self, photos: list[bytes], number: int) -> TicketTiming:
        started = time.perf_counter()
        files = [("files", (f"delivery-{i}.jpg", data, "image/jpeg")) for i, data in enumerate(photos)]
        data = {"task": "defect_analysis", "warm": "false"}
        upload = await self.http.post("/api/photos/", files=files, data=data, headers=self.headers)
        upload.raise_for_status()
        uploaded = time.perf_counter()
        body = {
            "sku": SKU,
            "customer_message": "The lid is cracked and the base is missing.",
            "photos": [p["sha256"] for p in upload.json()["photos"]],
        }
        created = await self.http.post("/support/api/tickets/create/", json=body, headers=self.headers)
        created.raise_for_status()
        ticket = created.json()
        created_at = time.perf_counter()
        analysis = await self.final_run(ticket["analysis_run"]["id"])
        analysed = time.perf_counter()
        if analysis["status"] != "done":
            return TicketTiming(ticket=number, ok=False, error=f"analysis {analysis['status']}: {analysis['error']}")
        reply = await self.final_run(await self.draft_run_id(ticket["id"]))
        finished = time.perf_counter()
        if reply["status"] != "done":
            return TicketTiming(ticket=number, ok=False, error=f"reply {reply['status']}: {reply['error']}")
        return timing(number, started, uploaded, created_at, analysed, finished, analysis, reply)


def timing(
    number: int, started: float, uploaded: float, created: float, analysed: float, finished: float,
    analysis: dict[str, Any], reply: dict[str, Any],
) -> TicketTiming:  # fmt: skip
    ms = lambda seconds: round(seconds * 1000, 1)  # noqa: E731
    engine_ms = analysis["latency_ms"] + reply["latency_ms"]
    app_ms = (finished - started) * 1000
    return TicketTiming(
        ticket=number,
        ok=True,
        upload_ms=ms(uploaded - started),
        create_ms=ms(created - uploaded),
        analysis_ms=ms(analysed - created),
        analysis_engine_ms=round(analysis["latency_ms"], 1),
        reply_ms=ms(finished - analysed),
        reply_engine_ms=round(reply["latency_ms"], 1),
        app_ms=round(app_ms, 1),
        engine_ms=round(engine_ms, 1),
        overhead_ms=round(app_ms - engine_ms, 1),
        findings_overhead_ms=ms(analysed - uploaded - analysis["latency_ms"] / 1000),
        reply_overhead_ms=ms(finished - analysed - reply["latency_ms"] / 1000),
        prompt_tokens=analysis["usage"]["prompt_tokens"] + reply["usage"]["prompt_tokens"],
        completion_tokens=analysis["usage"]["completion_tokens"] + reply["usage"]["completion_tokens"],
    )


def summarize(rows: list[TicketTiming]) -> dict[str, Any]:
    good = [r for r in rows if r.ok]
    if not good:
        return {"tickets": len(rows), "errors": len(rows)}

    def stats(values: list[float]) -> dict[str, float]:
        return {
            "p50": round(statistics.median(values), 1),
            "mean": round(statistics.fmean(values), 1),
            "min": round(min(values), 1),
            "max": round(max(values), 1),
        }

    fields = ["app_ms", "engine_ms", "overhead_ms", "upload_ms", "create_ms", "analysis_ms", "analysis_engine_ms"]
    fields += ["reply_ms", "reply_engine_ms", "findings_overhead_ms", "reply_overhead_ms"]
    summary: dict[str, Any] = {"tickets": len(rows), "errors": len(rows) - len(good)}
    summary.update({name: stats([getattr(r, name) for r in good]) for name in fields})
    total_app, total_engine = sum(r.app_ms for r in good), sum(r.engine_ms for r in good)
    summary["overhead_share_of_app_time"] = round((total_app - total_engine) / total_app, 3)
    return summary


async def run_bench(args: argparse.Namespace, app_url: str) -> dict[str, Any]:
    client = SupportClient(app_url, args.username, args.password)
    await client.login()
    await client.ensure_product()
    rows: list[TicketTiming] = []
    for number in range(args.warmup + args.tickets):
        photos = [delivery_photo(args.width, args.height, seed=5000 + number * 10 + i) for i in range(args.photos)]
        row = await client.one_ticket(photos, number)
        label = "warm-up" if number < args.warmup else "ticket"
        print(
            f"{label} {number}: app {row.app_ms:.0f} ms, engine {row.engine_ms:.0f} ms, "
            f"overhead {row.overhead_ms:.0f} ms {row.error}",
            flush=True,
        )
        if number >= args.warmup:
            rows.append(row)
    await client.http.aclose()
    return {"per_ticket": [asdict(r) for r in rows], "summary": summarize(rows)}


def print_summary(summary: dict[str, Any]) -> None:
    if "app_ms" not in summary:
        print("no ticket finished")
        return
    print(f"\n{'':<22}{'p50 ms':>10}{'mean ms':>10}{'min':>9}{'max':>9}")
    names = ["app_ms", "engine_ms", "overhead_ms", "upload_ms", "findings_overhead_ms", "reply_overhead_ms"]
    for name in names:
        s = summary[name]
        print(f"{name:<22}{s['p50']:>10}{s['mean']:>10}{s['min']:>9}{s['max']:>9}")
    print(f"overhead share of the app time: {summary['overhead_share_of_app_time']:.1%}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--engine-url", default=os.environ.get("INFERENCE_URL", ""), help="the engine's /v1 URL")
    parser.add_argument("--app-url", default="", help="drive an app already running here (else one is started)")
    parser.add_argument("--username", default=USER)
    parser.add_argument("--password", default=PASSWORD)
    parser.add_argument("--tickets", type=int, default=6, help="measured tickets")
    parser.add_argument("--warmup", type=int, default=1, help="tickets first run and not counted")
    parser.add_argument("--photos", type=int, default=2, help="customer photos per ticket (1-4)")
    parser.add_argument("--width", type=int, default=1600)
    parser.add_argument("--height", type=int, default=1200)
    parser.add_argument("--out", default=str(RESULTS))
    args = parser.parse_args()
    if not args.engine_url and not args.app_url:
        parser.error("give --engine-url (the app is started against it) or --app-url")

    app = None
    if not args.app_url:
        setup_django(DATA_DIR, fresh=True)
        ensure_bench_user()
        app = start_app(args.engine_url)
    app_url = args.app_url or app.url
    results: dict[str, Any] = {
        "benchmark": "support: upload -> complete reply draft",
        "machine": f"{platform.node()} {os.cpu_count()} cores, load {os.getloadavg()[0]:.2f}",
        "when": time.strftime("%F %T"),
        "engine_url": args.engine_url,
        "app_url": app_url,
        "photos_per_ticket": args.photos,
        "photo_size": [args.width, args.height],
    }
    try:
        results.update(asyncio.run(run_bench(args, app_url)))
    finally:
        if app is not None:
            from tests.fixtures.live_app import stop_app_server

            stop_app_server(app)
    results["load_after"] = round(os.getloadavg()[0], 2)
    print_summary(results["summary"])
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(results, indent=2))
    print(f"\nwrote {args.out}")


if __name__ == "__main__":
    main()
