"""What code decides about a reading: its unit, its place against the limits, the status that follows; and boxes."""

from __future__ import annotations

import pytest

from apps.inspection.readings import Limits, box_to_pixels, check_reading, convert, status_after_check, tag_key

GAUGE = Limits("MPa", normal_min=0.2, normal_max=1.0, alarm_min=0.1, alarm_max=1.2)


def test_tags_are_compared_without_case_spaces_or_dashes():
    assert tag_key("PT-203") == tag_key("pt 203") == tag_key("PT_203") == "PT203"
    assert tag_key("QF1") != tag_key("QF11")


@pytest.mark.parametrize(
    ("value", "unit", "to", "expected"),
    [
        (16, "bar", "MPa", 1.6),
        (1.6, "MPa", "kPa", 1600),
        (212, "°F", "℃", 100),
        (10, "kV", "V", 10000),
        (5, "mA", "A", 0.005),
        (7, "whatever", "whatever", 7),
    ],
)
def test_it_converts_readings_between_units_of_the_same_kind(value, unit, to, expected):
    assert convert(value, unit=unit, to=to) == pytest.approx(expected)


def test_it_refuses_to_convert_between_different_kinds_of_unit():
    assert convert(50, unit="°C", to="MPa") is None
    assert convert(1, unit="furlong", to="MPa") is None


@pytest.mark.parametrize(
    ("value", "unit", "state"),
    [
        (0.6, "MPa", "within"),
        (0.2, "MPa", "within"),
        (1.1, "MPa", "outside_normal"),
        (0.15, "MPa", "outside_normal"),
        (1.2, "MPa", "alarm"),
        (0.05, "MPa", "alarm"),
        (15, "bar", "alarm"),
        (600, "kPa", "within"),
        (0.6, "", "within"),
        (50, "°C", "unit_mismatch"),
    ],
)
def test_a_reading_is_placed_against_the_registered_limits(value, unit, state):
    assert check_reading(value, unit, GAUGE).state == state


def test_without_a_reading_or_limits_nothing_is_checked():
    assert check_reading(None, "MPa", GAUGE).state == ""
    assert check_reading(3.0, "MPa", Limits()).state == ""


def test_over_the_limit_is_abnormal_whatever_the_model_said():
    for model_status in ("normal", "cannot_tell", "abnormal"):
        assert status_after_check(model_status, "", check_reading(1.5, "MPa", GAUGE)) == "abnormal"


def test_a_reading_within_range_is_normal_unless_the_model_saw_another_fault():
    within = check_reading(0.6, "MPa", GAUGE)
    assert status_after_check("cannot_tell", "", within) == "normal"
    assert status_after_check("abnormal", "", within) == "normal"
    assert status_after_check("abnormal", "oil leak at the fitting", within) == "abnormal"


def test_unchecked_readings_keep_the_model_status():
    assert status_after_check("cannot_tell", "", check_reading(None, "", GAUGE)) == "cannot_tell"


def test_boxes_are_scaled_from_the_0_to_1000_grid_to_photo_pixels():
    assert box_to_pixels([100, 200, 400, 600], 800, 600) == [80, 120, 320, 360]


def test_swapped_or_out_of_range_corners_are_put_in_order_and_clamped():
    assert box_to_pixels([400, 600, 100, 200], 800, 600) == [80, 120, 320, 360]
    assert box_to_pixels([-5, 0, 1200, 1000], 1000, 500) == [0, 0, 1000, 500]
    assert box_to_pixels(None, 800, 600) is None
