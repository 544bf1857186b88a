"""Creating a ticket through the API stores it with its photos and starts its analysis run; the answer is the
ticket as pages show it."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.support.models import Ticket
from apps.support.services import policy_ensure
from apps.support.tests.factories import patch_image
from core.models import Run
from tests.images import jpeg_bytes

pytestmark = pytest.mark.django_db
CREATE = "/support/api/tickets/create/"


def uploaded_sha(client, seed: int = 0) -> str:
    file = SimpleUploadedFile("p.jpg", jpeg_bytes(320, 240, seed=seed), content_type="image/jpeg")
    return client.post("/api/photos/", {"files": [file]}, format="multipart").json()["photos"][0]["sha256"]


def test_a_ticket_with_uploaded_photos_starts_its_defect_analysis(owner_api, product):
    shas = [uploaded_sha(owner_api, 1), uploaded_sha(owner_api, 2)]
    body = {"sku": "ket-1", "customer_message": "Cracked lid, wrong colour.", "customer_name": "Ana", "photos": shas}
    response = owner_api.post(CREATE, body, format="json")
    assert response.status_code == 201
    data = response.json()
    assert data["status"] == "analysing" and data["sku"] == "KET-1" and data["tone"] == "warm"
    assert [p["sha256"] for p in data["photos"]] == shas and data["photos"][0]["number"] == 1
    run = Run.objects.get(id=data["analysis_run"]["id"])
    assert run.task == "defect_analysis" and [p.sha256 for p in run.photos.order_by("runphoto__position")] == shas
    assert run.params["fields"]["box_items"] == "Glass kettle, Power base, User manual"
    assert run.params["fields"]["customer_message"] == "Cracked lid, wrong colour."
    assert data["url"] == f"/support/tickets/{data['id']}/"


def test_photos_can_be_sent_with_the_ticket_as_files(owner_api, product):
    files = [SimpleUploadedFile(f"d{i}.png", patch_image((10 * i, 80, 90)), content_type="image/png") for i in range(2)]
    body = {"sku": "KET-1", "customer_message": "Missing base", "files": files, "tone": "brief"}
    response = owner_api.post(CREATE, body, format="multipart")
    assert response.status_code == 201, response.json()
    assert len(response.json()["photos"]) == 2 and response.json()["tone"] == "brief"


def test_an_unknown_sku_is_refused(owner_api, product):
    response = owner_api.post(CREATE, {"sku": "NOPE", "photos": [uploaded_sha(owner_api)]}, format="json")
    assert response.status_code == 400 and "NOPE" in response.json()["error"]["message"]
    assert not Ticket.objects.exists()


def test_a_ticket_needs_one_to_four_photos(owner_api, product):
    none = owner_api.post(CREATE, {"sku": "KET-1", "photos": []}, format="json")
    five = owner_api.post(
        CREATE, {"sku": "KET-1", "photos": [uploaded_sha(owner_api, i) for i in range(5)]}, format="json"
    )
    assert none.status_code == 400 and five.status_code == 400
    assert "1 to 4 photos" in five.json()["error"]["details"]["fields"]["non_field_errors"][0]


def test_a_tone_or_language_the_shop_has_not_enabled_is_refused(owner_api, product, team):
    policy = policy_ensure(team=team)
    policy.tones = ["formal"]
    policy.default_tone = "formal"
    policy.save()
    warm = owner_api.post(CREATE, {"sku": "KET-1", "photos": [uploaded_sha(owner_api)], "tone": "warm"}, format="json")
    klingon = owner_api.post(
        CREATE, {"sku": "KET-1", "photos": [uploaded_sha(owner_api)], "language": "Klingon"}, format="json"
    )
    assert warm.status_code == 400 and klingon.status_code == 400


def test_an_outsiders_photo_cannot_be_put_in_a_ticket(owner_api, outsider_api, product):
    sha = uploaded_sha(outsider_api, 9)
    response = owner_api.post(CREATE, {"sku": "KET-1", "photos": [sha]}, format="json")
    assert response.status_code == 400 and response.json()["error"]["details"]["photos"] == [sha]


def test_an_outsider_cannot_use_another_teams_catalogue(outsider_api, product):
    response = outsider_api.post(CREATE, {"sku": "KET-1", "photos": [uploaded_sha(outsider_api)]}, format="json")
    assert response.status_code == 400 and not Ticket.objects.exists()


def test_anonymous_requests_are_refused(client, product):
    assert client.post(CREATE, {"sku": "KET-1"}, content_type="application/json").status_code in (401, 403)
    assert client.get("/support/api/tickets/").status_code in (401, 403)
