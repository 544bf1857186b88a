"""/metrics: Prometheus text for admins or a scraper with the token; its numbers move when runs happen."""

from __future__ import annotations

import asyncio

import pytest
from channels.db import database_sync_to_async
from django.test import Client

from tests.fixtures.runs import connect, create_describe_run, read_until_final
from tests.ops.metrics_text import sample


@pytest.mark.django_db
def test_anonymous_callers_and_non_admins_are_refused(client, owner):
    response = client.get("/metrics")
    assert response.status_code == 401 and b"visiondesk_" not in response.content
    client.force_login(owner)
    assert client.get("/metrics").status_code == 403


@pytest.mark.django_db
def test_a_scraper_with_the_token_gets_the_metrics_and_a_wrong_token_does_not(client, settings):
    settings.METRICS_TOKEN = "s3cret-token"
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 401
    response = client.get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret-token")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    for name in ("visiondesk_runs_waiting", "visiondesk_runs_in_flight", "visiondesk_websocket_clients"):
        assert f"\n{name} " in text or text.startswith(f"{name} ")
    assert 'visiondesk_runs_active{status="queued"}' in text


@pytest.mark.django_db
def test_an_empty_token_setting_never_lets_anyone_in(client, settings):
    settings.METRICS_TOKEN = ""
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer ").status_code == 401


def scrape(user) -> str:
    client = Client()
    client.force_login(user)
    response = client.get("/metrics")
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.engine
@pytest.mark.django_db(transaction=True)
async def test_the_numbers_change_after_a_run(live_executor, owner, admin_user):
    before = await database_sync_to_async(scrape)(admin_user)
    run = await database_sync_to_async(create_describe_run)(owner, seed=70, max_tokens=24)
    ws = await connect(owner, run.id)
    during = await database_sync_to_async(scrape)(admin_user)
    await read_until_final(ws)
    await ws.disconnect()
    await asyncio.sleep(0.05)
    after = await database_sync_to_async(scrape)(admin_user)

    labels = {"task": "describe"}
    assert sample(during, "visiondesk_websocket_clients") == sample(before, "visiondesk_websocket_clients") + 1
    assert sample(after, "visiondesk_websocket_clients") == sample(before, "visiondesk_websocket_clients")
    assert (
        sample(after, "visiondesk_runs_created_total", **labels)
        == sample(before, "visiondesk_runs_created_total", **labels) + 1
    )
    finished = "visiondesk_runs_finished_total"
    assert sample(after, finished, status="done", **labels) == sample(before, finished, status="done", **labels) + 1
    for histogram in ("visiondesk_run_ttft_seconds_count", "visiondesk_run_latency_seconds_count"):
        assert sample(after, histogram, **labels) == sample(before, histogram, **labels) + 1
    tokens = "visiondesk_tokens_total"
    assert sample(after, tokens, kind="completion", **labels) > sample(before, tokens, kind="completion", **labels)
    assert sample(after, tokens, kind="prompt", **labels) > sample(before, tokens, kind="prompt", **labels)
