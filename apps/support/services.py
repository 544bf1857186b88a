"""Support: writes. Catalogue and policy upkeep, tickets, findings from the analysis, reply drafts and approval."""

from __future__ import annotations

import contextlib
from decimal import Decimal
from functools import partial
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.support.delta_e import warm_in_background
from apps.support.findings import analysis_findings
from apps.support.models import (
    FULL_FRAME,
    Finding,
    Policy,
    PolicyRule,
    Product,
    ProductPhoto,
    ReplyDraft,
    Ticket,
    TicketPhoto,
    TicketStatus,
    Tone,
)
from apps.support.remedies import DEFAULT_RULES
from apps.support.reply_prompt import reply_fields
from apps.support.schemas import MAX_TICKET_PHOTOS
from core.errors import AppError, Conflict, InvalidInput
from core.models import Photo, Run, RunStatus, Team
from core.services.audit import audit_record
from core.services.runs import run_cancel, run_create

# ---- policy ---------------------------------------------------------------------------------------------------


def policy_ensure(*, team: Team) -> Policy:
    """The team's policy, created with the default rules on first use."""
    policy, created = Policy.objects.get_or_create(team=team, defaults={"shop_name": team.name})
    if created:
        PolicyRule.objects.bulk_create(PolicyRule(policy=policy, **rule) for rule in DEFAULT_RULES)
    return policy


def policy_update(
    *,
    policy: Policy,
    shop_name: str,
    colour_threshold: float,
    currency: str,
    tones: list[str],
    default_tone: str,
    languages: list[str],
    default_language: str,
) -> Policy:
    tones = [t for t in Tone.values if t in tones]
    languages = list(dict.fromkeys(lang.strip() for lang in languages if lang.strip()))
    if not tones or default_tone not in tones:
        raise InvalidInput("Enable at least one tone and pick the default among the enabled ones.")
    if not languages or default_language not in languages:
        raise InvalidInput("List at least one reply language and pick the default among them.")
    if not 0 < colour_threshold <= 100:
        raise InvalidInput("The colour threshold is a CIEDE2000 value between 0 and 100.")
    policy.shop_name, policy.colour_threshold, policy.currency = shop_name.strip(), colour_threshold, currency.strip()
    policy.tones, policy.default_tone = tones, default_tone
    policy.languages, policy.default_language = languages, default_language
    policy.save()
    return policy


def policy_rule_set(
    *,
    policy: Policy,
    issue_type: str,
    min_severity: str,
    remedy: str,
    coupon_amount: Decimal = Decimal("0"),
    refund_percent: int = 100,
    note: str = "",
) -> PolicyRule:
    """Add the rule for an issue type and severity, or replace the one there is."""
    if remedy == "coupon" and coupon_amount <= 0:
        raise InvalidInput("A coupon needs an amount above zero.")
    rule, _ = PolicyRule.objects.update_or_create(
        policy=policy,
        issue_type=issue_type,
        min_severity=min_severity,
        defaults={"remedy": remedy, "coupon_amount": coupon_amount, "refund_percent": refund_percent, "note": note},
    )
    return rule


def policy_rule_delete(*, rule: PolicyRule) -> None:
    rule.delete()


# ---- catalogue ------------------------------------------------------------------------------------------------


def product_save(*, team: Team, sku: str, name: str, box_items: list[str], product: Product | None = None) -> Product:
    """Create a product, or update `product`. SKUs are unique within a team."""
    product = product or Product(team=team)
    product.sku, product.name = sku.strip(), name.strip()
    product.box_items = [item.strip() for item in box_items if item.strip()]
    if not product.sku or not product.name:
        raise InvalidInput("A product needs a SKU and a name.")
    try:
        with transaction.atomic():
            product.save()
    except IntegrityError:
        raise InvalidInput(f"There is already a product with SKU {product.sku}.") from None
    return product


def product_photo_add(*, product: Product, photo: Photo, product_box: list[int] | None = None) -> ProductPhoto:
    position = product.reference_photos.count()
    box = product_box or list(FULL_FRAME)
    return ProductPhoto.objects.create(product=product, photo=photo, position=position, product_box=box)


def product_photo_remove(*, product_photo: ProductPhoto) -> None:
    product_photo.delete()


# ---- tickets --------------------------------------------------------------------------------------------------


def _reply_choice(policy: Policy, tone: str | None, language: str | None) -> tuple[str, str]:
    tone, language = tone or policy.default_tone, language or policy.default_language
    if tone not in policy.tones:
        raise InvalidInput(f"The tone {tone!r} is not enabled in the shop's settings.")
    if language not in policy.languages:
        raise InvalidInput(f"{language} is not one of the shop's reply languages.")
    return tone, language


def _analysis_fields(product: Product, customer_message: str, photo_count: int) -> dict[str, Any]:
    return {
        "product_name": product.name,
        "sku": product.sku,
        "box_items": ", ".join(product.box_items) or "(not listed)",
        "photo_count": photo_count,
        "customer_message": customer_message.strip() or "(no message)",
    }


def ticket_create(
    *,
    user: Any,
    team: Team,
    product: Product,
    customer_message: str,
    photos: list[Photo],
    customer_name: str = "",
    order_ref: str = "",
    tone: str | None = None,
    language: str | None = None,
) -> Ticket:
    """Store the ticket and start its `defect_analysis` run; the reply draft follows when that run is done."""
    if not photos:
        raise InvalidInput("Add at least one photo of the delivery.")
    if len(photos) > MAX_TICKET_PHOTOS:
        raise InvalidInput(f"At most {MAX_TICKET_PHOTOS} photos per ticket.")
    if product.team_id != team.id:
        raise InvalidInput("Unknown SKU.")
    tone, language = _reply_choice(policy_ensure(team=team), tone, language)
    with transaction.atomic():
        ticket = Ticket.objects.create(
            team=team,
            created_by=user,
            product=product,
            sku=product.sku,
            customer_name=customer_name.strip(),
            order_ref=order_ref.strip(),
            customer_message=customer_message.strip(),
            tone=tone,
            language=language,
        )
        TicketPhoto.objects.bulk_create(TicketPhoto(ticket=ticket, photo=p, position=i) for i, p in enumerate(photos))
        fields = _analysis_fields(product, customer_message, len(photos))
        ticket.analysis_run = run_create(user=user, team=team, task="defect_analysis", photos=photos, fields=fields)
        ticket.save(update_fields=["analysis_run"])
        transaction.on_commit(warm_in_background)
    return ticket


def analysis_apply(*, ticket: Ticket, result: dict[str, Any]) -> list[Finding]:
    """Turn a finished analysis into findings (colour and missing items measured here) and queue the first draft."""
    policy = policy_ensure(team=ticket.team)
    outcome = analysis_findings(ticket=ticket, policy=policy, result=result)
    ticket.findings.all().delete()  # a retried analysis replaces what an earlier attempt found
    findings = Finding.objects.bulk_create(outcome.findings)
    ticket.items_seen, ticket.missing_items, ticket.colour_check = outcome.items_seen, outcome.missing, outcome.colour
    ticket.status = TicketStatus.DRAFTING
    ticket.save(update_fields=["items_seen", "missing_items", "colour_check", "status", "updated_at"])
    transaction.on_commit(partial(_start_first_draft, ticket.pk), robust=True)
    return findings


def _start_first_draft(ticket_id: int) -> None:
    ticket = Ticket.objects.select_related("product", "team", "created_by").get(pk=ticket_id)
    try:
        reply_draft_start(ticket=ticket, user=ticket.created_by, tone=ticket.tone, language=ticket.language)
    except AppError as exc:  # e.g. the engine queue is full: the agent sees why and can regenerate
        Ticket.objects.filter(pk=ticket_id).update(reply_error=exc.message[:300])


def reply_draft_start(*, ticket: Ticket, user: Any, tone: str, language: str) -> ReplyDraft:
    """A new `support_reply` run from the ticket's stored findings and the policy's remedies."""
    policy = policy_ensure(team=ticket.team)
    fields = reply_fields(ticket, tone=tone, language=language, shop_name=policy.shop_name)
    with transaction.atomic():
        run = run_create(user=user, team=ticket.team, task="support_reply", photos=[], fields=fields)
        draft = ReplyDraft.objects.create(ticket=ticket, run=run, tone=tone, language=language)
        Ticket.objects.filter(pk=ticket.pk).update(
            status=TicketStatus.DRAFTING, tone=tone, language=language, reply_error="", updated_at=timezone.now()
        )
    ticket.refresh_from_db()
    return draft


def reply_draft_finish(*, draft: ReplyDraft, run: Run) -> None:
    """The reply run is done: its text becomes the draft; the newest draft makes the ticket ready for review."""
    if not draft.edited:
        draft.text = run.text.strip()
        draft.save(update_fields=["text"])
    ticket = draft.ticket
    newest = ticket.drafts.order_by("-created_at", "-id").values_list("id", flat=True).first()
    if ticket.status == TicketStatus.DRAFTING and newest == draft.pk:
        ticket.status = TicketStatus.REVIEW
        ticket.save(update_fields=["status", "updated_at"])


def ticket_regenerate(*, ticket: Ticket, user: Any, tone: str | None, language: str | None) -> ReplyDraft:
    """Another draft in another tone or language; the findings stay as they are."""
    if ticket.status == TicketStatus.SENT:
        raise Conflict("This reply was already approved and sent.")
    if ticket.status == TicketStatus.ANALYSING:
        raise Conflict("The photos are still being analysed; the first draft follows by itself.")
    tone, language = _reply_choice(policy_ensure(team=ticket.team), tone, language)
    current = ticket.drafts.select_related("run").first()
    if current is not None and current.run is not None and current.run.is_active:
        with contextlib.suppress(Conflict):  # it may have ended meanwhile
            run_cancel(run=current.run, actor=user)  # nobody will read it: free the engine for the new one
    return reply_draft_start(ticket=ticket, user=user, tone=tone, language=language)


def _current_draft_for_review(ticket: Ticket) -> ReplyDraft:
    if ticket.status == TicketStatus.SENT:
        raise Conflict("This reply was already approved and sent.")
    draft = ticket.drafts.select_related("run").first()
    if ticket.status != TicketStatus.REVIEW or draft is None or (draft.run and draft.run.status != RunStatus.DONE):
        raise Conflict("The draft is not ready yet.")
    return draft


def draft_edit(*, ticket: Ticket, text: str) -> ReplyDraft:
    draft = _current_draft_for_review(ticket)
    if not text.strip():
        raise InvalidInput("The reply is empty.")
    draft.text, draft.edited = text.strip(), True
    draft.save(update_fields=["text", "edited"])
    return draft


def ticket_approve(*, ticket: Ticket, user: Any, text: str | None = None) -> Ticket:
    """Mark the reply as sent, with the agent's last edit when given."""
    draft = draft_edit(ticket=ticket, text=text) if text is not None else _current_draft_for_review(ticket)
    if not draft.text.strip():
        raise InvalidInput("The reply is empty.")
    ticket.status, ticket.sent_text = TicketStatus.SENT, draft.text
    ticket.approved_by, ticket.approved_at = user, timezone.now()
    ticket.save(update_fields=["status", "sent_text", "approved_by", "approved_at", "updated_at"])
    audit_record(actor=user, action="support.reply.approve", target=ticket, details={"draft": draft.pk})
    return ticket
