"""The operations page in Chromium: live numbers from the engine and the runs, refreshed without reloading."""

from __future__ import annotations

import os
import time

import httpx
import pytest

from core.models import Run
from tests.fixtures.browser import logged_in_page
from tests.images import jpeg_bytes

pytestmark = [pytest.mark.browser, pytest.mark.engine, pytest.mark.django_db(transaction=True)]


def api_client(app_url: str, username: str) -> httpx.Client:
    from django.contrib.auth import get_user_model
    from rest_framework.authtoken.models import Token

    token, _ = Token.objects.get_or_create(user=get_user_model().objects.get(username=username))
    return httpx.Client(base_url=app_url, headers={"Authorization": f"Token {token.key}"}, timeout=60)


def start_runs(client: httpx.Client, count: int, seed: int) -> list[str]:
    files = [("files", (f"o{i}.jpg", jpeg_bytes(160, 120, seed=seed + i))) for i in range(count)]
    shas = [p["sha256"] for p in client.post("/api/photos/", files=files).json()["photos"]]
    return [
        client.post(
            "/api/runs/create/", json={"photos": [sha], "question": "What is it?", "length": "sentence"}
        ).json()["id"]
        for sha in shas
    ]


def wait_done(ids: list[str], timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while Run.objects.filter(id__in=ids, status__in=["queued", "running"]).exists():
        assert time.monotonic() < deadline, "runs did not finish"
        time.sleep(0.2)


def number(page, selector: str) -> int:
    return int(page.inner_text(selector).replace(",", ""))


def test_an_admin_watches_live_numbers_after_a_few_runs(browser, live_app, owner, admin_user):
    client = api_client(live_app.url, owner.username)
    wait_done(start_runs(client, 3, seed=600))

    page = logged_in_page(browser, live_app.url, admin_user.username)
    page.goto("/ops/")
    assert page.inner_text("#engine-state") == "Up"
    assert "tiny-qwen3-vl" in page.inner_text("#engine-model")
    assert number(page, "#runs-hour") >= 3 and number(page, "#runs-done") >= 3
    assert page.inner_text("#ttft-p50").endswith(("ms", " s")) and page.inner_text("#latency-p90").endswith(
        ("ms", " s")
    )
    assert "North plant" in page.inner_text("#usage-teams") and "Ask about photos" in page.inner_text("#usage-apps")
    assert page.locator("#chart-runs rect.done").count() >= 1
    assert page.locator("#usage-teams svg.hbar").count() >= 1
    assert page.inner_text("#kv-cache").endswith("%")
    assert "NVML" in page.inner_text("#gpu") or "GiB" in page.inner_text("#gpu")

    before = number(page, "#runs-hour")
    updated = page.inner_text("#updated-at")
    wait_done(start_runs(client, 2, seed=610))
    page.wait_for_function(
        f"() => Number(document.getElementById('runs-hour').textContent.replace(/,/g, '')) >= {before + 2}",
        timeout=20000,
    )
    assert page.inner_text("#updated-at") != updated
    # After a few refreshes the engine's live charts have readings to draw.
    page.wait_for_function("() => document.querySelectorAll('#chart-requests polyline').length > 0", timeout=20000)
    assert page.inner_text("#tokens-per-s") != "—"
    assert page.inner_text("#refresh-error") == ""
    if os.environ.get("VISIONDESK_SCREENSHOTS"):
        page.screenshot(path=os.path.join(os.environ["VISIONDESK_SCREENSHOTS"], "ops.png"), full_page=True)


def test_a_non_admin_sees_no_operations_link_and_is_refused_the_page(browser, live_app, owner):
    page = logged_in_page(browser, live_app.url, owner.username)
    assert page.locator("nav a", has_text="Operations").count() == 0
    response = page.goto("/ops/")
    assert response.status == 403 and "Operations is for admins" in page.inner_text("#forbidden")
