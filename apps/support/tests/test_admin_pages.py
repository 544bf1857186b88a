"""The catalogue, the policy and tickets can be managed in the admin."""

from __future__ import annotations

import pytest

from apps.support.models import ProductPhoto
from apps.support.tests.factories import analysis, finish_analysis, patch_image, ticket_for, upload

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", ["product", "policy", "ticket"])
def test_the_admin_lists_and_adds(client, admin_user, model, product):
    client.force_login(admin_user)
    assert client.get(f"/admin/support/{model}/").status_code == 200
    assert client.get(f"/admin/support/{model}/add/").status_code == 200


def test_a_ticket_opens_in_the_admin_with_its_findings(client, admin_user, owner, product):
    ticket = finish_analysis(ticket_for(owner, product), analysis(items_seen=[]))
    client.force_login(admin_user)
    page = client.get(f"/admin/support/ticket/{ticket.pk}/change/").content.decode()
    assert "is missing from the box" in page


def test_a_reference_photo_is_added_in_the_admin_by_its_sha256(client, admin_user, owner, product):
    photo = upload(owner, patch_image((1, 2, 3)), name="new-ref.png")
    client.force_login(admin_user)
    form = {
        "sku": product.sku, "name": product.name, "box_items": '["Glass kettle"]', "team": product.team_id,
        "reference_photos-TOTAL_FORMS": "2", "reference_photos-INITIAL_FORMS": "1",
        "reference_photos-MIN_NUM_FORMS": "0", "reference_photos-MAX_NUM_FORMS": "1000",
        "reference_photos-0-id": str(product.reference_photos.get().pk), "reference_photos-0-product": product.pk,
        "reference_photos-0-sha256": product.reference_photos.get().photo.sha256,
        "reference_photos-0-position": "0", "reference_photos-0-product_box": "[0, 0, 1000, 1000]",
        "reference_photos-1-product": product.pk, "reference_photos-1-sha256": photo.sha256,
        "reference_photos-1-position": "1", "reference_photos-1-product_box": "[10, 10, 990, 990]",
    }  # fmt: skip
    response = client.post(f"/admin/support/product/{product.pk}/change/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert ProductPhoto.objects.filter(product=product, photo=photo, product_box=[10, 10, 990, 990]).exists()
