"""Closed-loop load on the standard mix, through the app's public path and straight to the engine.

App path: upload the photos (HTTP), ask (HTTP), read the websocket until the final message.
Engine path: the same messages (the app's system prompt, the photos at the same pixel budget, the question) to
the engine's OpenAI API. Both use the same sampling and fixed output lengths, so the ratio is the app's cost.
"""

from __future__ import annotations

import asyncio
import base64
import json
import re
import statistics
import time
from dataclasses import asdict, dataclass, field
from typing import Any

import httpx
import openai
import websockets
from tqdm import tqdm

from bench.standard_mix import SAMPLING, MixRequest
from core.intake import prepare_upload, resize_for_budget
from inference.client import STREAM_EVERY_TOKENS
from inference.prompts import get_template


@dataclass
class Sample:
    ok: bool
    ttft_s: float | None = None
    e2e_s: float = 0.0
    output_tokens: int = 0
    error: str = ""
    steady: bool = False  # ended in the steady part of its run (see closed_loop_samples)
    ended_at: float = 0.0


@dataclass
class Summary:
    target: str
    sessions: int
    requests: int
    errors: int
    duration_s: float
    req_per_s: float  # in the steady part of the run (the load asked for); over the whole run in req_per_s_overall
    req_per_s_overall: float
    output_tok_per_s: float
    ttft_p50_ms: float | None
    ttft_p95_ms: float | None
    e2e_p50_s: float
    e2e_p95_s: float
    first_errors: list[str] = field(default_factory=list)


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def summarize(target: str, sessions: int, samples: list[Sample], duration_s: float, steady_s: float = 0.0) -> Summary:
    """`steady_s`: the seconds of the run's steady part (closed_loop_samples); without it the whole run counts."""
    good = [s for s in samples if s.ok]
    ttfts = [s.ttft_s for s in good if s.ttft_s is not None]
    e2es = [s.e2e_s for s in good] or [0.0]
    overall = len(good) / duration_s
    return Summary(
        target=target,
        sessions=sessions,
        requests=len(good),
        errors=len(samples) - len(good),
        duration_s=round(duration_s, 2),
        req_per_s=round(sum(s.steady for s in good) / steady_s if steady_s else overall, 3),
        req_per_s_overall=round(overall, 3),
        output_tok_per_s=round(sum(s.output_tokens for s in good) / duration_s, 1),
        ttft_p50_ms=round(statistics.median(ttfts) * 1000, 1) if ttfts else None,
        ttft_p95_ms=round(_pct(ttfts, 0.95) * 1000, 1) if ttfts else None,
        e2e_p50_s=round(statistics.median(e2es), 3),
        e2e_p95_s=round(_pct(e2es, 0.95), 3),
        first_errors=[s.error for s in samples if not s.ok][:3],
    )


async def closed_loop(target: str, sessions: int, work: list[MixRequest], send: Any, progress: bool) -> Summary:
    """N sessions; each sends its next request as soon as the previous answer has ended."""
    samples, duration, steady = await closed_loop_samples(target, sessions, work, send, progress)
    return summarize(target, sessions, samples, duration, steady)


async def closed_loop_samples(
    target: str, sessions: int, work: list[MixRequest], send: Any, progress: bool
) -> tuple[list[Sample], float, float]:
    """(samples, seconds in all, seconds of the steady part), each sample marked whether it ended in that part.

    The steady part runs from the N-th answer to the moment the work runs out. Before it, all N sessions sent
    their first request at the same instant and no answer has ended yet; after it, sessions drop away one by one
    and the last answers run at a lower load than the one asked for. With a few requests per session both ends
    are a large part of a run, so requests per second count only the answers in between.
    """
    queue: asyncio.Queue[MixRequest] = asyncio.Queue()
    for item in work:
        queue.put_nowait(item)
    samples: list[Sample] = []
    bar = tqdm(total=len(work), desc=f"{target} x{sessions}", disable=not progress, leave=False)
    first_idle: list[float] = []

    async def session() -> None:
        while not queue.empty():
            item = queue.get_nowait()
            sample = await send(item)
            sample.ended_at = time.perf_counter()
            samples.append(sample)
            bar.update()
        first_idle.append(time.perf_counter())

    started = time.perf_counter()
    await asyncio.gather(*(session() for _ in range(sessions)))
    bar.close()
    duration = time.perf_counter() - started
    ends = sorted(s.ended_at for s in samples)
    if len(ends) <= sessions or not first_idle:
        return samples, duration, 0.0  # too short to have a steady part: the whole run counts
    window_start, window_end = ends[sessions - 1], first_idle[0]
    if sum(window_start < end <= window_end for end in ends) < sessions:
        # Fewer answers than sessions in between: answers of equal length end in bursts, and a window that
        # catches one burst and no gap gives any figure at all. The whole run counts instead.
        return samples, duration, 0.0
    for sample in samples:
        sample.steady = window_start < sample.ended_at <= window_end
    return samples, duration, max(window_end - window_start, 0.0)


class EngineTarget:
    """The reference: the engine's OpenAI API, given exactly what the app would send."""

    def __init__(self, engine_url: str, model: str, budgets: dict[str, int] | None = None) -> None:
        self.client = openai.AsyncOpenAI(base_url=engine_url, api_key="unused", max_retries=0, timeout=600)
        self.model = model
        self.template = get_template("describe")
        self.budgets = budgets or {}  # visual tokens per photo by request kind; default: the template's budget

    def prepared(self, item: MixRequest) -> list[dict[str, Any]]:
        """Photos normalised and resized as the app does, done before timing (the app's own cost is in its path)."""
        parts: list[dict[str, Any]] = []
        for i, data in enumerate(item.photos):
            stored = prepare_upload(filename="p.jpg", data=data, max_bytes=1 << 30, max_pixels=1 << 30).data
            budget = self.budgets.get(item.kind.name, self.template.image_tokens)
            small, _, _ = resize_for_budget(data=stored, max_tokens=budget)
            url = "data:image/jpeg;base64," + base64.b64encode(small).decode()
            parts.append({"type": "image_url", "image_url": {"url": url}, "uuid": f"bench-{item.index}-{i}"})
        return [
            {"role": "system", "content": self.template.system},
            {"role": "user", "content": [*parts, {"type": "text", "text": item.kind.prompt}]},
        ]

    async def send(self, item: MixRequest, messages: list[dict[str, Any]]) -> Sample:
        started = time.perf_counter()
        first: float | None = None
        tokens = 0
        try:
            stream = await self.client.chat.completions.create(
                model=self.model,
                messages=messages,
                max_tokens=item.kind.output_tokens,
                stream=True,
                temperature=SAMPLING["temperature"],
                top_p=SAMPLING["top_p"],
                presence_penalty=1.5,
                stream_options={"include_usage": True},
                # The app's own stream interval: the same requests, so the comparison is of what the app adds.
                extra_body={"top_k": SAMPLING["top_k"], "ignore_eos": True, "stream_interval": STREAM_EVERY_TOKENS},
            )
            async for chunk in stream:
                if chunk.choices and chunk.choices[0].delta.content and first is None:
                    first = time.perf_counter()
                if chunk.usage:
                    tokens = chunk.usage.completion_tokens
        except openai.OpenAIError as exc:
            return Sample(ok=False, error=str(exc)[:200])
        end = time.perf_counter()
        return Sample(
            ok=True, ttft_s=None if first is None else first - started, e2e_s=end - started, output_tokens=tokens
        )


class AppTarget:
    """The product's public path, as a browser uses it: session login, upload, ask, websocket."""

    def __init__(self, app_url: str, username: str, password: str, details: dict[str, str] | None = None) -> None:
        self.detail_by_kind = details or {}  # the page's photo detail control, per kind of question
        self.app_url = app_url.rstrip("/")
        self.ws_url = self.app_url.replace("http", "ws", 1)
        self.http = httpx.AsyncClient(base_url=self.app_url, timeout=600, limits=httpx.Limits(max_connections=256))
        self.username, self.password = username, password

    async def login(self) -> None:
        page = await self.http.get("/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        assert token, "no login form"
        data = {"username": self.username, "password": self.password, "csrfmiddlewaretoken": token.group(1)}
        response = await self.http.post("/login/", data=data, headers={"Referer": f"{self.app_url}/login/"})
        assert response.status_code == 302, f"login failed ({response.status_code})"
        self.headers = {"X-CSRFToken": self.http.cookies["csrftoken"], "Referer": f"{self.app_url}/"}

    async def wait_until_settled(self, timeout_s: float = 600) -> None:
        """Measure the steady state: the table side model loads in the background when a server starts, and that
        load takes the CPU the engine needs. Several readings in a row, since each may reach another process."""
        deadline, settled = time.monotonic() + timeout_s, 0
        while settled < 8 and time.monotonic() < deadline:
            status = (await self.http.get("/api/tables/status/", headers=self.headers)).json().get("status")
            settled = settled + 1 if status != "loading" else 0
            await asyncio.sleep(0.25 if status != "loading" else 2)

    async def send(self, item: MixRequest) -> Sample:
        started = time.perf_counter()
        try:
            files = [("files", (f"p{i}.jpg", data, "image/jpeg")) for i, data in enumerate(item.photos)]
            detail = self.detail_by_kind.get(item.kind.name, "full")
            # As the page does: photos are prepared for the task at upload (cache warming is measured on its own).
            form = {"task": "describe", "warm": "false", "detail": detail}
            upload = await self.http.post("/api/photos/", files=files, data=form, headers=self.headers)
            upload.raise_for_status()
            body = {
                "photos": [p["sha256"] for p in upload.json()["photos"]],
                "question": item.kind.prompt,
                "activity": "balanced",
                "max_tokens": item.kind.output_tokens,
                "ignore_eos": True,
                "detail": detail,
            }
            asked = time.perf_counter()
            created = await self.http.post("/api/runs/create/", json=body, headers=self.headers)
            created.raise_for_status()
            return await self._watch(created.json()["id"], started, asked)
        except (httpx.HTTPError, websockets.WebSocketException, OSError, AssertionError) as exc:
            return Sample(ok=False, error=f"{type(exc).__name__}: {exc}"[:200])

    async def _watch(self, run_id: str, started: float, asked: float) -> Sample:
        cookie = "; ".join(f"{k}={v}" for k, v in self.http.cookies.items())
        headers = {"Cookie": cookie, "Origin": self.app_url}
        first: float | None = None
        async with websockets.connect(f"{self.ws_url}/ws/runs/{run_id}/", additional_headers=headers) as ws:
            async for raw in ws:
                message = json.loads(raw)
                # Text already in the snapshot (the first tokens came before the socket opened) is shown at once.
                shown = message["type"] == "delta" or (message["type"] == "snapshot" and message["run"]["text"])
                if shown and first is None:
                    first = time.perf_counter()
                final = message.get("run") if message["type"] in ("done", "failed", "cancelled", "snapshot") else None
                if final and final["status"] in ("done", "failed", "cancelled"):
                    end = time.perf_counter()
                    if final["status"] != "done":
                        return Sample(ok=False, error=final["error"])
                    tokens = final["usage"]["completion_tokens"]
                    return Sample(ok=True, ttft_s=(first or end) - asked, e2e_s=end - started, output_tokens=tokens)
        return Sample(ok=False, error="the websocket closed before the final message")


def as_dict(summary: Summary) -> dict[str, Any]:
    return asdict(summary)
