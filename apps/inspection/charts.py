"""Charts drawn on the server as inline SVG: anomalies over time, and an instrument's readings against its limits."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from apps.inspection.readings import Limits, check_reading, format_value
from apps.inspection.selectors import AnomalyDay, ReadingSeries

WIDTH, HEIGHT = 720, 240
LEFT, RIGHT, TOP, BOTTOM = 52, 16, 24, 34
OK, BAD, WARN, MUTED, GRID = "#12805c", "#c01048", "#b54708", "#667085", "#e4e7ec"


@dataclass(frozen=True)
class Axis:
    low: float
    high: float
    start: float  # pixels
    end: float

    def at(self, value: float) -> float:
        span = self.high - self.low or 1.0
        return self.start + (value - self.low) / span * (self.end - self.start)


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values (1, 2 or 5 times a power of ten) covering low..high."""
    if high <= low:
        high = low + 1
    raw = (high - low) / max(1, count - 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    first = math.floor(low / step) * step
    return [round(first + i * step, 10) for i in range(int(math.ceil((high - first) / step)) + 1)]


def _days(dates: Sequence[dt.date]) -> Axis:
    first, last = min(dates).toordinal(), max(dates).toordinal()
    pad = max(1.0, (last - first) * 0.04)
    return Axis(first - pad, last + pad, LEFT, WIDTH - RIGHT)


def _frame(y: Axis, ticks: list[float], dates: Sequence[dt.date], x: Axis, unit: str = "") -> list[str]:
    parts = []
    for tick in ticks:
        py = y.at(tick)
        parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{py:.1f}" y2="{py:.1f}" stroke="{GRID}"/>')
        parts.append(f'<text x="{LEFT - 6}" y="{py + 4:.1f}" text-anchor="end">{escape(format_value(tick))}</text>')
    if unit:
        parts.append(f'<text x="{LEFT - 6}" y="11" text-anchor="end" fill="{MUTED}">{escape(unit)}</text>')
    labels = sorted(set(dates))
    keep = labels[:: max(1, math.ceil(len(labels) / 6))]
    for day in keep:
        px = x.at(day.toordinal())
        parts.append(f'<text x="{px:.1f}" y="{HEIGHT - 12}" text-anchor="middle">{day:%Y-%m-%d}</text>')
    return parts


def _svg(parts: list[str], label: str, klass: str) -> SafeString:
    body = "".join(parts)
    return mark_safe(  # every piece of user text above went through escape()
        f'<svg class="{klass}" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{escape(label)}" '
        f'xmlns="http://www.w3.org/2000/svg" font-size="11" fill="#1d2430">{body}</svg>'
    )


def anomalies_chart(days: Sequence[AnomalyDay]) -> SafeString:
    """Per inspection day: abnormal rows (red) and readings over the limit (orange)."""
    if not days:
        return mark_safe("")
    x = _days([d.date for d in days])
    ticks = nice_ticks(0, max(1, max(max(d.abnormal, d.over_limit) for d in days)))
    y = Axis(0, ticks[-1], HEIGHT - BOTTOM, TOP)
    parts = _frame(y, ticks, [d.date for d in days], x)
    bar = max(4.0, min(18.0, (WIDTH - LEFT - RIGHT) / max(1, len(days)) / 3))
    for day in days:
        cx = x.at(day.date.toordinal())
        for offset, value, colour, what in (
            (-bar, day.abnormal, BAD, "abnormal"),
            (0, day.over_limit, WARN, "over limit"),
        ):
            top = y.at(value)
            parts.append(
                f'<rect x="{cx + offset:.1f}" y="{top:.1f}" width="{bar:.1f}" height="{y.start - top:.1f}" '
                f'fill="{colour}"><title>{day.date:%Y-%m-%d}: {value} {what} of {day.rows} rows</title></rect>'
            )
    return _svg(parts, "Abnormal rows and readings over the limit per inspection day", "chart anomalies")


def _limit_lines(limits: Limits, y: Axis) -> list[str]:
    parts = []
    if limits.normal_min is not None or limits.normal_max is not None:
        top = y.at(limits.normal_max) if limits.normal_max is not None else y.end
        bottom = y.at(limits.normal_min) if limits.normal_min is not None else y.start
        parts.append(
            f'<rect x="{LEFT}" y="{top:.1f}" width="{WIDTH - LEFT - RIGHT}" height="{bottom - top:.1f}" '
            f'fill="{OK}" fill-opacity="0.10"><title>normal range</title></rect>'
        )
    for value, name in ((limits.alarm_min, "alarm low"), (limits.alarm_max, "alarm high")):
        if value is not None:
            py = y.at(value)
            parts.append(
                f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{py:.1f}" y2="{py:.1f}" stroke="{BAD}" '
                f'stroke-dasharray="6 4"><title>{name} {escape(format_value(value))}</title></line>'
            )
            parts.append(f'<text x="{WIDTH - RIGHT - 4}" y="{py - 4:.1f}" text-anchor="end" fill="{BAD}">{name}</text>')
    return parts


def readings_chart(series: ReadingSeries, *, report_url: str = "/inspection/{}/") -> SafeString:
    """One instrument's readings over time, with its normal range shaded and its alarm limits dashed."""
    e = series.equipment
    limits = Limits(e.unit, e.normal_min, e.normal_max, e.alarm_min, e.alarm_max)
    values = [p[1] for p in series.points]
    bounds = [v for v in (*values, e.normal_min, e.normal_max, e.alarm_min, e.alarm_max) if v is not None]
    span = (max(bounds) - min(bounds)) or abs(max(bounds)) or 1.0
    ticks = nice_ticks(min(bounds) - span * 0.08, max(bounds) + span * 0.08)
    y = Axis(ticks[0], ticks[-1], HEIGHT - BOTTOM, TOP)
    x = _days([p[0] for p in series.points])
    parts = _frame(y, ticks, [p[0] for p in series.points], x, e.unit)
    parts += _limit_lines(limits, y)
    coords = [(x.at(day.toordinal()), y.at(value)) for day, value, _, _ in series.points]
    path = " ".join(f"{px:.1f},{py:.1f}" for px, py in coords)
    parts.append(f'<polyline points="{path}" fill="none" stroke="#1f5eff" stroke-width="1.5"/>')
    for (px, py), (day, value, _status, inspection_id) in zip(coords, series.points, strict=True):
        over = check_reading(value, e.unit, limits).over_limit
        tip = f"{day:%Y-%m-%d}: {format_value(value)} {e.unit}{' (over the limit)' if over else ''}"
        parts.append(
            f'<a href="{escape(report_url.format(inspection_id))}"><circle cx="{px:.1f}" cy="{py:.1f}" r="4.5" '
            f'fill="{BAD if over else OK}"><title>{escape(tip)}</title></circle></a>'
        )
    return _svg(parts, f"Readings of {e.tag} {e.name} over time", "chart readings")
