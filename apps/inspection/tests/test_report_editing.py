"""The inspector reviews the rows: edits, additions and deletions are checked by code and recorded in history."""

from __future__ import annotations

import pytest

from apps.inspection.models import ChangeAction
from apps.inspection.tests.conftest import read, row
from tests.fixtures.people import api_client_for


def rows_url(inspection, finding=None) -> str:
    base = f"/inspection/api/inspections/{inspection.id}/rows/"
    return f"{base}{finding.id}/" if finding else base


@pytest.fixture
def reviewed(inspection):
    return read(inspection, [row(), row(tag="QF1", equipment="Incoming breaker", type="breaker", reading=None)])


def test_an_edit_is_saved_and_recorded_with_who_when_old_and_new(owner_api, owner, reviewed):
    finding = reviewed.findings.get(tag="QF1")
    response = owner_api.patch(
        rows_url(reviewed, finding), {"anomaly": "跳闸 tripped", "status": "abnormal"}, format="json"
    )
    assert response.status_code == 200
    edited = next(r for r in response.json()["rows"] if r["id"] == finding.id)
    assert (edited["anomaly"], edited["status"]) == ("跳闸 tripped", "abnormal")
    changes = list(reviewed.changes.filter(action=ChangeAction.EDITED).order_by("field"))
    assert [(c.field, c.old, c.new, c.user) for c in changes] == [
        ("anomaly", "", "跳闸 tripped", owner),
        ("status", "normal", "abnormal", owner),
    ]
    assert all(c.at is not None and c.row == "#2 QF1 Incoming breaker" for c in changes)


def test_a_corrected_reading_is_checked_against_the_limits_again(owner_api, reviewed):
    finding = reviewed.findings.get(tag="PT-203")
    response = owner_api.patch(rows_url(reviewed, finding), {"reading_value": 1.3}, format="json")
    edited = next(r for r in response.json()["rows"] if r["id"] == finding.id)
    assert (edited["over_limit"], edited["limit_state"], edited["status"]) == (True, "alarm", "abnormal")
    assert edited["limits"] == "normal 0.2 – 1 MPa; alarm 0.1 – 1.2 MPa"
    fields = set(reviewed.changes.filter(action=ChangeAction.EDITED).values_list("field", flat=True))
    assert fields == {"reading_value", "status", "over_limit", "limit_state"}


def test_the_inspectors_own_status_stands_but_the_over_limit_flag_stays(owner_api, reviewed):
    finding = reviewed.findings.get(tag="PT-203")
    body = {"reading_value": 1.3, "status": "normal"}
    edited = owner_api.patch(rows_url(reviewed, finding), body, format="json").json()["rows"][0]
    assert (edited["status"], edited["over_limit"]) == ("normal", True)


def test_retagging_a_row_links_it_to_that_equipment(owner_api, reviewed):
    finding = reviewed.findings.get(tag="QF1")
    edited = owner_api.patch(rows_url(reviewed, finding), {"tag": "pt203"}, format="json").json()["rows"][1]
    assert edited["equipment"]["tag"] == "PT-203"


def test_the_inspector_adds_a_row_the_model_missed(owner_api, owner, reviewed):
    body = {"name": "Seal water valve", "tag": "XV-12", "type": "valve", "status": "abnormal", "anomaly": "Drips"}
    response = owner_api.post(rows_url(reviewed), body, format="json")
    assert response.status_code == 201
    added = response.json()["rows"][-1]
    assert (added["number"], added["tag"], added["source"], added["box"]) == (3, "XV-12", "inspector", None)
    change = reviewed.changes.get(action=ChangeAction.ADDED)
    assert change.user == owner and "Drips" in change.new


def test_a_deleted_row_is_gone_but_its_history_remains(owner_api, reviewed):
    finding = reviewed.findings.get(tag="QF1")
    response = owner_api.delete(rows_url(reviewed, finding))
    assert response.status_code == 200 and [r["tag"] for r in response.json()["rows"]] == ["PT-203"]
    change = reviewed.changes.get(action=ChangeAction.DELETED)
    assert change.row == "#2 QF1 Incoming breaker" and change.old.startswith("QF1 Incoming breaker")


def test_a_teammate_may_edit_the_report(teammate, reviewed):
    finding = reviewed.findings.get(tag="QF1")
    response = api_client_for(teammate).patch(rows_url(reviewed, finding), {"action": "Reset"}, format="json")
    assert response.status_code == 200


def test_an_outsider_cannot_edit_add_or_delete_rows(outsider_api, reviewed):
    finding = reviewed.findings.get(tag="QF1")
    assert outsider_api.patch(rows_url(reviewed, finding), {"action": "x"}, format="json").status_code == 404
    assert outsider_api.post(rows_url(reviewed), {"name": "x"}, format="json").status_code == 404
    assert outsider_api.delete(rows_url(reviewed, finding)).status_code == 404
    finding.refresh_from_db()
    assert finding.action == "" and reviewed.findings.count() == 2 and not reviewed.changes.exclude(action="read")


def test_rows_cannot_be_edited_while_the_model_is_still_reading(owner_api, inspection):
    response = owner_api.post(rows_url(inspection), {"name": "Pump"}, format="json")
    assert response.status_code == 409 and "still reading" in response.json()["error"]["message"]


def test_unknown_fields_and_photos_that_do_not_exist_are_refused(owner_api, reviewed):
    finding = reviewed.findings.get(tag="QF1")
    assert owner_api.patch(rows_url(reviewed, finding), {"photo_index": 5}, format="json").status_code == 400
    assert owner_api.patch(rows_url(reviewed, finding), {"status": "fine"}, format="json").status_code == 400
