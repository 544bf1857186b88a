"""An equipment list imported from CSV: created or updated by tag, all or nothing, wrong lines named."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from apps.inspection.models import Equipment

LIST = (
    "tag,name,type,location,unit,normal_min,normal_max,alarm_min,alarm_max\n"
    "PT-203,出口压力表 Discharge gauge,Pressure gauge,泵房,MPa,0.3,0.9,0.2,1.1\n"
    "XV-7,Seal water valve,valve,Pump room,,,,,\n"
    "TT-4,Bearing temperature,other,,℃,20,70,,90\n"
)


def post(api, site, data: bytes, name: str = "equipment.csv"):
    upload = SimpleUploadedFile(name, data, content_type="text/csv")
    return api.post(f"/inspection/api/sites/{site.id}/equipment/import/", {"file": upload}, format="multipart")


def test_it_creates_new_equipment_and_updates_registered_tags(owner_api, site):
    response = post(owner_api, site, LIST.encode("utf-8-sig"))
    assert response.status_code == 200 and response.json() == {"created": 2, "updated": 1}
    gauge = site.equipment.get(tag="PT-203")
    assert (gauge.name, gauge.location, gauge.normal_min, gauge.alarm_max) == (
        "出口压力表 Discharge gauge",
        "泵房",
        0.3,
        1.1,
    )
    assert site.equipment.get(tag="XV-7").type == "valve"
    assert site.equipment.get(tag="TT-4").alarm_min is None


def test_it_reads_semicolon_lists_written_in_gb18030_with_chinese_types(owner_api, site):
    data = "tag;name;type;unit\nP-1;循环水泵;泵;\nQF2;进线断路器;断路器;\n".encode("gb18030")
    assert post(owner_api, site, data).json() == {"created": 2, "updated": 0}
    assert sorted(site.equipment.filter(tag__in=["P-1", "QF2"]).values_list("type", flat=True)) == ["breaker", "pump"]


def test_nothing_is_imported_when_a_line_is_wrong_and_each_wrong_line_is_named(owner_api, site):
    data = (
        b"tag,name,type,unit,normal_min,normal_max\n"
        b"PT-9,Gauge,pressure_gauge,MPa,0.9,0.3\n"
        b"XV-1,Valve,sprocket,,,\n"
        b",No tag,valve,,,\n"
        b"PI-3,Gauge,pressure_gauge,MPa,low,1\n"
        b"XV-2,Valve,valve,,,\n"
        b"xv 2,Valve again,valve,,,\n"
    )
    response = post(owner_api, site, data)
    assert response.status_code == 400
    errors = response.json()["error"]["details"]["errors"]
    assert [e.split(":")[0] for e in errors] == [
        "line 2",
        "line 3",
        "line 4",
        "line 5",
        "the same tag appears more than once",
    ]
    assert "sprocket" in errors[1] and "'low' is not a number" in errors[3]
    assert site.equipment.count() == 2


def test_a_file_without_a_header_line_is_refused(owner_api, site):
    response = post(owner_api, site, b"PT-1,Gauge,valve\n")
    assert response.status_code == 400 and "first line" in response.json()["error"]["message"]


def test_an_outsider_cannot_import_into_another_teams_site(outsider_api, site):
    assert post(outsider_api, site, LIST.encode()).status_code == 404
    assert Equipment.objects.filter(site=site).count() == 2
