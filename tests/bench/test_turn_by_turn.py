"""Each turn's own ratio and added TTFT go beside the run's figure, so its spread on a noisy machine shows."""

from __future__ import annotations

from bench.loadgen import Sample, summarize
from bench.run_all import turn_by_turn


def turn(answers: int, seconds: float, ttft_s: float):
    return summarize("t", 2, [Sample(ok=True, ttft_s=ttft_s, e2e_s=1.0) for _ in range(answers)], seconds)


def test_each_turn_is_compared_with_the_engines_turn_beside_it():
    engine = [turn(10, 5.0, 0.300), turn(10, 4.0, 0.250)]
    app = [turn(10, 5.0, 0.320), turn(9, 4.0, 0.240)]
    assert turn_by_turn(engine, app) == [
        {"throughput_ratio_app_over_engine": 1.0, "added_ttft_p50_ms": 20.0},
        {"throughput_ratio_app_over_engine": 0.9, "added_ttft_p50_ms": -10.0},
    ]
