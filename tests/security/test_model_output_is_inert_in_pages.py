"""A run whose question, answer, parsed result and error carry script and HTML: every core page that shows it
(the run, the ask page's history, the home page, the admin) renders it as text; the API returns it as JSON data."""

from __future__ import annotations

import json
import re

import pytest

from core.models import Run, RunStatus
from tests.security.untrusted_text import HOSTILE_RESULT, HOSTILE_TEXT, PAYLOADS, live_markup


def hostile_run(user, team, status: str = RunStatus.DONE) -> Run:
    return Run.objects.create(
        task="describe",
        template_version=1,
        params={"fields": {"question": HOSTILE_TEXT}},
        status=status,
        text=HOSTILE_TEXT,
        result=HOSTILE_RESULT,
        error=HOSTILE_TEXT if status == RunStatus.FAILED else "",
        team=team,
        created_by=user,
    )


@pytest.mark.parametrize("status", [RunStatus.DONE, RunStatus.FAILED, RunStatus.RUNNING])
def test_the_run_page_shows_hostile_text_as_text(client, owner, team, status):
    run = hostile_run(owner, team, status)
    client.force_login(owner)

    html = client.get(f"/runs/{run.id}/").content.decode()

    assert live_markup(html) == []
    assert "&lt;script&gt;window.__pwned = 1" in html
    assert "{{ 7|add:7 }}{% now &#x27;Y&#x27; %}" in html, "template code in the text is not evaluated"
    embedded = re.search(r'<script id="run-data" type="application/json">(.*?)</script>', html, re.DOTALL)
    assert embedded and "<" not in embedded.group(1), "the embedded JSON escapes every <"
    assert json.loads(embedded.group(1))["text"] == HOSTILE_TEXT


@pytest.mark.parametrize("page", ["/", "/ask/"])
def test_the_history_lists_show_a_hostile_question_as_text(client, owner, team, page):
    hostile_run(owner, team)
    client.force_login(owner)

    html = client.get(page).content.decode()

    assert live_markup(html) == [] and "&lt;script&gt;" in html


def test_the_admin_shows_hostile_runs_as_text(client, admin_user, owner, team):
    run = hostile_run(owner, team, RunStatus.FAILED)
    client.force_login(admin_user)
    for url in ("/admin/core/run/", f"/admin/core/run/{run.id}/change/", f"/admin/core/run/?q={PAYLOADS[0]}"):
        response = client.get(url)
        assert response.status_code == 200 and live_markup(response.content.decode()) == [], url


def test_the_api_returns_hostile_text_as_json_data_only(owner_api, owner, team):
    run = hostile_run(owner, team)
    response = owner_api.get(f"/api/runs/{run.id}/")
    assert response["Content-Type"] == "application/json"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response.json()["text"] == HOSTILE_TEXT and response.json()["result"] == HOSTILE_RESULT


def test_the_detector_finds_markup_that_would_run():
    assert live_markup(HOSTILE_TEXT) and live_markup('<a href="javascript:x">') and live_markup(PAYLOADS[1])
