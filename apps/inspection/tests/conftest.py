"""Inspection fixtures: a registered site, uploaded photos, and an inspection whose reading is supplied by the test
through core's real done path (so the answer is turned into rows exactly as after a real run)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from apps.inspection.models import EquipmentType, Inspection, Site
from apps.inspection.services import inspection_create
from apps.inspection.tests.factories import EquipmentFactory, SiteFactory
from core import run_state
from core.models import Photo, Run, RunStatus
from core.selectors import user_team
from core.services.photos import photo_upload
from inference.protocol import ChatResult, Usage
from tests.images import jpeg_bytes


@pytest.fixture
def site(team) -> Site:
    site = SiteFactory.create(team=team, name="North substation 北区变电站")
    EquipmentFactory.create(site=site, tag="PT-203", name="Discharge pressure gauge 出口压力表")
    EquipmentFactory.create(
        site=site,
        tag="QF1",
        name="Incoming breaker",
        type=EquipmentType.BREAKER,
        unit="",
        normal_min=None,
        normal_max=None,
        alarm_min=None,
        alarm_max=None,
    )
    return site


def upload(user: Any, *, seed: int = 0, width: int = 800, height: int = 600) -> Photo:
    data = jpeg_bytes(width, height, seed=seed)
    return photo_upload(user=user, team=user_team(user), filename=f"round-{seed}.jpg", data=data)


@pytest.fixture
def photos(owner) -> list[Photo]:
    return [upload(owner, seed=1), upload(owner, seed=2, width=600, height=800)]


@pytest.fixture
def inspection(owner, site, photos) -> Inspection:
    return inspection_create(user=owner, site=site, date=dt.date(2025, 3, 14), photos=photos, note="Weekly round")


def row(**overrides: Any) -> dict[str, Any]:
    """One row as the model's schema has it."""
    base = {
        "equipment": "Discharge pressure gauge",
        "tag": "PT-203",
        "type": "pressure_gauge",
        "status": "normal",
        "anomaly": "",
        "action": "",
        "reading": {"value": 0.6, "unit": "MPa"},
        "photo": 1,
        "bbox_2d": [100, 200, 400, 600],
    }
    return base | overrides


def finish_run(run: Run, result: Any, text: str = "{}") -> Run:
    """Finish `run` with `result` as its parsed answer, through core's done path (which calls the app's hook)."""
    Run.objects.filter(id=run.id).update(status=RunStatus.RUNNING)
    chat = ChatResult(text=text, finish_reason="stop", usage=Usage(10, 20), ttft_s=0.01, latency_s=0.1, parsed=result)
    run_state.mark_done(run.id, chat)
    run.refresh_from_db()
    return run


def read(inspection: Inspection, rows: list[dict[str, Any]]) -> Inspection:
    assert inspection.run is not None
    finish_run(inspection.run, {"rows": rows})
    inspection.refresh_from_db()
    return inspection
