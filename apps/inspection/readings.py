"""What code decides, not the model: tags to match, units to convert, readings against limits, boxes in pixels."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Each unit as (family, factor, offset): value in the family's base unit = value * factor + offset.
_UNITS: dict[str, tuple[str, float, float]] = {
    "pa": ("pressure", 1.0, 0.0),
    "kpa": ("pressure", 1e3, 0.0),
    "mpa": ("pressure", 1e6, 0.0),
    "bar": ("pressure", 1e5, 0.0),
    "mbar": ("pressure", 1e2, 0.0),
    "psi": ("pressure", 6894.757, 0.0),
    "kgf/cm2": ("pressure", 98066.5, 0.0),
    "kg/cm2": ("pressure", 98066.5, 0.0),
    "mmhg": ("pressure", 133.322, 0.0),
    "c": ("temperature", 1.0, 0.0),
    "f": ("temperature", 5 / 9, -32 * 5 / 9),
    "k": ("temperature", 1.0, -273.15),
    "v": ("voltage", 1.0, 0.0),
    "kv": ("voltage", 1e3, 0.0),
    "mv": ("voltage", 1e-3, 0.0),
    "a": ("current", 1.0, 0.0),
    "ka": ("current", 1e3, 0.0),
    "ma": ("current", 1e-3, 0.0),
    "w": ("power", 1.0, 0.0),
    "kw": ("power", 1e3, 0.0),
    "mw": ("power", 1e6, 0.0),
    "hz": ("frequency", 1.0, 0.0),
    "%": ("percent", 1.0, 0.0),
    "m3/h": ("flow", 1.0, 0.0),
    "l/min": ("flow", 0.06, 0.0),
    "l/s": ("flow", 3.6, 0.0),
    "rpm": ("speed", 1.0, 0.0),
}
_ALIASES = {"℃": "c", "°c": "c", "degc": "c", "°f": "f", "degf": "f", "kgf/cm²": "kgf/cm2", "m³/h": "m3/h"}


def tag_key(tag: str) -> str:
    """A tag as compared: "PT-203", "pt 203" and "PT_203" are the same tag."""
    return re.sub(r"[\W_]+", "", tag).upper()[:40]


def _unit_key(unit: str) -> str:
    key = unit.strip().lower().replace(" ", "")
    return _ALIASES.get(key, key)


def convert(value: float, *, unit: str, to: str) -> float | None:
    """`value` in `unit` expressed in `to`; None when the units are unknown or measure different things."""
    source, target = _unit_key(unit), _unit_key(to)
    if source == target:
        return value
    if source not in _UNITS or target not in _UNITS:
        return None
    family, factor, offset = _UNITS[source]
    to_family, to_factor, to_offset = _UNITS[target]
    if family != to_family:
        return None
    return (value * factor + offset - to_offset) / to_factor


@dataclass(frozen=True)
class Limits:
    unit: str = ""
    normal_min: float | None = None
    normal_max: float | None = None
    alarm_min: float | None = None
    alarm_max: float | None = None

    @property
    def any(self) -> bool:
        return any(v is not None for v in (self.normal_min, self.normal_max, self.alarm_min, self.alarm_max))


@dataclass(frozen=True)
class LimitCheck:
    state: str  # a LimitState value
    value: float | None = None  # the reading in the registered unit

    @property
    def over_limit(self) -> bool:
        return self.state in ("outside_normal", "alarm")


def check_reading(value: float | None, unit: str, limits: Limits) -> LimitCheck:
    """A reading against registered limits; a reading without a unit is taken to be in the registered unit."""
    if value is None or not limits.any:
        return LimitCheck("")
    converted = convert(value, unit=unit, to=limits.unit) if unit.strip() and limits.unit.strip() else value
    if converted is None:
        return LimitCheck("unit_mismatch")
    if (limits.alarm_min is not None and converted <= limits.alarm_min) or (
        limits.alarm_max is not None and converted >= limits.alarm_max
    ):
        return LimitCheck("alarm", converted)
    if (limits.normal_min is not None and converted < limits.normal_min) or (
        limits.normal_max is not None and converted > limits.normal_max
    ):
        return LimitCheck("outside_normal", converted)
    return LimitCheck("within", converted)


def status_after_check(model_status: str, anomaly: str, check: LimitCheck) -> str:
    """Over the limit is abnormal whatever the model said; a reading within range is normal unless the model
    saw something else wrong (it named an anomaly)."""
    if check.over_limit:
        return "abnormal"
    if check.state == "within":
        return "abnormal" if model_status == "abnormal" and anomaly.strip() else "normal"
    return model_status


def ordered_box(bbox: list[int] | None) -> list[int] | None:
    """The model's box with its corners in order (it sometimes swaps them), clamped to the 0-1000 scale."""
    if not bbox or len(bbox) != 4:
        return None
    x1, x2 = sorted(min(1000, max(0, int(v))) for v in (bbox[0], bbox[2]))
    y1, y2 = sorted(min(1000, max(0, int(v))) for v in (bbox[1], bbox[3]))
    return [x1, y1, x2, y2]


def box_to_pixels(bbox: list[int] | None, width: int, height: int) -> list[int] | None:
    """A 0-1000 Qwen3-VL box as pixels of the stored photo (the photo sent was stretched, never cropped)."""
    box = ordered_box(bbox)
    if box is None:
        return None
    x1, y1, x2, y2 = box
    return [round(x1 / 1000 * width), round(y1 / 1000 * height), round(x2 / 1000 * width), round(y2 / 1000 * height)]


def format_value(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:.6g}"


def format_range(low: float | None, high: float | None, unit: str = "") -> str:
    if low is None and high is None:
        return ""
    if low is None:
        text = f"≤ {format_value(high)}"
    elif high is None:
        text = f"≥ {format_value(low)}"
    else:
        text = f"{format_value(low)} – {format_value(high)}"
    return f"{text} {unit}".strip()
