"""A finished analysis becomes findings: the model's issues with their boxes, then colour and missing items measured
by code, each with the remedy the policy gives; the reply run starts when the analysis commits."""

from __future__ import annotations

import pytest

from apps.support.delta_e import delta_e_2000, srgb_to_lab
from apps.support.models import Finding, IssueType, ReplyDraft, TicketStatus
from apps.support.remedies import NEEDS_HUMAN
from apps.support.services import policy_ensure
from apps.support.tests.factories import (
    analysis,
    finish_analysis,
    issue,
    lab_to_srgb8,
    patch_image,
    product_with_reference,
    ticket_for,
    upload,
)
from core.models import Run

pytestmark = pytest.mark.django_db


def test_the_models_issues_become_numbered_findings_with_their_boxes(owner, product):
    ticket = ticket_for(owner, product)
    result = analysis(issues=[issue("packaging_damage", "minor", 1, (600, 100, 200, 300)), issue()])
    finish_analysis(ticket, result)
    first, second = ticket.findings.all()
    assert (first.number, first.issue_type, first.photo_position) == (1, "packaging_damage", 0)
    assert first.bbox == [200, 100, 600, 300], "corners are put in order"
    assert (second.number, second.issue_type, second.severity) == (2, "product_damage", "severe")
    assert not first.measured and ticket.status == TicketStatus.DRAFTING


def test_a_box_on_a_photo_the_ticket_does_not_have_is_dropped(owner, product):
    ticket = ticket_for(owner, product)
    finish_analysis(ticket, analysis(issues=[issue(photo=3)]))
    finding = ticket.findings.get()
    assert finding.photo_position is None and finding.bbox is None


def test_colour_difference_is_measured_against_the_catalogue_photo_with_ciede2000(owner, team):
    # Sharma et al. pair 20: Lab (50, 2.5, 0) against (58, 24, 15), published Delta E 19.4535.
    lab_customer, lab_catalogue = (50.0, 2.5, 0.0), (58.0, 24.0, 15.0)
    product = product_with_reference(team, owner, colour=lab_to_srgb8(lab_catalogue), sku="MUG-1")
    photo = upload(owner, patch_image(lab_to_srgb8(lab_customer), size=(640, 480), box=[250, 200, 750, 800]))
    ticket = ticket_for(owner, product, photos=[photo])
    finish_analysis(ticket, analysis(product_box={"photo": 1, "bbox_2d": [250, 200, 750, 800]}))

    quantised = [
        tuple(srgb_to_lab(__import__("numpy").array(lab_to_srgb8(lab)) / 255)) for lab in (lab_customer, lab_catalogue)
    ]
    expected = delta_e_2000(*quantised)
    finding = ticket.findings.get(issue_type=IssueType.COLOUR_DIFFERENCE)
    assert finding.delta_e == pytest.approx(expected, abs=0.1) and finding.measured
    assert finding.delta_e == pytest.approx(19.4535, abs=0.3)
    assert finding.bbox == [250, 200, 750, 800] and finding.photo_position == 0
    assert ticket.colour_check["exceeds"] and ticket.colour_check["threshold"] == 6.0
    assert finding.severity == "severe", "more than three times the threshold"


def test_no_colour_finding_when_the_difference_is_within_the_threshold(owner, team):
    product = product_with_reference(team, owner, colour=(120, 140, 160), sku="MUG-2")
    photo = upload(owner, patch_image((122, 140, 158)))
    ticket = ticket_for(owner, product, photos=[photo])
    finish_analysis(ticket, analysis())
    assert not ticket.findings.filter(issue_type=IssueType.COLOUR_DIFFERENCE).exists()
    assert ticket.colour_check["measured"] and ticket.colour_check["delta_e"] < 6.0


def test_the_threshold_comes_from_the_policy(owner, team):
    policy = policy_ensure(team=team)
    policy.colour_threshold = 0.5
    policy.save()
    product = product_with_reference(team, owner, colour=(120, 140, 160), sku="MUG-3")
    ticket = ticket_for(owner, product, photos=[upload(owner, patch_image((122, 140, 158)))])
    finish_analysis(ticket, analysis())
    assert ticket.findings.filter(issue_type=IssueType.COLOUR_DIFFERENCE).exists()


def test_colour_is_not_judged_without_a_catalogue_photo(owner, team):
    from apps.support.tests.factories import ProductFactory

    ticket = ticket_for(owner, ProductFactory(team=team, sku="NOPIC"))
    finish_analysis(ticket, analysis())
    assert ticket.colour_check == {"measured": False, "reason": "The catalogue has no reference photo of this product."}


def test_missing_items_are_findings_with_the_reship_remedy(owner, product):
    ticket = ticket_for(owner, product)
    finish_analysis(ticket, analysis(items_seen=["kettle", "user manual", "a sticker"]))
    assert ticket.missing_items == ["Power base"]
    finding = ticket.findings.get(issue_type=IssueType.MISSING_ITEM)
    assert finding.item == "Power base" and finding.measured and finding.bbox is None
    assert finding.remedy == "reship_part" and finding.remedy_text == "we ship the Power base again at no cost"


def test_each_finding_gets_the_remedy_of_the_policy_rule_for_its_type_and_severity(owner, product):
    ticket = ticket_for(owner, product)
    issues = [issue("packaging_damage", "minor"), issue("product_damage", "minor"), issue("product_damage", "severe")]
    finish_analysis(ticket, analysis(issues=issues))
    remedies = list(ticket.findings.values_list("remedy_text", flat=True))
    assert remedies == [
        "a coupon worth 5.00 EUR for the customer's next order",
        "a coupon worth 10.00 EUR for the customer's next order",
        "we send a replacement Glass kettle at no cost",
    ]


def test_an_issue_type_without_a_rule_needs_a_human_decision(owner, product):
    ticket = ticket_for(owner, product)
    finish_analysis(ticket, analysis(issues=[issue("wrong_item", "severe"), issue("other", "minor")]))
    for finding in ticket.findings.all():
        assert finding.needs_human and finding.rule is None and finding.remedy == ""
        assert finding.remedy_text == NEEDS_HUMAN


def test_the_reply_run_starts_when_the_analysis_commits_with_the_policys_remedies(
    owner, product, django_capture_on_commit_callbacks
):
    ticket = ticket_for(owner, product)
    with django_capture_on_commit_callbacks(execute=True):
        finish_analysis(ticket, analysis(issues=[issue(), issue("wrong_item")], items_seen=["glass kettle"]))
    draft = ReplyDraft.objects.get(ticket=ticket)
    run = Run.objects.get(pk=draft.run_id)
    assert run.task == "support_reply" and list(run.photos.all()) == []
    remedies = run.params["fields"]["remedies"]
    assert "- for point 1: we send a replacement Glass kettle at no cost" in remedies
    assert f"- for point 2: {NEEDS_HUMAN}" in remedies
    assert "- for points 3, 4: " not in remedies and "we ship the Power base again at no cost" in remedies
    assert "(marked area 1 on photo 1)" in run.params["fields"]["findings"]


def test_no_reply_run_starts_before_the_analysis_transaction_commits(owner, product):
    ticket = ticket_for(owner, product)
    finish_analysis(ticket, analysis(issues=[issue()]))  # the test's transaction never commits
    assert not ReplyDraft.objects.filter(ticket=ticket).exists()


def test_a_retried_analysis_replaces_the_earlier_findings(owner, product):
    ticket = ticket_for(owner, product)
    finish_analysis(ticket, analysis(issues=[issue(), issue()]))
    finish_analysis(ticket, analysis(issues=[issue("packaging_damage", "minor")]))
    assert list(Finding.objects.filter(ticket=ticket).values_list("number", "issue_type")) == [(1, "packaging_damage")]


def test_gibberish_strings_from_the_model_are_cleaned(owner, product):
    ticket = ticket_for(owner, product)
    noisy = {**issue(), "description": ",\x00\x07"}
    finish_analysis(ticket, analysis(issues=[noisy], items_seen=[",", "", "  power\nbase "]))
    assert ticket.findings.get(number=1).description == "Product damage"
    assert ticket.items_seen == ["power base"]
