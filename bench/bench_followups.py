"""Time to first token of follow-up questions, through the app's own run machinery, against a running engine.

For each of N conversations (fresh photos every time, so nothing is cached from an earlier run of the bench):
  - the first question: a `describe` run on photo A (its photo is new to the engine);
  - the conversation is started beside that run (which warms the engine's cache with the follow-up prefix);
  - turns 1-8 are follow-ups; turns 3, 5 and 7 each add a photo (B, C, D: with 4 photos, photo A leaves the
    three-photo window at turn 7 and is then named by its description), the other turns ask about the same photos.
Conversations alternate between the product's way (the follow-up prefix warmed when the conversation starts) and
that warm-up off, so both see the same machine load. Per turn: the median TTFT over conversations; ratios are taken
within each conversation, then their median. Results: a table on the console and bench/results/followups.json.

Run: python bench/bench_followups.py [--engine-url URL] [--conversations N]
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import os
import platform
import random
import shutil
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a script from anywhere
RESULTS = ROOT / "bench" / "results" / "followups.json"
DATA_DIR = ROOT / "var" / "bench-followups"
PHOTO_TURNS = {3: 1, 5: 2, 7: 3}  # turn -> index of the photo it adds (0 is the first question's photo)
TURNS = 8
THINK_S = 1.5  # a person reads the answer and types the next question
SAMPLING = {"temperature": 0.7, "top_p": 0.8, "top_k": 20, "presence_penalty": 0.0}
ANSWER_TOKENS = 8  # TTFT does not depend on the answer's length; short answers keep the bench quick


def setup_django(engine_url: str) -> None:
    if DATA_DIR.exists():
        shutil.rmtree(DATA_DIR)
    os.environ["VISIONDESK_DATA_DIR"] = str(DATA_DIR)
    os.environ["INFERENCE_URL"] = engine_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "core.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def bench_user() -> Any:
    from django.contrib.auth import get_user_model

    from core.models import Membership, Role, Team

    user = get_user_model().objects.create_user("bench-followups", password="unused-bench-password")
    Membership.objects.create(user=user, team=Team.objects.create(name="Bench"), role=Role.ADMIN)
    return user


def bench_photo(seed: int, size: tuple[int, int] = (1280, 960)) -> bytes:
    """A detailed photo-like JPEG, unique per seed (so its hash, and the engine's cache key, are new)."""
    rng = random.Random(seed)
    pixels = np.random.default_rng(seed).integers(0, 256, (size[1] // 8, size[0] // 8, 3), dtype=np.uint8)
    image = Image.fromarray(pixels, "RGB").resize(size, Image.Resampling.BILINEAR)
    draw = ImageDraw.Draw(image)
    for _ in range(16):
        x, y, r = rng.randrange(size[0]), rng.randrange(size[1]), rng.randrange(10, 140)
        draw.ellipse((x - r, y - r, x + r, y + r), outline=(rng.randrange(256), 40, 40), width=4)
        draw.text((x, y), f"PT-{rng.randrange(1000)} {rng.random() * 10:.2f} bar", fill=(255, 255, 255))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return out.getvalue()


async def finished(run: Any, timeout: float = 300) -> Any:
    from asgiref.sync import sync_to_async

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        await sync_to_async(run.refresh_from_db)()
        if not run.is_active:
            if run.status != "done":
                raise RuntimeError(f"{run.task} run {run.id} {run.status}: {run.error}")
            return run
        await asyncio.sleep(0.05)
    raise TimeoutError(f"{run.task} run {run.id} did not finish")


def sample(run: Any, *, turn: int, new_photo: bool) -> dict[str, Any]:
    return {
        "turn": turn,
        "ttft_ms": None if run.ttft_ms is None else round(run.ttft_ms, 1),  # None: the answer was empty
        "prompt_tokens": run.prompt_tokens,
        "images_sent": run.photos.count(),
        "new_photo": new_photo,
    }


async def one_conversation(user: Any, *, seed: int, warm: bool) -> list[dict[str, Any]]:
    from asgiref.sync import sync_to_async
    from django.conf import settings

    from core.selectors import user_team
    from core.services.conversations import conversation_ask, conversation_start
    from core.services.photos import photo_upload
    from core.services.runs import run_create

    settings.WARM_CACHE_ON_UPLOAD = warm
    team = await sync_to_async(user_team)(user)
    photos = [
        await sync_to_async(photo_upload)(user=user, team=team, filename=f"p{i}.jpg", data=bench_photo(seed * 10 + i))
        for i in range(4)
    ]
    first = await sync_to_async(run_create)(
        user=user, team=team, task="describe", photos=photos[:1], fields={"question": "What is shown here?"},
        max_tokens=ANSWER_TOKENS, sampling=SAMPLING,
    )  # fmt: skip
    samples = [await sync_to_async(sample)(await finished(first), turn=0, new_photo=True)]
    conversation, _ = await sync_to_async(conversation_start)(user=user, run=first)
    for turn in range(1, TURNS + 1):
        await asyncio.sleep(THINK_S)
        added = [photos[PHOTO_TURNS[turn]]] if turn in PHOTO_TURNS else []
        asked = await sync_to_async(conversation_ask)(
            user=user, conversation=conversation, question=f"Follow-up {turn}: what else can you see?",
            photos=added, max_tokens=ANSWER_TOKENS, sampling=SAMPLING,
        )  # fmt: skip
        samples.append(await sync_to_async(sample)(await finished(asked.run), turn=turn, new_photo=bool(added)))
    await asyncio.sleep(THINK_S)  # let the caption runs finish before the next conversation
    return samples


def medians(conversations: list[list[dict[str, Any]]]) -> list[dict[str, Any]]:
    rows = []
    for turn in range(TURNS + 1):
        values = [c[turn] for c in conversations]
        timed = [v["ttft_ms"] for v in values if v["ttft_ms"] is not None]
        rows.append(
            {
                "turn": turn,
                "what": "first question (describe)" if turn == 0 else "follow-up",
                "new_photo": values[0]["new_photo"],
                "images_sent": values[0]["images_sent"],
                "ttft_ms_median": round(statistics.median(timed), 1) if timed else None,
                "ttft_ms_all": [v["ttft_ms"] for v in values],  # None: an empty answer, left out of the median
                "prompt_tokens": values[0]["prompt_tokens"],
            }
        )
    return rows


RATIOS = {  # name: (turn, over turn)
    "followup_1_over_first_question": (1, 0),
    "turn_8_over_turn_1": (8, 1),
    "turn_7_new_photo_over_turn_1": (7, 1),
    "turn_8_over_first_question": (8, 0),
}


def ratios(conversations: list[list[dict[str, Any]]]) -> dict[str, float | None]:
    """Each ratio within each conversation (paired, so load that drifts between conversations cancels), then the
    median over conversations."""
    found: dict[str, float | None] = {}
    for name, (turn, base) in RATIOS.items():
        values = [
            c[turn]["ttft_ms"] / c[base]["ttft_ms"] for c in conversations if c[turn]["ttft_ms"] and c[base]["ttft_ms"]
        ]
        found[name] = round(statistics.median(values), 3) if values else None
    return found


def print_table(mode: str, rows: list[dict[str, Any]]) -> None:
    print(f"\n{mode}")
    print(f"{'turn':>4}  {'what':<26} {'new photo':>9} {'images':>6} {'prompt tok':>10} {'TTFT p50 ms':>11}")
    for r in rows:
        new = "yes" if r["new_photo"] else ""
        print(
            f"{r['turn']:>4}  {r['what']:<26} {new:>9} {r['images_sent']:>6} {r['prompt_tokens']:>10} "
            f"{r['ttft_ms_median']:>11}"
        )


async def main(args: argparse.Namespace) -> None:
    from asgiref.sync import sync_to_async

    from core.engine import engine_url
    from core.run_executor import executor

    user = await sync_to_async(bench_user)()
    executor.bind(asyncio.get_running_loop())
    base = int(time.time()) % 100000 * 100  # new photos on every run of the bench
    await one_conversation(user, seed=base + 99, warm=True)  # warm-up: the engine's first requests are slower
    runs: dict[bool, list[list[dict[str, Any]]]] = {True: [], False: []}
    for i in range(args.n):  # the two modes alternate, so both see the same machine load
        for warm in (True, False):
            runs[warm].append(await one_conversation(user, seed=base + 2 * i + int(warm), warm=warm))
    results: dict[str, Any] = {}
    for mode, warm in (("prefix warmed when the conversation starts (the product)", True), ("no warm-up", False)):
        rows = medians(runs[warm])
        print_table(mode, rows)
        results["warmed" if warm else "not_warmed"] = {"turns": rows, "ratios": ratios(runs[warm])}
        print(json.dumps(ratios(runs[warm])))
    await executor.shutdown()
    results["setup"] = {
        "engine_url": engine_url(),
        "conversations_per_mode": args.n,
        "answer_tokens": ANSWER_TOKENS,
        "think_time_s": THINK_S,
        "photo_size": "1280x960 JPEG, sent at the follow-up budget (1024 visual tokens max)",
        "photo_turns": PHOTO_TURNS,
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs (shared with other work: timings are noisy)",
        "when": time.strftime("%Y-%m-%d %H:%M:%S"),
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print(f"\nwrote {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--engine-url", default=os.environ.get("INFERENCE_URL", "http://127.0.0.1:8198/v1"))
    parser.add_argument("--conversations", dest="n", type=int, default=5)
    arguments = parser.parse_args()
    setup_django(arguments.engine_url)
    asyncio.run(main(arguments))
