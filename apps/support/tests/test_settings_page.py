"""Team leads manage the catalogue and policy on the settings page; agents only see them; outsiders see their own."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.support.models import Policy, PolicyRule, Product
from apps.support.services import policy_ensure
from apps.support.tests.factories import patch_image

pytestmark = pytest.mark.django_db


def post(client, **data):
    return client.post("/support/settings/", data)


def test_a_new_teams_policy_starts_with_default_rules_and_no_rule_for_wrong_items(team):
    policy = policy_ensure(team=team)
    types = set(policy.rules.values_list("issue_type", flat=True))
    assert {"packaging_damage", "product_damage", "colour_difference", "missing_item"} <= types
    assert "wrong_item" not in types and policy.tones == ["formal", "warm", "brief"]


def test_a_lead_changes_the_threshold_tones_and_languages(client, lead, team):
    client.force_login(lead)
    response = post(
        client, action="policy", shop_name="Kettle Corner", colour_threshold="4.5", currency="CHF",
        tones=["formal", "brief"], default_tone="brief", languages="English, Deutsch", default_language="Deutsch",
    )  # fmt: skip
    assert response.status_code == 302
    policy = Policy.objects.get(team=team)
    assert (policy.colour_threshold, policy.currency, policy.shop_name) == (4.5, "CHF", "Kettle Corner")
    assert policy.tones == ["formal", "brief"] and policy.languages == ["English", "Deutsch"]
    assert policy.default_language == "Deutsch"


def test_a_default_tone_that_is_not_enabled_is_refused(client, lead, team):
    client.force_login(lead)
    response = post(
        client, action="policy", colour_threshold="4", currency="EUR", tones=["formal"], default_tone="warm",
        languages="English", default_language="English",
    )  # fmt: skip
    assert "Enable at least one tone" in client.get(response.url).content.decode()
    assert policy_ensure(team=team).default_tone == "warm"


def test_a_lead_adds_replaces_and_removes_rules(client, lead, team):
    client.force_login(lead)
    post(client, action="rule", issue_type="wrong_item", min_severity="minor", remedy="replacement", note="keep it")
    post(client, action="rule", issue_type="wrong_item", min_severity="minor", remedy="refund", refund_percent="50")
    rule = PolicyRule.objects.get(policy__team=team, issue_type="wrong_item")
    assert (rule.remedy, rule.refund_percent) == ("refund", 50)
    post(client, action="rule_delete", rule=str(rule.pk))
    assert not PolicyRule.objects.filter(policy__team=team, issue_type="wrong_item").exists()


def test_a_coupon_rule_needs_an_amount(client, lead, team):
    client.force_login(lead)
    post(client, action="rule", issue_type="wrong_item", min_severity="minor", remedy="coupon", coupon_amount="0")
    assert not PolicyRule.objects.filter(policy__team=team, issue_type="wrong_item").exists()


def test_a_lead_adds_a_product_and_a_reference_photo(client, lead, team):
    client.force_login(lead)
    post(client, action="product", sku="LAMP-1", name="Desk lamp", box_items="Lamp\nShade, Bulb")
    product = Product.objects.get(team=team, sku="LAMP-1")
    assert product.box_items == ["Lamp", "Shade", "Bulb"]
    photo = SimpleUploadedFile("lamp.png", patch_image((240, 200, 40)), content_type="image/png")
    client.post(
        "/support/settings/",
        {"action": "photo_add", "product": product.pk, "file": photo, "product_box": "100, 100, 900, 800"},
    )
    reference = product.reference_photos.get()
    assert reference.product_box == [100, 100, 900, 800]
    page = client.get("/support/settings/").content.decode()
    assert "LAMP-1" in page and f"/photos/{reference.photo.sha256}/thumb/" in page


def test_a_duplicate_sku_is_refused(client, lead, team, product):
    client.force_login(lead)
    response = post(client, action="product", sku="KET-1", name="Another kettle", box_items="")
    assert "already a product with SKU KET-1" in client.get(response.url).content.decode()


def test_an_agent_sees_the_settings_but_cannot_change_them(client, owner, team):
    client.force_login(owner)
    page = client.get("/support/settings/")
    assert page.status_code == 200 and "Team leads and admins change these settings" in page.content.decode()
    response = post(client, action="product", sku="X-1", name="Sneaky", box_items="")
    assert response.status_code == 403 and not Product.objects.filter(sku="X-1").exists()


def test_an_outsider_sees_only_their_own_catalogue_and_cannot_touch_ours(client, outsider, lead, product):
    client.force_login(outsider)
    assert "KET-1" not in client.get("/support/settings/").content.decode()
    post(client, action="photo_remove", photo=str(product.reference_photos.get().pk))
    assert product.reference_photos.count() == 1
