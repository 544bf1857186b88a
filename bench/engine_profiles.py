"""Engine profile experiments on a GPU host: the standard mix straight to vLLM, one engine setup at a time.

Each profile is an engine command line (started here, measured, stopped) and the request variants measured on it:
a pixel budget policy per kind of question and the sampling. Every variant gets its own unique photos, prepared
(resized to its budget) before timing, so no variant is helped by another's prefix cache. GPU busy is sampled
with nvidia-smi while each variant runs.

Needs only vLLM, httpx, numpy and Pillow (no Django), so it runs beside an offline vLLM bundle:
  python bench/engine_profiles.py --model MODEL_DIR --out bench/results/gpu/PROFILES.json
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import io
import itertools
import json
import os
import platform
import statistics
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PIL import Image  # noqa: E402

from bench.standard_mix import SAMPLING, MixRequest, requests  # noqa: E402
from inference.pixel_budget import fit_to_budget  # noqa: E402

CAP = {"describe": 1280, "detail": 1280, "reason": 1280, "compare": 1280}  # the shared figures' setup
# What each question needs: a description reads the scene, not the digits; gauges and labels need the detail.
PER_KIND = {"describe": 384, "detail": 1280, "reason": 768, "compare": 640}
LEAN = {"describe": 256, "detail": 1024, "reason": 512, "compare": 384}
BUDGETS = {"cap1280": CAP, "per_kind": PER_KIND, "lean": LEAN}
SYSTEM = "You are a careful visual assistant. Answer from what the photos show."
PORT = 8111


def engine_command(model: str, extra: list[str], port: int = PORT) -> list[str]:
    base = [sys.executable, "-m", "vllm.entrypoints.openai.api_server", "--model", model, "--port", str(port)]
    return [*base, "--load-format", "dummy", "--max-model-len", "16384", "--disable-uvicorn-access-log", *extra]


# name -> engine arguments beyond the defaults; the variants measured on it: (budgets, presence penalty)
PROFILES: dict[str, tuple[list[str], list[tuple[str, float]]]] = {
    "defaults": ([], [("cap1280", 0.0), ("cap1280", 1.5), ("per_kind", 0.0), ("lean", 0.0)]),
    "api4": (["--api-server-count", "4"], [("cap1280", 0.0), ("lean", 0.0)]),
    "api4_async": (["--api-server-count", "4", "--async-scheduling"], [("cap1280", 0.0), ("lean", 0.0)]),
    "fp8_api4": (["--quantization", "fp8", "--api-server-count", "4"], [("cap1280", 0.0), ("lean", 0.0)]),
    "fp8": (["--quantization", "fp8"], [("cap1280", 0.0), ("lean", 0.0)]),
    # torch.compile on the vision encoder too (vLLM compiles only the language model by default)
    "encoder_compiled": (["--compilation-config", '{"compile_mm_encoder": true}'], [("cap1280", 0.0), ("lean", 0.0)]),
    "encoder_graphs": (["--compilation-config", '{"cudagraph_mm_encoder": true}'], [("cap1280", 0.0), ("lean", 0.0)]),
    # Engines side by side on the one GPU, each with its own engine-core process and a share of the memory (the
    # question: is one engine core's scheduling thread the limit? On an H200: no, 0.91-0.96x of one engine).
    "two_engines": (["--gpu-memory-utilization", "0.44"], [("cap1280", 0.0), ("lean", 0.0)]),
    "three_engines": (["--gpu-memory-utilization", "0.29"], [("cap1280", 0.0), ("lean", 0.0)]),
    "two_engines_fp8": (["--gpu-memory-utilization", "0.44", "--quantization", "fp8"], [("lean", 0.0)]),
}
# name -> engines started with the profile's arguments, on ports PORT, PORT + 1, ...; sessions alternate over them
REPLICAS = {"two_engines": 2, "three_engines": 3, "two_engines_fp8": 2}


def prepared_messages(item: MixRequest, budgets: dict[str, int]) -> list[dict[str, Any]]:
    parts: list[dict[str, Any]] = []
    for data in item.photos:
        image = Image.open(io.BytesIO(data)).convert("RGB")
        size = fit_to_budget(image.width, image.height, budgets[item.kind.name])
        out = io.BytesIO()
        image.resize(size, Image.Resampling.BICUBIC).save(out, "JPEG", quality=85)
        parts.append(
            {
                "type": "image_url",
                "image_url": {"url": "data:image/jpeg;base64," + base64.b64encode(out.getvalue()).decode()},
            }
        )
    return [
        {"role": "system", "content": SYSTEM},
        {"role": "user", "content": [*parts, {"type": "text", "text": item.kind.prompt}]},
    ]


def prepare_variant(args: tuple[int, int, str]) -> list[tuple[int, str, int, list[dict[str, Any]]]]:
    count, seed, budget_name = args
    return [
        (item.index, item.kind.name, item.kind.output_tokens, prepared_messages(item, BUDGETS[budget_name]))
        for item in requests(count, seed=seed)
    ]


async def one_request(client: Any, model: str, work: tuple, presence: float) -> dict[str, Any]:
    """One streamed chat completion over plain HTTP (the engine's OpenAI API), timed at the first text."""
    _, _, max_tokens, messages = work
    body = {
        "model": model,
        "messages": messages,
        "max_tokens": max_tokens,
        "stream": True,
        "stream_options": {"include_usage": True},
        "presence_penalty": presence,
        "ignore_eos": True,
        **SAMPLING,
    }
    started, first, tokens = time.perf_counter(), None, 0
    try:
        async with client.stream("POST", "/v1/chat/completions", json=body) as answer:
            answer.raise_for_status()
            async for line in answer.aiter_lines():
                if not line.startswith("data: ") or line == "data: [DONE]":
                    continue
                chunk = json.loads(line[6:])
                choices = chunk.get("choices") or []
                if first is None and choices and (choices[0].get("delta") or {}).get("content"):
                    first = time.perf_counter()
                if chunk.get("usage"):
                    tokens = chunk["usage"]["completion_tokens"]
    except Exception as exc:  # noqa: BLE001 - every failure is counted and shown, never hidden
        return {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:200]}
    end = time.perf_counter()
    return {"ok": True, "ttft": (first or end) - started, "e2e": end - started, "tokens": tokens}


async def run_sessions(
    model: str, sessions: int, work: list[tuple], presence: float, engines: int = 1
) -> list[dict[str, Any]]:
    """`sessions` closed-loop sessions in this process, sharing `work`, session i on engine i % `engines`; each
    sample as one_request returns it."""
    import httpx

    limits = httpx.Limits(max_connections=sessions + 8)
    clients = [
        httpx.AsyncClient(base_url=f"http://127.0.0.1:{PORT + e}", timeout=600, limits=limits, trust_env=False)
        for e in range(engines)
    ]
    queue = list(reversed(work))
    samples: list[dict[str, Any]] = []

    async def session(client: Any) -> None:
        while queue:
            samples.append(await one_request(client, model, queue.pop(), presence))

    await asyncio.gather(*(session(clients[i % engines]) for i in range(sessions)))
    for client in clients:
        await client.aclose()
    return samples


def _client_process(args: tuple[str, int, list[tuple], float, int]) -> list[dict[str, Any]]:
    return asyncio.run(run_sessions(*args))


def closed_loop(
    model: str, sessions: int, work: list[tuple], presence: float, clients: int = 1, engines: int = 1
) -> dict[str, Any]:
    """The sessions spread over `clients` processes: one Python process parsing every streamed token of 64
    sessions may itself be what limits the figure, so the same mix can be sent by several."""
    clients = max(1, min(clients, sessions))
    counts = [sessions // clients + (i < sessions % clients) for i in range(clients)]
    shares = [(model, counts[i], work[i::clients], presence, engines) for i in range(clients)]
    busy = subprocess.Popen(
        ["nvidia-smi", "--query-gpu=utilization.gpu", "--format=csv,noheader,nounits", "-lms", "250"],
        stdout=subprocess.PIPE,
        text=True,
    )
    started = time.perf_counter()
    if clients == 1:
        samples = asyncio.run(run_sessions(*shares[0]))
    else:
        with ProcessPoolExecutor(max_workers=clients) as pool:
            samples = [sample for share in pool.map(_client_process, shares) for sample in share]
    duration = time.perf_counter() - started
    busy.terminate()
    readings = [int(line) for line in busy.communicate()[0].split() if line.strip().isdigit()]
    good = [s for s in samples if s["ok"]]
    ttfts, e2es = sorted(s["ttft"] for s in good), sorted(s["e2e"] for s in good)

    def pct(values: list[float], q: float) -> float:
        return values[min(len(values) - 1, round(q * (len(values) - 1)))] if values else 0.0

    return {
        "sessions": sessions,
        "client_processes": clients,
        "engines": engines,
        "requests": len(good),
        "errors": len(samples) - len(good),
        "first_errors": [s["error"] for s in samples if not s["ok"]][:3],
        "req_per_s": round(len(good) / duration, 2),
        "output_tok_per_s": round(sum(s["tokens"] for s in good) / duration, 1),
        "ttft_p50_ms": round(statistics.median(ttfts) * 1000, 1) if ttfts else None,
        "ttft_p95_ms": round(pct(ttfts, 0.95) * 1000, 1) if ttfts else None,
        "e2e_p50_s": round(statistics.median(e2es), 3) if e2es else None,
        "e2e_p95_s": round(pct(e2es, 0.95), 3) if e2es else None,
        "gpu_busy_pct": round(statistics.fmean(readings[2:-2] or readings or [0]), 1),
    }


def wait_healthy(process: subprocess.Popen, port: int = PORT, timeout_s: float = 600) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the engine exited with {process.returncode}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(1)
    raise RuntimeError("the engine did not become healthy")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--profiles", default=",".join(PROFILES))
    parser.add_argument("--sessions", type=int, default=64)
    parser.add_argument("--per-session", type=int, default=4)
    parser.add_argument("--log-dir", default="/tmp")
    parser.add_argument("--budgets", default="", help="only these budget policies, e.g. cap1280,lean")
    parser.add_argument("--clients", default="1", help="client processes to send the mix from, e.g. 1,4 (each)")
    args = parser.parse_args()
    chosen = args.profiles.split(",")
    if args.budgets:
        keep = args.budgets.split(",")
        for name in chosen:
            PROFILES[name] = (PROFILES[name][0], [v for v in PROFILES[name][1] if v[0] in keep])
    count = args.sessions * args.per_session
    client_counts = [int(c) for c in args.clients.split(",")]
    plan = [(name, b, p, c) for name in chosen for (b, p), c in itertools.product(PROFILES[name][1], client_counts)]
    jobs = [(count, 7000 + i, budget) for i, (_, budget, _, _) in enumerate(plan)] + [(8, 6999, "cap1280")]
    print(f"preparing {len(jobs)} sets of {count} requests", flush=True)
    with ProcessPoolExecutor(max_workers=min(16, os.cpu_count() or 1)) as pool:
        prepared = list(pool.map(prepare_variant, jobs))
    warm = prepared.pop()
    results: dict[str, Any] = {"machine": f"{platform.node()} {os.cpu_count()} cores", "when": time.strftime("%F %T")}
    out = Path(args.out)
    for name in chosen:
        count_engines = REPLICAS.get(name, 1)
        started = time.monotonic()
        engines: list[subprocess.Popen] = []
        logs = []
        try:
            # One after another: each engine measures the GPU memory left when it starts.
            for e in range(count_engines):
                logs.append(open(Path(args.log_dir) / f"engine-{name}-{e}.log", "w"))  # noqa: SIM115 - closed below
                command = engine_command(args.model, PROFILES[name][0], PORT + e)
                engines.append(subprocess.Popen(command, stdout=logs[-1], stderr=subprocess.STDOUT))
                wait_healthy(engines[-1], PORT + e)
            startup = round(time.monotonic() - started, 1)
            # first requests pay one-time costs, on every engine
            closed_loop(args.model, 8 * count_engines, warm * count_engines, 0.0, engines=count_engines)
            for (budget, presence), clients in itertools.product(PROFILES[name][1], client_counts):
                work = prepared[plan.index((name, budget, presence, clients))]
                row = closed_loop(args.model, args.sessions, work, presence, clients, count_engines)
                row.update(profile=name, engine_args=PROFILES[name][0], budgets=budget, presence_penalty=presence)
                row["engine_start_s"] = startup
                results.setdefault("rows", []).append(row)
                print(json.dumps(row), flush=True)
                out.write_text(json.dumps(results, indent=2))
        finally:
            for engine in engines:
                engine.terminate()
            for engine in engines:
                try:
                    engine.wait(timeout=60)
                except subprocess.TimeoutExpired:
                    engine.kill()
            for log in logs:
                log.close()
    out.write_text(json.dumps(results, indent=2))
    print(f"results: {out}")


if __name__ == "__main__":
    main()
