"""Support pages: new ticket and history, one ticket (photos, findings, draft), and the shop's settings."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from apps.support.apis import TicketOutput
from apps.support.forms import PolicyForm, ProductForm, ProductPhotoForm, RuleForm
from apps.support.models import IssueType, Policy, Product, ProductPhoto, Ticket, TicketStatus
from apps.support.schemas import MAX_TICKET_PHOTOS
from apps.support.selectors import ticket_get_visible, ticket_list, user_manages_policy
from apps.support.services import (
    policy_ensure,
    policy_rule_delete,
    policy_rule_set,
    policy_update,
    product_photo_add,
    product_photo_remove,
    product_save,
)
from core.errors import AppError, NotFound
from core.models import Team
from core.roles import role_required
from core.selectors import user_team
from core.services.photos import photos_upload


def _team_or_none(request: HttpRequest) -> Team | None:
    try:
        return user_team(request.user)
    except AppError:
        return None


@role_required("support")
def index(request: HttpRequest) -> HttpResponse:
    team = _team_or_none(request)
    filters = {key: request.GET.get(key, "").strip() for key in ("issue_type", "sku", "status")}
    context = {
        "team": team,
        "policy": policy_ensure(team=team) if team else None,
        "products": Product.objects.filter(team=team) if team else [],
        "tickets": [_history_row(t) for t in ticket_list(user=request.user, **filters)],
        "filters": filters,
        "issue_types": IssueType.choices,
        "statuses": TicketStatus.choices,
        "max_photos": MAX_TICKET_PHOTOS,
    }
    return render(request, "support/index.html", context)


def _history_row(ticket: Ticket) -> dict[str, object]:
    issues = {f.issue_type: f.get_issue_type_display() for f in ticket.findings.all()}
    status = ticket.display_status  # type: ignore[attr-defined]
    return {"ticket": ticket, "issues": issues.items(), "status": status, "status_label": TicketStatus(status).label}


@role_required("support")
def ticket_page(request: HttpRequest, ticket_id: int) -> HttpResponse:
    try:
        ticket = ticket_get_visible(user=request.user, ticket_id=ticket_id)
    except NotFound:
        return HttpResponse("No such ticket.", status=404, content_type="text/plain")
    policy = policy_ensure(team=ticket.team)
    context = {"ticket": ticket, "payload": TicketOutput(ticket).data, "policy": policy}
    return render(request, "support/ticket.html", context)


# ---- settings ----------------------------------------------------------------------------------------------------


def _form_problem(form: Form) -> str:
    return "; ".join(f"{field}: {' '.join(errors)}" for field, errors in form.errors.items())


def _save_policy(request: HttpRequest, policy: Policy) -> str:
    form = PolicyForm(request.POST)
    if not form.is_valid():
        raise AppError(_form_problem(form))
    policy_update(policy=policy, **form.cleaned_data)
    return "Policy saved."


def _save_rule(request: HttpRequest, policy: Policy) -> str:
    form = RuleForm(request.POST)
    if not form.is_valid():
        raise AppError(_form_problem(form))
    data = form.cleaned_data
    data["coupon_amount"] = data["coupon_amount"] or 0
    data["refund_percent"] = data["refund_percent"] or 100
    policy_rule_set(policy=policy, **data)
    return "Rule saved."


def _delete_rule(request: HttpRequest, policy: Policy) -> str:
    rule = policy.rules.filter(pk=request.POST.get("rule")).first()
    if rule is None:
        raise AppError("No such rule.")
    policy_rule_delete(rule=rule)
    return "Rule removed."


def _product(request: HttpRequest, policy: Policy) -> Product | None:
    product_id = request.POST.get("product")
    if not product_id:
        return None
    product = Product.objects.filter(team_id=policy.team_id, pk=product_id).first()
    if product is None:
        raise AppError("No such product.")
    return product


def _save_product(request: HttpRequest, policy: Policy) -> str:
    form = ProductForm(request.POST)
    if not form.is_valid():
        raise AppError(_form_problem(form))
    product_save(team=policy.team, product=_product(request, policy), **form.cleaned_data)
    return f"Product {form.cleaned_data['sku']} saved."


def _add_reference_photo(request: HttpRequest, policy: Policy) -> str:
    form = ProductPhotoForm(request.POST, request.FILES)
    product = _product(request, policy)
    if not form.is_valid() or product is None:
        raise AppError(_form_problem(form) or "Choose a product.")
    upload = form.cleaned_data["file"]
    photos, rejected = photos_upload(user=request.user, team=policy.team, files=[(upload.name, upload.read())])
    if rejected:
        raise AppError(rejected[0].reason)
    product_photo_add(product=product, photo=photos[0], product_box=form.cleaned_data["product_box"])
    return "Reference photo added."


def _remove_reference_photo(request: HttpRequest, policy: Policy) -> str:
    reference = ProductPhoto.objects.filter(product__team_id=policy.team_id, pk=request.POST.get("photo")).first()
    if reference is None:
        raise AppError("No such photo.")
    product_photo_remove(product_photo=reference)
    return "Reference photo removed."


SETTINGS_ACTIONS: dict[str, Callable[[HttpRequest, Policy], str]] = {
    "policy": _save_policy,
    "rule": _save_rule,
    "rule_delete": _delete_rule,
    "product": _save_product,
    "photo_add": _add_reference_photo,
    "photo_remove": _remove_reference_photo,
}


@role_required("support")
def settings_page(request: HttpRequest) -> HttpResponse:
    team = _team_or_none(request)
    if team is None:
        return render(request, "support/settings.html", {"team": None})
    policy = policy_ensure(team=team)
    can_manage = user_manages_policy(request.user, team.id)
    if request.method == "POST":
        action = SETTINGS_ACTIONS.get(request.POST.get("action", ""))
        if not can_manage or action is None:
            return HttpResponse("Only team leads and admins change the catalogue and policy.", status=403)
        try:
            messages.success(request, action(request, policy))
        except AppError as exc:
            messages.error(request, exc.message)
        return redirect("support:settings")
    context = {
        "team": team,
        "policy": policy,
        "can_manage": can_manage,
        "policy_form": PolicyForm(initial=_policy_initial(policy)),
        "rule_form": RuleForm(),
        "product_form": ProductForm(),
        "photo_form": ProductPhotoForm(),
        "rules": policy.rules.all(),
        "without_rule": _issue_types_without_rule(policy),
        "products": Product.objects.filter(team=team).prefetch_related("reference_photos__photo"),
    }
    return render(request, "support/settings.html", context)


def _issue_types_without_rule(policy: Policy) -> list[str]:
    ruled = set(policy.rules.values_list("issue_type", flat=True))
    return [label for value, label in IssueType.choices if value not in ruled]


def _policy_initial(policy: Policy) -> dict[str, object]:
    return {
        "shop_name": policy.shop_name,
        "colour_threshold": policy.colour_threshold,
        "currency": policy.currency,
        "tones": policy.tones,
        "default_tone": policy.default_tone,
        "languages": ", ".join(policy.languages),
        "default_language": policy.default_language,
    }
