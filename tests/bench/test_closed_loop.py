"""Requests per second count the load asked for: the start, before the first answers, and the tail after the work
runs out are left out of the rate."""

from __future__ import annotations

import asyncio

from bench.loadgen import Sample, closed_loop_samples, summarize


def test_the_start_and_the_tail_do_not_count_in_the_rate():
    async def send(seconds: float) -> Sample:
        await asyncio.sleep(seconds)
        return Sample(ok=True, e2e_s=seconds)

    # Two sessions: six short answers (the first two end together, the start), then one long one alone (the tail).
    work = [0.05] * 6 + [0.6]
    samples, duration, steady = asyncio.run(closed_loop_samples("t", 2, work, send, progress=False))
    assert [s.steady for s in sorted(samples, key=lambda s: s.ended_at)] == [False] * 2 + [True] * 4 + [False]
    assert 0.08 < steady < 0.2 and duration > 0.7
    summary = summarize("t", 2, samples, duration, steady)
    assert summary.requests == 7
    assert summary.req_per_s_overall == round(7 / duration, 3)
    assert summary.req_per_s == round(4 / steady, 3) and summary.req_per_s > 2 * summary.req_per_s_overall


def test_without_a_busy_window_the_whole_run_counts():
    samples = [Sample(ok=True, e2e_s=1.0), Sample(ok=True, e2e_s=1.0), Sample(ok=False, error="x")]
    summary = summarize("t", 2, samples, 4.0)
    assert summary.req_per_s == summary.req_per_s_overall == 0.5 and summary.errors == 1


def test_a_window_holding_fewer_answers_than_sessions_gives_way_to_the_whole_run():
    async def send(seconds: float) -> Sample:
        await asyncio.sleep(seconds)
        return Sample(ok=True, e2e_s=seconds)

    # Four sessions, five requests: only one answer can end between the fourth answer and the first idle session.
    work = [0.05, 0.05, 0.05, 0.05, 0.06]
    samples, duration, steady = asyncio.run(closed_loop_samples("t", 4, work, send, progress=False))
    assert steady == 0.0 and not any(s.steady for s in samples)
    assert summarize("t", 4, samples, duration, steady).req_per_s == round(5 / duration, 3)
