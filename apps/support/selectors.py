"""Support: reads. Tickets and the catalogue are visible to their team (and admins); outsiders get 'not found'."""

from __future__ import annotations

from typing import Any

from django.db.models import Case, CharField, F, OuterRef, Q, QuerySet, Subquery, Value, When

from apps.support.models import Policy, Product, ReplyDraft, Ticket, TicketStatus
from core.errors import NotFound
from core.models import Role, RunStatus
from core.selectors import user_is_admin, user_memberships, visible_to

ENDED_BADLY = [RunStatus.FAILED, RunStatus.CANCELLED]


def _with_display_status(tickets: QuerySet[Ticket]) -> QuerySet[Ticket]:
    """`display_status`: the stored status, or 'failed' while the run the ticket waits for has failed."""
    newest_reply = ReplyDraft.objects.filter(ticket=OuterRef("pk")).order_by("-created_at", "-id")
    return tickets.annotate(
        reply_run_status=Subquery(newest_reply.values("run__status")[:1]),
    ).annotate(
        display_status=Case(
            When(Q(status=TicketStatus.ANALYSING, analysis_run__status__in=ENDED_BADLY), then=Value("failed")),
            When(Q(status=TicketStatus.DRAFTING, reply_run_status__in=ENDED_BADLY), then=Value("failed")),
            When(
                Q(status=TicketStatus.DRAFTING, reply_run_status__isnull=True) & ~Q(reply_error=""),
                then=Value("failed"),
            ),
            default=F("status"),
            output_field=CharField(),
        )
    )


def tickets_visible_to(user: Any) -> QuerySet[Ticket]:
    tickets = visible_to(Ticket.objects.all(), user).select_related("product", "analysis_run")
    return _with_display_status(tickets)


def ticket_list(
    *, user: Any, issue_type: str = "", sku: str = "", status: str = "", limit: int = 200
) -> QuerySet[Ticket]:
    tickets = tickets_visible_to(user)
    if issue_type:
        tickets = tickets.filter(findings__issue_type=issue_type).distinct()
    if sku:
        tickets = tickets.filter(sku__iexact=sku.strip())
    if status:
        tickets = tickets.filter(display_status=status)
    return tickets.prefetch_related("findings")[:limit]


def ticket_get_visible(*, user: Any, ticket_id: int | str) -> Ticket:
    try:
        return tickets_visible_to(user).get(pk=int(ticket_id))
    except (Ticket.DoesNotExist, ValueError, TypeError):
        raise NotFound("No such ticket.") from None


def ticket_photos(ticket: Ticket) -> list[Any]:
    return list(ticket.photos.order_by("ticketphoto__position"))


def ticket_current_draft(ticket: Ticket) -> ReplyDraft | None:
    return ticket.drafts.select_related("run").first()


def products_visible_to(user: Any) -> QuerySet[Product]:
    return visible_to(Product.objects.all(), user).prefetch_related("reference_photos__photo")


def product_for_sku(*, user: Any, team_id: int, sku: str) -> Product | None:
    return products_visible_to(user).filter(team_id=team_id, sku__iexact=sku.strip()).first()


def product_get_visible(*, user: Any, product_id: int | str) -> Product:
    try:
        return products_visible_to(user).get(pk=int(product_id))
    except (Product.DoesNotExist, ValueError, TypeError):
        raise NotFound("No such product.") from None


def policy_for(team_id: int) -> Policy | None:
    return Policy.objects.filter(team_id=team_id).prefetch_related("rules").first()


def user_manages_policy(user: Any, team_id: int) -> bool:
    """Team leads and admins change the catalogue and policy; agents use them."""
    if user_is_admin(user):
        return True
    return any(m.team_id == team_id and m.role in (Role.TEAM_LEAD, Role.ADMIN) for m in user_memberships(user))
