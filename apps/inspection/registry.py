"""Inspection: writes to the site registry (sites, equipment, limits) and the CSV import of an equipment list."""

from __future__ import annotations

import csv
import io
from dataclasses import asdict, dataclass, field
from typing import Any

from django.db import IntegrityError, transaction

from apps.inspection.models import Equipment, EquipmentType, Site
from apps.inspection.readings import tag_key
from core.errors import Conflict, InvalidInput
from core.selectors import user_team

CSV_MAX_BYTES = 1024 * 1024
CSV_MAX_ROWS = 5000
CSV_COLUMNS = ["tag", "name", "type", "location", "unit", "normal_min", "normal_max", "alarm_min", "alarm_max"]
_CHINESE_TYPES = {
    "压力表": "pressure_gauge",
    "阀门": "valve",
    "断路器": "breaker",
    "开关柜": "panel",
    "配电柜": "panel",
}
_TYPE_WORDS = {value: value for value in EquipmentType.values} | {
    "泵": "pump",
    "其他": "other",
    **_CHINESE_TYPES,
}


@dataclass(frozen=True)
class EquipmentFields:
    name: str
    tag: str
    type: str = EquipmentType.OTHER
    location: str = ""
    unit: str = ""
    normal_min: float | None = None
    normal_max: float | None = None
    alarm_min: float | None = None
    alarm_max: float | None = None


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    errors: list[str] = field(default_factory=list)


def site_create(*, user: Any, name: str, location: str = "", team_id: int | None = None) -> Site:
    team = user_team(user, team_id)
    if Site.objects.filter(team=team, name__iexact=name.strip()).exists():
        raise Conflict(f"Your team already has a site named {name.strip()!r}.")
    return Site.objects.create(team=team, name=name.strip(), location=location.strip())


def site_update(*, site: Site, name: str, location: str) -> Site:
    if Site.objects.filter(team=site.team, name__iexact=name.strip()).exclude(id=site.id).exists():
        raise Conflict(f"Your team already has a site named {name.strip()!r}.")
    site.name, site.location = name.strip(), location.strip()
    site.save(update_fields=["name", "location"])
    return site


def _check_limits(fields: EquipmentFields) -> None:
    """Normal range inside the alarm limits, low below high: limits that contradict each other are refused."""
    pairs = [
        ("normal_min", "normal_max", False),
        ("alarm_min", "alarm_max", True),
        ("alarm_min", "normal_min", False),
        ("normal_max", "alarm_max", False),
        ("alarm_min", "normal_max", True),
        ("normal_min", "alarm_max", True),
    ]
    for low_name, high_name, strict in pairs:
        low, high = getattr(fields, low_name), getattr(fields, high_name)
        if low is not None and high is not None and (low >= high if strict else low > high):
            raise InvalidInput(
                f"{fields.tag}: {low_name} ({low:g}) must be below {high_name} ({high:g}).",
                details={"fields": {low_name: ["out of order"]}},
            )


def _clean(fields: EquipmentFields) -> EquipmentFields:
    values = asdict(fields)
    for name in ("name", "tag", "location", "unit"):
        values[name] = values[name].strip()
    cleaned = EquipmentFields(**values)
    if not cleaned.tag or not tag_key(cleaned.tag):
        raise InvalidInput("Every piece of equipment needs a tag (such as PT-203 or QF1).")
    if not cleaned.name:
        raise InvalidInput(f"{cleaned.tag}: the name is missing.")
    if cleaned.type not in EquipmentType.values:
        raise InvalidInput(f"{cleaned.tag}: unknown type {cleaned.type!r}.")
    _check_limits(cleaned)
    return cleaned


def _save(equipment: Equipment, fields: EquipmentFields) -> Equipment:
    for name, value in asdict(fields).items():
        setattr(equipment, name, value)
    equipment.tag_key = tag_key(fields.tag)
    try:
        with transaction.atomic():
            equipment.save()
    except IntegrityError:
        raise Conflict(f"{fields.tag}: this site already has equipment with that tag.") from None
    return equipment


def equipment_create(*, site: Site, fields: EquipmentFields) -> Equipment:
    return _save(Equipment(site=site), _clean(fields))


def equipment_update(*, equipment: Equipment, fields: EquipmentFields) -> Equipment:
    return _save(equipment, _clean(fields))


def equipment_delete(*, equipment: Equipment) -> None:
    equipment.delete()  # report rows keep the tag as read; only the link to the registry goes


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):  # Excel writes UTF-8 with a BOM, or GB18030 on Chinese systems
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InvalidInput("The file is not UTF-8 (or GB18030) text; save it as CSV UTF-8 and try again.")


def _number(value: str, column: str) -> float | None:
    value = value.strip().replace(",", ".") if value.count(",") == 1 and "." not in value else value.strip()
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        raise ValueError(f"{column} {value!r} is not a number") from None


def _fields_from_csv(row: dict[str, str]) -> EquipmentFields:
    type_word = (row.get("type") or "").strip().lower().replace(" ", "_")  # "Pressure gauge" -> pressure_gauge
    equipment_type = _TYPE_WORDS.get(type_word)
    if type_word and equipment_type is None:
        raise ValueError(f"type {row['type']!r} is not one of {', '.join(EquipmentType.values)}")
    return EquipmentFields(
        tag=row.get("tag") or "",
        name=row.get("name") or "",
        type=equipment_type or EquipmentType.OTHER,
        location=row.get("location") or "",
        unit=row.get("unit") or "",
        **{c: _number(row.get(c) or "", c) for c in ("normal_min", "normal_max", "alarm_min", "alarm_max")},
    )


def _csv_rows(data: bytes) -> list[dict[str, str]]:
    if len(data) > CSV_MAX_BYTES:
        raise InvalidInput(f"The file is larger than {CSV_MAX_BYTES // 1024} KB.")
    text = _decode(data)
    try:
        dialect: Any = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    columns = {(c or "").strip().lower() for c in reader.fieldnames or []}
    if not {"tag", "name"} <= columns:
        raise InvalidInput(f"The first line must name the columns; expected: {', '.join(CSV_COLUMNS)}.")
    rows = [{(k or "").strip().lower(): (v or "") for k, v in row.items() if isinstance(v, str)} for row in reader]
    if len(rows) > CSV_MAX_ROWS:
        raise InvalidInput(f"At most {CSV_MAX_ROWS} lines per import.")
    return rows


def equipment_import_csv(*, site: Site, data: bytes) -> ImportResult:
    """Create or update (by tag) every line; nothing is saved when any line is wrong, and each wrong line is named."""
    result = ImportResult()
    parsed: list[EquipmentFields] = []
    for line, row in enumerate(_csv_rows(data), start=2):
        try:
            parsed.append(_clean(_fields_from_csv(row)))
        except (ValueError, InvalidInput) as exc:
            result.errors.append(f"line {line}: {getattr(exc, 'message', exc)}")
    keys = [tag_key(f.tag) for f in parsed]
    duplicates = sorted({f.tag for f, k in zip(parsed, keys, strict=True) if keys.count(k) > 1})
    if duplicates:
        result.errors.append(f"the same tag appears more than once: {', '.join(duplicates)}")
    if result.errors:
        summary = "; ".join(e.rstrip(".") for e in result.errors[:5])
        raise InvalidInput(f"The file was not imported: {summary}.", details=asdict(result))
    existing = {e.tag_key: e for e in site.equipment.all()}
    with transaction.atomic():
        for fields, key in zip(parsed, keys, strict=True):
            current = existing.get(key)
            _save(current or Equipment(site=site), fields)
            result.created += current is None
            result.updated += current is not None
    return result
