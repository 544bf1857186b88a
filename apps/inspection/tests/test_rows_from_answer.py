"""A finished reading becomes report rows: code matches tags, checks readings against limits and sizes boxes."""

from __future__ import annotations

import pytest

from apps.inspection.models import ChangeAction, Finding, Inspection, InspectionPhoto
from apps.inspection.tests.conftest import finish_run, read, row
from core.models import Photo, Run, RunStatus


def test_each_row_of_the_answer_becomes_a_report_row_in_order(inspection):
    rows = [row(), row(equipment="Incoming breaker", tag="QF1", type="breaker", reading=None, photo=2)]
    read(inspection, rows)
    findings = list(inspection.findings.all())
    assert [(f.position, f.tag, f.type) for f in findings] == [(0, "PT-203", "pressure_gauge"), (1, "QF1", "breaker")]
    assert all(f.source == "model" for f in findings)
    assert inspection.run.status == RunStatus.DONE and inspection.state == "draft"


def test_rows_are_matched_to_registered_equipment_by_tag_however_it_was_written(inspection, site):
    read(inspection, [row(tag="pt 203"), row(tag="qf-1", reading=None), row(tag="XV-9", reading=None)])
    matched = [f.equipment.tag if f.equipment else None for f in inspection.findings.all()]
    assert matched == ["PT-203", "QF1", None]


@pytest.mark.parametrize(
    ("reading", "model_status", "status", "state"),
    [
        ({"value": 1.5, "unit": "MPa"}, "normal", "abnormal", "alarm"),
        ({"value": 1.1, "unit": "MPa"}, "cannot_tell", "abnormal", "outside_normal"),
        ({"value": 15, "unit": "bar"}, "normal", "abnormal", "alarm"),
        ({"value": 0.6, "unit": "MPa"}, "abnormal", "normal", "within"),
        ({"value": 650, "unit": "kPa"}, "cannot_tell", "normal", "within"),
    ],
)
def test_the_code_sets_status_and_over_limit_from_the_reading_regardless_of_the_model(
    inspection, reading, model_status, status, state
):
    read(inspection, [row(reading=reading, status=model_status)])
    finding = inspection.findings.get()
    assert (finding.status, finding.limit_state, finding.model_status) == (status, state, model_status)
    assert finding.over_limit is (state in ("alarm", "outside_normal"))


def test_a_reading_in_a_unit_of_another_kind_is_not_compared(inspection):
    read(inspection, [row(reading={"value": 50, "unit": "°C"}, status="cannot_tell")])
    finding = inspection.findings.get()
    assert (finding.limit_state, finding.over_limit, finding.status) == ("unit_mismatch", False, "cannot_tell")


def test_a_reading_of_unregistered_equipment_keeps_the_model_status(inspection):
    read(inspection, [row(tag="PI-999", reading={"value": 99, "unit": "MPa"}, status="normal")])
    finding = inspection.findings.get()
    assert (finding.equipment, finding.limit_state, finding.over_limit, finding.status) == (None, "", False, "normal")


def test_boxes_are_converted_to_pixels_of_the_photo_the_row_points_at(inspection, photos):
    read(inspection, [row(photo=1, bbox_2d=[100, 200, 400, 600]), row(photo=2, bbox_2d=[500, 750, 250, 500])])
    first, second = inspection.findings.all()
    assert (photos[0].width, photos[0].height, photos[1].width, photos[1].height) == (800, 600, 600, 800)
    assert (first.photo_index, first.bbox_px) == (0, [80, 120, 320, 360])
    assert (second.photo_index, second.bbox_2d, second.bbox_px) == (1, [250, 500, 500, 750], [150, 400, 300, 600])


def test_control_characters_in_model_text_are_not_stored(inspection):
    read(inspection, [row(anomaly="oil\x00 leak\x1b at\nflange", equipment="泵\t出口")])
    finding = inspection.findings.get()
    assert (finding.anomaly, finding.name) == ("oil leak at flange", "泵 出口")


def test_the_reading_is_recorded_in_the_history(inspection):
    read(inspection, [row(reading={"value": 2.0, "unit": "MPa"}), row(tag="QF1", reading=None)])
    change = inspection.changes.get()
    assert (change.action, change.user, change.new) == (ChangeAction.READ, None, "2 rows, 1 over the limit")


def test_an_answer_without_rows_fails_the_run_and_keeps_the_inspection_and_photos(inspection, photos):
    run = finish_run(inspection.run, {"findings": []}, text='{"findings":[]}')
    assert run.status == RunStatus.FAILED
    assert run.error == "the answer could not be used: the answer has no list of rows"
    assert run.text == '{"findings":[]}'
    inspection = Inspection.objects.get(id=inspection.id)
    assert inspection.state == "failed" and not Finding.objects.filter(inspection=inspection).exists()
    assert list(InspectionPhoto.objects.filter(inspection=inspection).values_list("photo", flat=True)) == [
        p.id for p in photos
    ]
    assert Photo.objects.filter(id__in=[p.id for p in photos]).count() == 2


def test_a_retried_reading_replaces_the_models_rows_and_keeps_the_inspectors(inspection, owner):
    from apps.inspection.services import finding_add
    from core.services.runs import run_retry

    finish_run(inspection.run, {"findings": []})  # failed
    finding_add(inspection=inspection, user=owner, values={"name": "Pump", "tag": "P-1", "status": "normal"})
    run_retry(run=inspection.run)
    read(inspection, [row(), row(tag="QF1", reading=None)])
    assert [(f.position, f.tag, f.source) for f in inspection.findings.all()] == [
        (0, "P-1", "inspector"),
        (1, "PT-203", "model"),
        (2, "QF1", "model"),
    ]


def test_a_reading_that_ends_after_the_report_was_approved_by_hand_is_refused(inspection, owner):
    from apps.inspection.services import inspection_approve

    finish_run(inspection.run, {"findings": []})
    inspection_approve(inspection=inspection, user=owner)
    Run.objects.filter(id=inspection.run_id).update(status=RunStatus.QUEUED)
    run = finish_run(inspection.run, {"rows": [row()]})
    assert run.status == RunStatus.FAILED and "approved meanwhile" in run.error
    assert not inspection.findings.exists()
