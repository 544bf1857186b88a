"""Micro-benchmark of image intake on one CPU core.

`resize_for_budget` against the naive route (full decode, LANCZOS resize, re-encode) on the same photos and
budgets, side by side in interleaved rounds, plus `prepare_upload`. Prints a table and writes
bench/results/intake.json. Run: python bench/bench_intake.py [--rounds N]
"""

from __future__ import annotations

import argparse
import io
import json
import math
import os
import platform
import random
import statistics
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw, ImageStat, features

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a script from anywhere

from core.intake import BUDGET_RESAMPLE, prepare_upload, resize_for_budget  # noqa: E402
from inference.pixel_budget import fit_to_budget  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "intake.json"
# (label, width, height, JPEG quality of the input, visual-token budget, repetitions per round)
RESIZE_CASES = [
    ("1920x1080 q75 -> 1280 tokens", 1920, 1080, 75, 1280, 8),
    ("1920x1080 q75 -> 512 tokens", 1920, 1080, 75, 512, 8),
    ("4032x3024 q90 -> 1280 tokens (12 MP phone photo)", 4032, 3024, 90, 1280, 2),
]


def pin_to_one_core() -> int | None:
    """Run on one core, the last one, so timings are per core; None where affinity is not available."""
    if not hasattr(os, "sched_setaffinity"):
        return None
    core = max(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {core})
    return core


def cpu_name() -> str:
    try:
        lines = Path("/proc/cpuinfo").read_text().splitlines()
        return next(line.split(":", 1)[1].strip() for line in lines if line.startswith("model name"))
    except (OSError, StopIteration):
        return platform.processor() or platform.machine()


def realistic_photo(width: int, height: int, *, seed: int = 0) -> Image.Image:
    """Gradients, many shapes, text and sensor grain: about as hard to code as a detailed real photo."""
    rng = random.Random(seed)
    size = (width, height)
    gradient = Image.linear_gradient("L").resize(size)
    base = Image.merge(
        "RGB", (gradient, Image.radial_gradient("L").resize(size), gradient.transpose(Image.Transpose.FLIP_LEFT_RIGHT))
    )
    draw = ImageDraw.Draw(base)
    for _ in range(width * height // 8000):
        x, y, r = rng.randrange(width), rng.randrange(height), rng.randrange(6, 120)
        colour = tuple(rng.randrange(256) for _ in range(3))
        draw.ellipse((x - r, y - r, x + r, y + r), outline=colour, width=rng.randrange(1, 5))
        draw.text((x, y), f"P{rng.randrange(100)} {rng.random() * 100:.1f} bar", fill=colour)
    grain = Image.effect_noise(size, 40).convert("RGB")
    return Image.blend(base, grain, 0.12)


def jpeg(image: Image.Image, quality: int) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality)
    return out.getvalue()


def naive_resize(data: bytes, max_tokens: int, quality: int = 85) -> bytes:
    image = Image.open(io.BytesIO(data)).convert("RGB")
    size = fit_to_budget(image.width, image.height, max_tokens)
    return jpeg(image.resize(size, Image.Resampling.LANCZOS), quality)


def timed_side_by_side(routes: dict[str, Callable[[], object]], *, repeats: int, rounds: int) -> dict[str, dict]:
    """ms per call for each route, alternating within every round so all routes see the same machine state.

    `best_ms` is the best round's CPU time of this thread (what the work costs when the core is ours alone,
    which a shared machine rarely gives); `wall_best_ms` and `wall_median_ms` are wall-clock.
    """
    wall: dict[str, list[float]] = {name: [] for name in routes}
    cpu: dict[str, list[float]] = {name: [] for name in routes}
    for fn in routes.values():
        fn()  # warm up caches and lazy imports
    for _ in range(rounds):
        for name, fn in routes.items():
            start, start_cpu = time.perf_counter(), time.thread_time()
            for _ in range(repeats):
                fn()
            wall[name].append((time.perf_counter() - start) / repeats * 1000)
            cpu[name].append((time.thread_time() - start_cpu) / repeats * 1000)
    return {
        name: {
            "best_ms": round(min(cpu[name]), 2),
            "median_ms": round(statistics.median(cpu[name]), 2),
            "wall_best_ms": round(min(wall[name]), 2),
            "wall_median_ms": round(statistics.median(wall[name]), 2),
        }
        for name in routes
    }


def decode_and_encode_only(data: bytes, resized: Image.Image) -> None:
    """The floor under any resize route: decode (with the same reduced-size mode) and encode, no resampling."""
    with Image.open(io.BytesIO(data)) as image:
        image.draft("RGB", resized.size)
        image.load()
    jpeg(resized, 85)


def psnr(a: bytes, b: bytes) -> float:
    """Peak signal-to-noise ratio of two same-size images, in dB (higher is closer; above 40 is near-identical)."""
    diff = ImageChops.difference(Image.open(io.BytesIO(a)).convert("RGB"), Image.open(io.BytesIO(b)).convert("RGB"))
    mse = statistics.fmean(rms**2 for rms in ImageStat.Stat(diff).rms)
    return round(10 * math.log10(255**2 / mse), 2) if mse else math.inf


def bench_resize(rounds: int) -> list[dict]:
    rows = []
    for label, width, height, quality, budget, repeats in RESIZE_CASES:
        photo = realistic_photo(width, height)
        data = jpeg(photo, quality)
        ours, out_w, out_h = resize_for_budget(data=data, max_tokens=budget)
        # What both routes aim at: the original, before its JPEG compression, resized with LANCZOS.
        truth = jpeg(photo.resize((out_w, out_h), Image.Resampling.LANCZOS), 100)
        resized = Image.open(io.BytesIO(ours)).convert("RGB")
        times = timed_side_by_side(
            {
                "naive": partial(naive_resize, data, budget),
                "ours": partial(resize_for_budget, data=data, max_tokens=budget),
                "floor": partial(decode_and_encode_only, data, resized),
            },
            repeats=repeats,
            rounds=rounds,
        )
        rows.append(
            {
                "case": label,
                "input_bytes": len(data),
                "output_size": [out_w, out_h],
                "naive_ms": times["naive"],
                "ours_ms": times["ours"],
                "decode_encode_floor_ms": times["floor"],
                "speedup_best": round(times["naive"]["best_ms"] / times["ours"]["best_ms"], 2),
                "speedup_median": round(times["naive"]["median_ms"] / times["ours"]["median_ms"], 2),
                "psnr_naive_db": psnr(naive_resize(data, budget), truth),
                "psnr_ours_db": psnr(ours, truth),
            }
        )
    return rows


def bench_prepare(rounds: int) -> list[dict]:
    """An upright JPEG is kept as its own compressed pixels; one that needs rotating is decoded and re-encoded."""
    rows, limits = [], {"max_bytes": 50_000_000, "max_pixels": 50_000_000}
    rotated = Image.Exif()
    rotated[0x0112] = 6  # Orientation: rotate 90 degrees clockwise to view
    for label, width, height, quality, exif, repeats in [
        ("1920x1080 q75 (kept, metadata stripped)", 1920, 1080, 75, None, 4),
        ("1920x1080 q75 EXIF-rotated (re-encoded)", 1920, 1080, 75, rotated, 4),
        ("4032x3024 q90 (kept, metadata stripped)", 4032, 3024, 90, None, 1),
    ]:
        out = io.BytesIO()
        realistic_photo(width, height, seed=1).save(out, "JPEG", quality=quality, exif=exif or Image.Exif())
        data = out.getvalue()
        times = timed_side_by_side(
            {"prepare_upload": partial(prepare_upload, filename="p.jpg", data=data, **limits)},
            repeats=repeats,
            rounds=rounds,
        )
        rows.append({"case": label, "input_bytes": len(data), **times["prepare_upload"]})
    return rows


def print_tables(resize_rows: list[dict], prepare_rows: list[dict]) -> None:
    heading = f"{'resize_for_budget vs naive':50} {'naive ms':>9} {'ours ms':>8} {'x faster':>8} {'floor ms':>8}"
    print(f"\n{heading} {'PSNR naive/ours dB':>19}  output")
    for row in resize_rows:
        naive, ours, floor = (row[key]["best_ms"] for key in ("naive_ms", "ours_ms", "decode_encode_floor_ms"))
        quality = f"{row['psnr_naive_db']:.2f} / {row['psnr_ours_db']:.2f}"
        size = "x".join(map(str, row["output_size"]))
        print(
            f"{row['case']:50} {naive:9.1f} {ours:8.1f} {row['speedup_best']:8.2f} {floor:8.1f} {quality:>19}  {size}"
        )
    print(f"\n{'prepare_upload':50} {'ms':>9} {'wall ms':>8}")
    for row in prepare_rows:
        print(f"{row['case']:50} {row['best_ms']:9.1f} {row['wall_best_ms']:8.1f}")
    print("\nms: CPU time per photo on one core, best round (wall clock and medians in the JSON).")
    print("floor: decode + encode alone, no resampling.")
    print("PSNR: each route's output against the uncompressed original resized with LANCZOS (higher is better).")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7, help="interleaved rounds per case (default 7)")
    args = parser.parse_args()
    core = pin_to_one_core()
    resize_rows, prepare_rows = bench_resize(args.rounds), bench_prepare(args.rounds)
    print_tables(resize_rows, prepare_rows)
    machine = {
        "cpu": cpu_name(),
        "pinned_core": core,
        "load_average": os.getloadavg(),
        "pillow": Image.__version__,
        "libjpeg_turbo": features.version("libjpeg_turbo"),
        "resample": BUDGET_RESAMPLE,
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({"machine": machine, "resize": resize_rows, "prepare": prepare_rows}, indent=2))
    print(f"wrote {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
