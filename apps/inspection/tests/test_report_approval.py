"""Approval locks a report; changing it afterwards takes a new revision, and the approved one stays as it was."""

from __future__ import annotations

import pytest

from apps.inspection.models import ChangeAction, Inspection
from apps.inspection.tests.conftest import read, row


@pytest.fixture
def reviewed(inspection):
    return read(inspection, [row(), row(tag="QF1", reading=None)])


def approve(api, inspection):
    return api.post(f"/inspection/api/inspections/{inspection.id}/approve/")


def test_approval_locks_the_report_and_is_recorded(owner_api, owner, reviewed):
    response = approve(owner_api, reviewed)
    assert response.status_code == 200
    body = response.json()
    assert (body["state"], body["locked"], body["approved_by"]) == ("approved", True, owner.username)
    change = reviewed.changes.get(action=ChangeAction.APPROVED)
    assert change.user == owner and change.new == "revision 1"


def test_an_approved_report_refuses_edits_additions_deletions_and_a_second_approval(owner_api, reviewed):
    approve(owner_api, reviewed)
    finding = reviewed.findings.first()
    base = f"/inspection/api/inspections/{reviewed.id}/rows/"
    refused = [
        owner_api.patch(f"{base}{finding.id}/", {"anomaly": "late change"}, format="json"),
        owner_api.post(base, {"name": "Pump"}, format="json"),
        owner_api.delete(f"{base}{finding.id}/"),
        approve(owner_api, reviewed),
    ]
    assert [r.status_code for r in refused] == [409] * 4
    assert "new revision" in refused[0].json()["error"]["message"]
    finding.refresh_from_db()
    assert finding.anomaly == "" and reviewed.findings.count() == 2


def test_the_report_cannot_be_approved_while_the_model_is_reading(owner_api, inspection):
    assert approve(owner_api, inspection).status_code == 409


def test_a_new_revision_copies_the_rows_and_can_be_edited(owner_api, owner, reviewed):
    approve(owner_api, reviewed)
    response = owner_api.post(f"/inspection/api/inspections/{reviewed.id}/revise/")
    assert response.status_code == 201
    body = response.json()
    assert (body["revision"], body["revision_of"], body["state"], body["locked"]) == (2, reviewed.id, "draft", False)
    assert [r["tag"] for r in body["rows"]] == ["PT-203", "QF1"]
    assert [p["sha256"] for p in body["photos"]] == [p.sha256 for p in reviewed.photos.order_by("inspectionphoto")]
    new_row = body["rows"][0]
    edit = f"/inspection/api/inspections/{body['id']}/rows/{new_row['id']}/"
    assert owner_api.patch(edit, {"anomaly": "needle sticks"}, format="json").status_code == 200
    assert reviewed.findings.get(tag="PT-203").anomaly == ""  # the approved revision is untouched
    assert Inspection.objects.get(id=reviewed.id).is_approved


def test_only_one_open_revision_at_a_time(owner_api, reviewed):
    approve(owner_api, reviewed)
    first = owner_api.post(f"/inspection/api/inspections/{reviewed.id}/revise/").json()
    second = owner_api.post(f"/inspection/api/inspections/{reviewed.id}/revise/")
    assert second.status_code == 409 and second.json()["error"]["details"]["inspection"] == first["id"]


def test_a_draft_needs_no_revision(owner_api, reviewed):
    assert owner_api.post(f"/inspection/api/inspections/{reviewed.id}/revise/").status_code == 409


def test_an_outsider_can_neither_approve_nor_revise(owner_api, outsider_api, reviewed):
    assert approve(outsider_api, reviewed).status_code == 404
    approve(owner_api, reviewed)
    assert outsider_api.post(f"/inspection/api/inspections/{reviewed.id}/revise/").status_code == 404
    assert not reviewed.revisions.exists()
