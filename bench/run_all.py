"""`make bench`: the app against the raw engine on the standard mix, side by side, plus micro-benchmarks.

Starts the tiny engine and a Daphne app server on a scratch data folder unless told where running ones are
(--engine-url, --app-url). Results: a table on the console and JSON under bench/results/.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import json
import os
import platform
import shlex
import shutil
import signal
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BENCH_DATA = ROOT / "var" / "bench"
RESULTS = ROOT / "bench" / "results"
USER, PASSWORD = "bench", "bench-password-123"


def setup_django(data_dir: Path, fresh: bool) -> None:
    if fresh and data_dir.exists():
        shutil.rmtree(data_dir)
    os.environ["VISIONDESK_DATA_DIR"] = str(data_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "core.settings")
    import django

    django.setup()


def ensure_bench_user() -> None:
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from core.models import Membership, Role, Team

    call_command("migrate", verbosity=0)
    users = get_user_model().objects
    if not users.filter(username=USER).exists():
        user = users.create_user(USER, password=PASSWORD, is_staff=True)
        team, _ = Team.objects.get_or_create(name="Bench")
        Membership.objects.create(user=user, team=team, role=Role.ADMIN)


def start_engine(model: str, extra_args: str) -> Any:
    from inference.engine.launch import EngineProcess
    from inference.engine.machine import probe_machine
    from inference.engine.plan import plan_engine
    from inference.engine.settings import EngineSettings
    from tests.fixtures.live_app import free_port

    settings = EngineSettings.from_env(
        model=model or str(ROOT / "var" / "models" / "tiny-qwen3-vl"),
        port=free_port(),
        data_dir=BENCH_DATA,
        simulate_gpu="",
        extra_args=tuple(shlex.split(extra_args)),
    )
    plan = plan_engine(probe_machine(), settings)
    engine = EngineProcess(plan, BENCH_DATA / "engine.log")
    engine.start()
    print(f"starting the engine ({plan.served_name}): {' '.join(plan.argv())}", flush=True)
    engine.wait_until_healthy(timeout_s=900)
    return engine


# The load generator is one user sending what many people would: per-user rate limits do not apply here.
UNLIMITED = {"API_RATE_LIMIT": "1000000/min", "RUN_START_RATE_LIMIT": "1000000/min"}


def start_app(engine_url: str) -> Any:
    from tests.fixtures.live_app import start_app_server

    os.environ["DJANGO_SETTINGS_MODULE"] = "core.settings"
    env = {"DJANGO_SETTINGS_MODULE": "core.settings", "VISIONDESK_SERVE_TEST_DB": "", **UNLIMITED}
    return start_app_server(engine_url, extra_env=env)


class AppGroup:
    """`manage.py serve --processes N` against the given engine: the scaled-out web tier, as deployed."""

    def __init__(self, engine_url: str, processes: int) -> None:
        import subprocess

        import httpx

        from tests.fixtures.live_app import free_port

        if not os.environ.get("REDIS_URL"):
            sys.exit("--app-processes above 1 needs REDIS_URL (websockets are shared through Redis)")
        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "core.settings", "INFERENCE_URL": engine_url, **UNLIMITED}
        command = [sys.executable, "manage.py", "serve", "--processes", str(processes), "--port", str(port)]
        log = (BENCH_DATA / "app-group.log").open("w")
        self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        for _ in range(240):
            if self.process.poll() is not None:
                sys.exit(f"the app servers stopped; see {BENCH_DATA / 'app-group.log'}")
            try:
                if httpx.get(f"{self.url}/healthz", timeout=2).status_code == 200:
                    time.sleep(2)  # serve touches every process before it prints the address
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        self.stop()
        sys.exit("the app servers did not start")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


async def served_model(engine_url: str) -> str:
    import openai

    client = openai.AsyncOpenAI(base_url=engine_url, api_key="unused")
    return (await client.models.list()).data[0].id


# The photo detail a person would pick on the ask page for each kind of question in the standard mix.
DETAIL_BY_KIND = {"describe": "overview", "detail": "full", "reason": "standard", "compare": "overview"}


def budgets_for_details(details: dict[str, str]) -> dict[str, int]:
    """The engine side's visual tokens per kind that match the app's photo detail per kind."""
    from core.answer_controls import image_tokens_for
    from inference.prompts import get_template

    full = get_template("describe").image_tokens
    return {kind: image_tokens_for(detail) or full for kind, detail in details.items()}


async def side_by_side(
    engine_url: str,
    app_url: str,
    sessions_list: list[int],
    per_session: int,
    budgets: dict[str, int],
    details: dict[str, str] | None = None,
    turns: int = 3,
    pids: dict[str, int] | None = None,
) -> list[dict]:
    """`pids`: the engine's and the app's server processes where this script started them, for CPU per request."""
    from bench import loadgen
    from bench.cpu_meter import CpuMeter
    from bench.standard_mix import requests

    engine = loadgen.EngineTarget(engine_url, await served_model(engine_url), budgets)
    app = loadgen.AppTarget(app_url, USER, PASSWORD, details) if app_url else None
    if app is not None:
        await app.login()
        await app.wait_until_settled()
    rows = []
    for round_no, sessions in enumerate(sessions_list):
        count = sessions * per_session
        # The same kinds in the same order for both targets, each photo unique; the warm-up has photos of its own.
        engine_work, app_work = (requests(count, seed=1000 + round_no, twin=twin) for twin in (0, 1))
        warm = requests(4, seed=1000 + round_no, twin=2)
        prepared = {item.index: await asyncio.to_thread(engine.prepared, item) for item in engine_work}
        for item in warm:  # first requests pay one-time costs on both sides
            await engine.send(item, await asyncio.to_thread(engine.prepared, item))
            if app is not None:
                await app.send(item)
        # In turns (engine, app, engine, app, ...), so a slow minute of a noisy machine falls on both.
        targets = {"engine": (engine_work, functools.partial(send_prepared, engine, prepared))}
        if app is not None:
            targets["app"] = (app_work, app.send)
        samples: dict[str, list] = {name: [] for name in targets}
        turns_of: dict[str, list] = {name: [] for name in targets}  # each turn's own summary: the spread
        seconds = dict.fromkeys(targets, 0.0)
        steady = dict.fromkeys(targets, 0.0)
        meters = {
            name: CpuMeter(pids or {}, alone={"load generator": os.getpid()} if pids else None) for name in targets
        }
        for turn in range(turns):
            for name, (work, send) in targets.items():
                meters[name].start()
                taken, took, steady_s = await loadgen.closed_loop_samples(name, sessions, work[turn::turns], send, True)
                meters[name].stop()
                turns_of[name].append(loadgen.summarize(name, sessions, taken, took, steady_s))
                samples[name] += taken
                seconds[name] += took
                steady[name] += steady_s
        by_engine = loadgen.summarize("engine", sessions, samples["engine"], seconds["engine"], steady["engine"])
        by_app = None
        if app is not None:
            by_app = loadgen.summarize("app", sessions, samples["app"], seconds["app"], steady["app"])
        row = compare(by_engine, by_app)
        if app is not None:
            row["turns"] = turn_by_turn(turns_of["engine"], turns_of["app"])
        if pids:
            row["cpu_ms_per_request"] = {
                target: {name: round(spent / max(len(samples[target]), 1) * 1000, 1) for name, spent in m.spent.items()}
                for target, m in meters.items()
            }
        rows.append(row)
    return rows


async def send_prepared(engine: Any, prepared: dict[int, Any], item: Any) -> Any:
    return await engine.send(item, prepared[item.index])


def compare(engine: Any, app: Any) -> dict[str, Any]:
    from bench.loadgen import as_dict

    if app is None:
        return {"sessions": engine.sessions, "engine": as_dict(engine)}
    return {
        "sessions": engine.sessions,
        "engine": as_dict(engine),
        "app": as_dict(app),
        "throughput_ratio_app_over_engine": round(app.req_per_s / engine.req_per_s, 3) if engine.req_per_s else None,
        "added_ttft_p50_ms": (
            round(app.ttft_p50_ms - engine.ttft_p50_ms, 1) if app.ttft_p50_ms and engine.ttft_p50_ms else None
        ),
    }


def turn_by_turn(engine_turns: list[Any], app_turns: list[Any]) -> list[dict[str, Any]]:
    """The ratio and the added TTFT of each turn on its own: how far one turn's figure moves from the next on
    this machine, to read the run's figure against."""
    keys = ("throughput_ratio_app_over_engine", "added_ttft_p50_ms")
    return [{key: compare(e, a)[key] for key in keys} for e, a in zip(engine_turns, app_turns, strict=True)]


def print_table(rows: list[dict[str, Any]]) -> None:
    head = (
        f"{'target':<8}{'sess':>5}{'req/s':>8}{'overall':>9}{'out tok/s':>11}{'TTFT p50/p95 ms':>18}"
        f"{'e2e p50/p95 s':>16}{'err':>5}"
    )
    print("\n" + head + "\n" + "-" * len(head))
    for row in rows:
        for name in ("engine", "app"):
            if name not in row:
                continue
            r = row[name]
            ttft = f"{r['ttft_p50_ms']}/{r['ttft_p95_ms']}"
            e2e = f"{r['e2e_p50_s']}/{r['e2e_p95_s']}"
            speed = f"{r['req_per_s']:>8}{r['req_per_s_overall']:>9}{r['output_tok_per_s']:>11}"
            print(f"{name:<8}{r['sessions']:>5}{speed}{ttft:>18}{e2e:>16}{r['errors']:>5}")
        if "app" in row:
            ratio, added = row["throughput_ratio_app_over_engine"], row["added_ttft_p50_ms"]
            print(f"  app/engine throughput {ratio}x, added TTFT p50 {added} ms")
        if turns := row.get("turns"):
            each = ", ".join(f"{t['throughput_ratio_app_over_engine']}x {t['added_ttft_p50_ms']:+} ms" for t in turns)
            print(f"  turn by turn: {each}")
        if cpu := row.get("cpu_ms_per_request"):
            spent = "; ".join(
                f"{target}: " + ", ".join(f"{name} {ms} ms" for name, ms in by_process.items())
                for target, by_process in cpu.items()
            )
            print(f"  CPU per request ({spent})")
    print("req/s: answers from the N-th until the work ran out (all N sessions busy); overall: the whole run")


def app_flow_benches(engine_url: str) -> dict[str, Any]:
    """The support flow (upload to complete draft vs the engine's own time) and follow-up TTFT by turn, each a
    script of its own with its own app and data folder, against the same engine."""
    import subprocess

    found: dict[str, Any] = {}
    for name, script in (("support", "bench_support.py"), ("followups", "bench_followups.py")):
        print(f"\n=== {name}", flush=True)
        done = subprocess.run([sys.executable, f"bench/{script}", "--engine-url", engine_url], cwd=ROOT, check=False)
        out = RESULTS / f"{name}.json"
        if done.returncode == 0 and out.exists():
            found[name] = json.loads(out.read_text())
        else:
            found[name] = {"error": f"bench/{script} exited with {done.returncode}"}
    return found


def main() -> None:
    global BENCH_DATA
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--engine-url", default="")
    parser.add_argument("--app-url", default="")
    parser.add_argument("--sessions", default="4,12")
    parser.add_argument("--per-session", type=int, default=6, help="requests per session per target")
    parser.add_argument("--turns", type=int, default=3, help="the targets take turns this many times per round")
    parser.add_argument("--skip-micro", action="store_true")
    parser.add_argument("--engine-only", action="store_true", help="no app server: the raw engine alone")
    parser.add_argument("--model", default="", help="model for the started engine (default: the tiny model)")
    parser.add_argument("--engine-args", default="", help="extra engine arguments, e.g. '--load-format dummy'")
    parser.add_argument("--budgets", default="", help="visual tokens per kind, e.g. describe=256,detail=1280")
    parser.add_argument("--tag", default="", help="a label for this run's results file")
    parser.add_argument("--app-processes", type=int, default=1, help="web processes (above 1 needs REDIS_URL)")
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=BENCH_DATA,
        help=f"a scratch folder for the app's database, photos and logs, emptied when the run starts (default "
        f"{BENCH_DATA.relative_to(ROOT)}); "
        "put it on a local disk where the checkout is on a network or copied file system",
    )
    parser.add_argument(
        "--photo-detail-by-kind",
        action="store_true",
        help=f"the app's photo detail control per kind ({DETAIL_BY_KIND}), the engine side at the same budgets",
    )
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # a stopped benchmark still stops its engine
    budgets = {k: int(v) for k, v in (pair.split("=") for pair in args.budgets.split(",") if pair)}
    details = DETAIL_BY_KIND if args.photo_detail_by_kind else None

    BENCH_DATA = args.data_dir.resolve()
    setup_django(BENCH_DATA, fresh=not args.app_url)
    ensure_bench_user()
    if details:
        budgets = budgets_for_details(details)
    engine = None if args.engine_url else start_engine(args.model, args.engine_args)
    engine_url = args.engine_url or engine.plan.url
    app: Any = None
    if not (args.app_url or args.engine_only):
        app = AppGroup(engine_url, args.app_processes) if args.app_processes > 1 else start_app(engine_url)
    app_url = "" if args.engine_only else (args.app_url or app.url)
    results: dict[str, Any] = {
        "machine": f"{platform.node()} {os.cpu_count()} cores",
        "when": time.strftime("%F %T"),
        "engine_args": engine.plan.argv() if engine else engine_url,
        "budgets": budgets,
        "photo_detail_by_kind": details,
        "app_processes": args.app_processes,
    }
    try:
        sessions = [int(s) for s in args.sessions.split(",")]
        pids = {"engine": engine.pid} if engine is not None and engine.pid else {}
        if app is not None:
            pids["app"] = app.process.pid
        mix = side_by_side(engine_url, app_url, sessions, args.per_session, budgets, details, args.turns, pids)
        results["standard_mix"] = asyncio.run(mix)
        print_table(results["standard_mix"])
        if not (args.skip_micro or args.engine_only):
            from bench import micro

            results["micro"] = micro.run_all(app_url=app_url, username=USER, password=PASSWORD)
            results.update(app_flow_benches(engine_url))
    finally:
        if isinstance(app, AppGroup):
            app.stop()
        elif app is not None:
            from tests.fixtures.live_app import stop_app_server

            stop_app_server(app)
        if engine is not None:
            engine.stop()
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"bench-{args.tag or time.strftime('%Y%m%d-%H%M%S')}.json"
    out.write_text(json.dumps(results, indent=2))
    print(f"\nresults: {out}")


if __name__ == "__main__":
    main()
