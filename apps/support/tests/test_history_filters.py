"""Ticket history filters by issue type, SKU and status, in the API and on the page."""

from __future__ import annotations

import pytest

from apps.support.tests.factories import (
    ProductFactory,
    analysis,
    finish_analysis,
    finish_reply,
    issue,
    ticket_for,
)
from core.models import RunStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def tickets(owner, team, product, django_capture_on_commit_callbacks):
    """Damaged (ready for review), missing base (drafting), another SKU still analysing, one failed analysis."""
    damaged = ticket_for(owner, product, customer_name="Dana")
    missing = ticket_for(owner, product, customer_name="Mira")
    other = ticket_for(owner, ProductFactory(team=team, sku="MUG-9", name="Mug"), customer_name="Otto")
    failed = ticket_for(owner, product, customer_name="Fay")
    with django_capture_on_commit_callbacks(execute=True):
        finish_analysis(damaged, analysis(issues=[issue("packaging_damage", "minor")]))
        finish_analysis(missing, analysis(items_seen=["glass kettle", "user manual"]))
    finish_reply(damaged)
    failed.analysis_run.status = RunStatus.FAILED
    failed.analysis_run.save()
    return {"damaged": damaged, "missing": missing, "other": other, "failed": failed}


def ids(response) -> set[int]:
    return {t["id"] for t in response.json()}


def test_filtering_by_issue_type(owner_api, tickets):
    assert ids(owner_api.get("/support/api/tickets/?issue_type=packaging_damage")) == {tickets["damaged"].pk}
    assert ids(owner_api.get("/support/api/tickets/?issue_type=missing_item")) == {tickets["missing"].pk}


def test_filtering_by_sku_ignores_case(owner_api, tickets):
    assert ids(owner_api.get("/support/api/tickets/?sku=mug-9")) == {tickets["other"].pk}


def test_filtering_by_status_includes_failed_runs(owner_api, tickets):
    assert ids(owner_api.get("/support/api/tickets/?status=review")) == {tickets["damaged"].pk}
    assert ids(owner_api.get("/support/api/tickets/?status=drafting")) == {tickets["missing"].pk}
    assert ids(owner_api.get("/support/api/tickets/?status=analysing")) == {tickets["other"].pk}
    assert ids(owner_api.get("/support/api/tickets/?status=failed")) == {tickets["failed"].pk}


def test_filters_combine(owner_api, tickets):
    assert ids(owner_api.get("/support/api/tickets/?sku=KET-1&status=review&issue_type=packaging_damage")) == {
        tickets["damaged"].pk
    }
    assert ids(owner_api.get("/support/api/tickets/?sku=MUG-9&status=review")) == set()


def test_the_history_page_lists_filtered_tickets(client, owner, tickets):
    client.force_login(owner)
    page = client.get("/support/?issue_type=missing_item").content.decode()
    assert "Mira" in page and "Dana" not in page and "Missing item" in page
    assert "No tickets match these filters" in client.get("/support/?sku=NOTHING").content.decode()
