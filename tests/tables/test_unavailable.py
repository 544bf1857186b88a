"""Without the checkpoints, table reading says so plainly (HTTP 503 with the reason) and nothing else breaks."""

from __future__ import annotations

import pytest

from core.tables import models_state
from core.tables.models_state import table_models_status, table_models_use, table_models_warm_up
from tests.conversations.builders import finished_run, table_photo_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def missing_checkpoints(settings, tmp_path):
    settings.TABLE_DETECTION_MODEL = str(tmp_path / "no-such-detection-model")
    settings.TABLE_STRUCTURE_MODEL = str(tmp_path / "no-such-structure-model")
    table_models_use(None)
    table_models_warm_up(wait=True)
    yield
    table_models_use(None)


def test_the_status_says_unavailable_and_why(missing_checkpoints, owner_api):
    status = owner_api.get("/api/tables/status/").json()
    assert status["status"] == "unavailable" and "no-such-detection-model" in status["reason"]
    assert table_models_status() == status


def test_extracting_answers_503_with_a_readable_reason(missing_checkpoints, owner, owner_api):
    photo = table_photo_for(owner)
    response = owner_api.post("/api/tables/extract/", {"photo": photo.sha256}, format="json")
    assert response.status_code == 503
    error = response.json()["error"]
    assert error["code"] == "tables_unavailable" and error["message"].startswith("Table reading is unavailable: ")


def test_conversations_and_the_run_page_still_work(missing_checkpoints, owner, owner_api, client):
    run = finished_run(owner, [table_photo_for(owner)])
    started = owner_api.post("/api/conversations/start/", {"run": str(run.id)}, format="json")
    assert started.status_code == 201
    client.force_login(owner)
    page = client.get(f"/runs/{run.id}/")
    assert page.status_code == 200 and b'id="chat"' in page.content


def test_while_loading_it_asks_to_try_again_shortly(owner, owner_api):
    models_state._state.status = "loading"
    try:
        response = owner_api.post("/api/tables/extract/", {"photo": table_photo_for(owner).sha256}, format="json")
    finally:
        table_models_use(None)
    assert response.status_code == 503 and "starting up" in response.json()["error"]["message"]
