"""The site analysis: anomalies over time, and each instrument's readings drawn against its limits."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from apps.inspection.services import inspection_approve, inspection_create
from apps.inspection.tests.conftest import read, row, upload


def round_on(owner, site, day: int, value: float, *, unit: str = "MPa", approve: bool = True):
    inspection = inspection_create(user=owner, site=site, date=dt.date(2025, 3, day), photos=[upload(owner, seed=day)])
    read(inspection, [row(reading={"value": value, "unit": unit}), row(tag="QF1", reading=None)])
    if approve:
        inspection_approve(inspection=inspection, user=owner)
    return inspection


@pytest.fixture
def history(owner, site):
    return [
        round_on(owner, site, 3, 0.5),
        round_on(owner, site, 10, 1.25),  # beyond the alarm limit
        round_on(owner, site, 17, 0.8, approve=False),
        round_on(owner, site, 24, 1.1),  # outside the normal range
    ]


def page(client, owner, site, query: str = "") -> str:
    client.force_login(owner)
    response = client.get(f"/inspection/sites/{site.id}/analysis/{query}")
    assert response.status_code == 200
    return response.content.decode()


def instrument_points(html: str, tag: str) -> list[str]:
    block = html.split(f'data-tag="{tag}"')[1].split("</svg>")[0]
    return re.findall(r"<title>([^<]*MPa[^<]*)</title></circle>", block)


def test_each_instruments_readings_are_drawn_against_its_limits(client, owner, site, history):
    html = page(client, owner, site)
    assert instrument_points(html, "PT-203") == [
        "2025-03-03: 0.5 MPa",
        "2025-03-10: 1.25 MPa (over the limit)",
        "2025-03-17: 0.8 MPa",
        "2025-03-24: 1.1 MPa (over the limit)",
    ]
    block = html.split('data-tag="PT-203"')[1]
    assert "<title>normal range</title>" in block and "<title>alarm high 1.2</title>" in block
    assert f'href="/inspection/{history[1].id}/"' in block


def test_anomalies_over_time_count_abnormal_rows_and_readings_over_the_limit(client, owner, site, history):
    html = page(client, owner, site)
    chart = html.split('class="chart anomalies"')[1].split("</svg>")[0]
    assert "2025-03-10: 1 abnormal of 2 rows" in chart and "2025-03-24: 1 over limit of 2 rows" in chart
    assert "2025-03-03: 0 abnormal of 2 rows" in chart
    listed = html.split('id="anomaly-list"')[1]
    assert listed.count("over limit") == 2


def test_filters_narrow_the_dates_and_statuses(client, owner, site, history):
    html = page(client, owner, site, "?from=2025-03-05&to=2025-03-20&status=abnormal")
    assert instrument_points(html, "PT-203") == ["2025-03-10: 1.25 MPa (over the limit)"]
    html = page(client, owner, site, "?approved=1")
    assert "2025-03-17" not in html.split('data-tag="PT-203"')[1]


def test_readings_in_another_unit_are_drawn_in_the_registered_unit(client, owner, site):
    round_on(owner, site, 5, 9.0, unit="bar")
    assert instrument_points(page(client, owner, site), "PT-203") == ["2025-03-05: 0.9 MPa"]


def test_a_revised_report_counts_once(client, owner, site, history):
    from apps.inspection.services import inspection_revise

    inspection_revise(inspection=history[0], user=owner)
    assert len(instrument_points(page(client, owner, site), "PT-203")) == 4


def test_an_outsider_cannot_see_the_analysis(client, outsider, site, history):
    client.force_login(outsider)
    assert client.get(f"/inspection/sites/{site.id}/analysis/").status_code == 404
