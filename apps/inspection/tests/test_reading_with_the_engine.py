"""With the real engine (the tiny random model): an inspection's photos are read into report rows, streamed as they
come; an answer that fails the schema fails the run with its reason and keeps the inspection and its photos.

The tiny model writes schema-valid gibberish, so these tests check what the code does with whatever it wrote."""

from __future__ import annotations

import datetime as dt

import pytest
from channels.db import database_sync_to_async

from apps.inspection.models import Finding, Inspection
from apps.inspection.readings import box_to_pixels, tag_key
from apps.inspection.services import inspection_create
from core.models import Photo, RunStatus
from tests.fixtures.people import api_client_for
from tests.fixtures.runs import apply, connect, read_until_final

pytestmark = [pytest.mark.engine, pytest.mark.django_db(transaction=True)]


def create_through_api(owner, site, photos) -> dict:
    body = {"site": site.id, "date": "2025-03-14", "note": "周检 weekly round", "photos": [p.sha256 for p in photos]}
    response = api_client_for(owner).post("/inspection/api/inspections/create/", body, format="json")
    assert response.status_code == 202, response.content
    return response.json()


def report(owner, inspection_id: int) -> dict:
    return api_client_for(owner).get(f"/inspection/api/inspections/{inspection_id}/").json()


async def test_creating_an_inspection_reads_its_photos_into_report_rows(live_executor, owner, site, photos):
    created = await database_sync_to_async(create_through_api)(owner, site, photos)
    assert created["state"] == "reading" and created["run"]["task"] == "inspection_report"
    ws = await connect(owner, created["run"]["id"])
    messages = await read_until_final(ws, timeout=180)
    await ws.disconnect()
    assert messages[-1]["type"] == "done", messages[-1]
    text = ""
    for message in messages:
        text = apply(text, message)
    run = messages[-1]["run"]
    assert text == run["text"] and any(m["type"] == "delta" for m in messages)

    body = await database_sync_to_async(report)(owner, created["id"])
    answer = run["result"]["rows"]
    assert body["state"] == "draft" and len(body["rows"]) == len(answer)
    registered = {tag_key(t): t for t in ("PT-203", "QF1")}
    for shown, given in zip(body["rows"], answer, strict=True):
        assert (shown["type"], shown["model_status"], shown["source"]) == (given["type"], given["status"], "model")
        photo = photos[given["photo"] - 1]
        assert shown["photo"] == photo.sha256
        assert shown["box"] == box_to_pixels(given["bbox_2d"], photo.width, photo.height)
        x1, y1, x2, y2 = shown["box"]
        assert 0 <= x1 <= x2 <= photo.width and 0 <= y1 <= y2 <= photo.height
        assert (shown["equipment"] or {}).get("tag") == registered.get(tag_key(shown["tag"]))
        assert (shown["reading"] is None) == (given["reading"] is None)
    assert [c["action"] for c in body["changes"]] == ["read"]


async def test_a_reading_over_the_limit_is_flagged_by_the_code_whatever_the_model_wrote(
    live_executor, owner, site, photos
):
    created = await database_sync_to_async(create_through_api)(owner, site, photos[:1])
    ws = await connect(owner, created["run"]["id"])
    final = (await read_until_final(ws, timeout=180))[-1]
    assert final["type"] == "done", (final["run"]["error"], final["run"]["usage"], final["run"]["text"][-300:])
    await ws.disconnect()

    def overwrite_first_reading() -> dict:
        finding = Finding.objects.filter(inspection_id=created["id"]).first()
        if finding is None:  # the model saw no equipment: the inspector adds the row the round needs
            body = {"name": "Gauge", "tag": "PT-203", "status": "normal", "reading_value": 1.6, "reading_unit": "MPa"}
            response = api_client_for(owner).post(
                f"/inspection/api/inspections/{created['id']}/rows/", body, format="json"
            )
            return response.json()["rows"][-1]
        url = f"/inspection/api/inspections/{created['id']}/rows/{finding.id}/"
        edit = {"tag": "PT-203", "reading_value": 1.6, "reading_unit": "MPa"}
        return api_client_for(owner).patch(url, edit, format="json").json()["rows"][0]

    row = await database_sync_to_async(overwrite_first_reading)()
    assert (row["over_limit"], row["limit_state"], row["status"]) == (True, "alarm", "abnormal")


async def test_an_answer_that_fails_the_schema_fails_the_run_and_keeps_the_inspection(
    live_executor, owner, site, photos
):
    def create() -> Inspection:
        # The shortest answer the schema allows takes 8 tokens of this tokenizer: 5 cut every answer short.
        return inspection_create(user=owner, site=site, date=dt.date(2025, 3, 14), photos=photos, max_tokens=5)

    inspection = await database_sync_to_async(create)()
    ws = await connect(owner, inspection.run_id)
    final = (await read_until_final(ws, timeout=120))[-1]
    await ws.disconnect()
    assert final["type"] == "failed"
    assert final["run"]["status"] == RunStatus.FAILED
    assert final["run"]["error"].startswith("the model's answer is not valid JSON")
    assert final["run"]["text"]  # what the model wrote before it was cut short stays readable

    def kept() -> tuple[str, int, int, int]:
        saved = Inspection.objects.get(id=inspection.id)
        photo_count = Photo.objects.filter(inspectionphoto__inspection=saved).count()
        return saved.state, photo_count, saved.findings.count(), len(report(owner, saved.id)["photos"])

    assert await database_sync_to_async(kept)() == ("failed", 2, 0, 2)
    body = await database_sync_to_async(report)(owner, inspection.id)
    assert body["run"]["error"].startswith("the model's answer is not valid JSON")
