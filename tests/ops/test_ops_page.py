"""The operations page: admins only; its numbers come from Run rows, the engine's /metrics and the settings."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from core.models import Run, RunStatus, Team
from core.ops.engine_metrics import EngineHistory, metrics_url, parse
from core.ops.stats import percentiles, run_stats

pytestmark = pytest.mark.django_db

ENGINE_TEXT = """# HELP vllm:num_requests_running Number of requests in model execution batches.
# TYPE vllm:num_requests_running gauge
vllm:num_requests_running{engine="0",model_name="m"} 3.0
vllm:num_requests_running{engine="1",model_name="m"} 1.0
# TYPE vllm:num_requests_waiting gauge
vllm:num_requests_waiting{engine="0",model_name="m"} 2.0
# TYPE vllm:kv_cache_usage_perc gauge
vllm:kv_cache_usage_perc{engine="0",model_name="m"} 0.25
# TYPE vllm:generation_tokens counter
vllm:generation_tokens_total{engine="0",model_name="m"} 1000.0
vllm:generation_tokens_created{engine="0",model_name="m"} 1.7e+09
"""


def finished_run(team, *, task="describe", status=RunStatus.DONE, ttft=100.0, latency=1000.0, ago_s=60, tokens=10):
    finished = timezone.now() - timedelta(seconds=ago_s)
    run = Run.objects.create(
        task=task, template_version=1, team=team, status=status, ttft_ms=ttft, latency_ms=latency,
        prompt_tokens=tokens, completion_tokens=tokens, finished_at=finished,
    )  # fmt: skip
    return run


def test_only_admins_see_the_page_and_its_data(client, owner, team_lead, admin_member, admin_user):
    for user in (owner, team_lead):
        client.force_login(user)
        assert client.get("/ops/").status_code == 403
        assert client.get("/ops/data/").status_code == 403
    for user in (admin_member, admin_user):
        client.force_login(user)
        assert client.get("/ops/").status_code == 200
        assert client.get("/ops/data/")["Content-Type"] == "application/json"


def test_anonymous_visitors_are_sent_to_log_in(client):
    assert client.get("/ops/data/").status_code == 302


def test_percentiles_use_the_nearest_rank():
    values = [float(v) for v in range(1, 101)]
    assert percentiles(values) == {"p50": 50.0, "p90": 90.0, "p99": 99.0}
    assert percentiles([]) == {"p50": None, "p90": None, "p99": None}
    assert percentiles([7.0]) == {"p50": 7.0, "p90": 7.0, "p99": 7.0}


def test_timings_usage_and_cost_come_from_the_last_hours_runs(team, settings):
    settings.GPU_PRICE_PER_HOUR = 2.5
    other = Team.objects.create(name="Lab")
    for i in range(1, 11):
        finished_run(team, ttft=i * 10.0, latency=i * 100.0)
    finished_run(other, task="homework", status=RunStatus.FAILED, ttft=None, latency=None)
    finished_run(team, ttft=1.0, latency=1.0, ago_s=7200)  # older than an hour: not in the percentiles
    stats = run_stats()
    hour = stats["hour"]
    assert (hour["runs"], hour["done"], hour["failed"]) == (11, 10, 1)
    assert hour["ttft_ms"] == {"p50": 50.0, "p90": 90.0, "p99": 100.0}
    assert hour["latency_ms"]["p50"] == 500.0
    assert sum(m["done"] for m in hour["per_minute"]) == 10 and len(hour["per_minute"]) <= 60
    teams = {row["name"]: row for row in stats["usage_day"]["by_team"]}
    assert teams["North plant"]["runs"] == 11 and teams["Lab"]["failed"] == 1 and teams["North plant"]["tokens"] == 220
    apps = {row["app"]: row for row in stats["usage_day"]["by_app"]}
    assert apps["ask"]["runs"] == 12  # tasks no app claims count as "Ask about photos"
    assert stats["cost"]["per_1000_runs_hour"] == round(2.5 * 1000 / 11, 4)
    assert stats["cost"]["per_1000_runs_day"] == round(2.5 * 24 * 1000 / 12, 4)


def test_without_a_gpu_price_no_cost_is_invented(team, settings):
    settings.GPU_PRICE_PER_HOUR = 0
    finished_run(team)
    assert run_stats()["cost"]["per_1000_runs_hour"] is None


def test_engine_metrics_are_summed_over_engines_and_turned_into_rates(monkeypatch):
    from core.ops import engine_metrics

    values = parse(ENGINE_TEXT)
    assert values["vllm:num_requests_running"] == 4.0 and values["vllm:kv_cache_usage_perc"] == 0.25
    readings = iter([values, {**values, "vllm:generation_tokens_total": 1300.0}])
    now = [1000.0]
    monkeypatch.setattr(engine_metrics, "fetch", lambda: next(readings))
    history = EngineHistory(clock=lambda: now[0])
    first = history.latest()
    now[0] += 1.0
    assert history.latest() is first, "readings closer than the minimum gap are not taken again"
    now[0] += 2.0
    second = history.latest()
    assert first.generation_tps is None and first.kv_cache_pct == 25.0
    assert second.generation_tps == pytest.approx(100.0)
    assert len(history.series()) == 2


def test_the_engine_metrics_url_sits_beside_its_api(settings):
    settings.INFERENCE_URL = "http://gpu-host:8100/v1"
    assert metrics_url() == "http://gpu-host:8100/metrics"


@pytest.mark.engine
def test_the_real_engine_serves_the_metric_names_the_page_reads(engine_settings):
    from core.ops.engine_metrics import GENERATED, KV_CACHE, RUNNING, WAITING, fetch

    values = fetch()
    assert values is not None
    import httpx

    text = httpx.get(metrics_url()).text
    for name in (RUNNING, WAITING, KV_CACHE, GENERATED):
        assert f"\n{name}{{" in text, f"the engine no longer serves {name}"


def test_the_data_says_when_there_is_no_gpu_reading(client, admin_user, monkeypatch):
    from core.ops import views

    monkeypatch.setattr(views, "gpu_readings", lambda: [])
    client.force_login(admin_user)
    data = client.get("/ops/data/").json()
    assert data["gpus"] == [] and set(data["app"]) == {"waiting", "in_flight", "websocket_clients"}
    assert {"hour", "usage_day", "cost", "queue", "engine", "engine_history"} <= set(data)
