"""Sites and their equipment, with units and limits, managed through the API by the team that owns them."""

from __future__ import annotations

import pytest

from apps.inspection.models import Equipment, Site

GAUGE = {
    "name": "Suction pressure gauge",
    "tag": "PT-101",
    "type": "pressure_gauge",
    "location": "Pump room",
    "unit": "MPa",
    "normal_min": 0.1,
    "normal_max": 0.4,
    "alarm_min": 0.05,
    "alarm_max": 0.6,
}


def test_a_member_creates_a_site_for_their_team(owner_api, team):
    response = owner_api.post("/inspection/api/sites/create/", {"name": "West plant", "location": "Hall 3"})
    assert response.status_code == 201
    assert Site.objects.get(id=response.json()["id"]).team == team


def test_a_site_name_is_unique_within_a_team(owner_api, site):
    response = owner_api.post("/inspection/api/sites/create/", {"name": site.name.upper()})
    assert response.status_code == 409


def test_equipment_is_registered_with_its_unit_and_limits(owner_api, site):
    response = owner_api.post(f"/inspection/api/sites/{site.id}/equipment/create/", GAUGE, format="json")
    assert response.status_code == 201
    equipment = Equipment.objects.get(id=response.json()["id"])
    assert (equipment.tag_key, equipment.unit, equipment.alarm_max) == ("PT101", "MPa", 0.6)


@pytest.mark.parametrize(
    "limits",
    [
        {"normal_min": 0.5, "normal_max": 0.4},
        {"alarm_min": 0.2, "normal_min": 0.1},
        {"alarm_max": 0.3, "normal_max": 0.4},
        {"alarm_min": 0.7, "alarm_max": 0.7},
    ],
)
def test_limits_that_contradict_each_other_are_refused(owner_api, site, limits):
    response = owner_api.post(f"/inspection/api/sites/{site.id}/equipment/create/", GAUGE | limits, format="json")
    assert response.status_code == 400 and "must be below" in response.json()["error"]["message"]


def test_a_tag_is_registered_once_per_site_however_it_is_written(owner_api, site):
    response = owner_api.post(
        f"/inspection/api/sites/{site.id}/equipment/create/", GAUGE | {"tag": "pt 203"}, format="json"
    )
    assert response.status_code == 409


def test_equipment_is_updated_and_deleted(owner_api, site):
    gauge = site.equipment.get(tag="PT-203")
    changed = {"name": gauge.name, "tag": "PT-203", "type": "pressure_gauge", "unit": "bar", "normal_max": 9}
    assert owner_api.put(f"/inspection/api/equipment/{gauge.id}/", changed, format="json").status_code == 200
    gauge.refresh_from_db()
    assert (gauge.unit, gauge.normal_max, gauge.alarm_max) == ("bar", 9, None)
    assert owner_api.delete(f"/inspection/api/equipment/{gauge.id}/").status_code == 204
    assert not site.equipment.filter(tag="PT-203").exists()


def test_an_outsider_cannot_see_or_change_another_teams_registry(outsider_api, site):
    gauge = site.equipment.get(tag="PT-203")
    assert outsider_api.get("/inspection/api/sites/").json() == []
    assert outsider_api.get(f"/inspection/api/sites/{site.id}/equipment/").status_code == 404
    assert (
        outsider_api.post(f"/inspection/api/sites/{site.id}/equipment/create/", GAUGE, format="json").status_code == 404
    )
    assert outsider_api.put(f"/inspection/api/equipment/{gauge.id}/", GAUGE, format="json").status_code == 404
    assert outsider_api.delete(f"/inspection/api/equipment/{gauge.id}/").status_code == 404
    assert site.equipment.count() == 2


def test_the_registry_pages_show_the_teams_sites_only(client, owner, outsider, site):
    client.force_login(owner)
    assert site.name in client.get("/inspection/sites/").content.decode()
    page = client.get(f"/inspection/sites/{site.id}/").content.decode()
    assert "PT-203" in page and "QF1" in page
    client.force_login(outsider)
    assert site.name not in client.get("/inspection/sites/").content.decode()
    assert client.get(f"/inspection/sites/{site.id}/").status_code == 404
