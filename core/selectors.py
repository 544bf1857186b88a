"""Reads that decide who sees what: records are visible to their team; admins see everything.

An outsider asking for a record gets "not found", never "forbidden", so existence does not leak.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.db.models import QuerySet
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from core.errors import InvalidInput, NotFound
from core.models import Membership, Photo, Role, Run, RunStatus, Team
from core.run_hooks import visibility_check_for

_MEMO = "_visiondesk_memberships"
_membership_changes = 0  # bumped whenever this process saves or deletes a membership


@receiver([post_save, post_delete], sender=Membership, dispatch_uid="core.selectors.membership_changed")
def _membership_changed(**_: Any) -> None:
    global _membership_changes
    _membership_changes += 1


def user_memberships(user: Any) -> list[Membership]:
    """The user's memberships with their teams, oldest first: one query per user object, which lives for one
    request or one websocket handshake. A request asked "may they, which team, what can they see" four or five
    times, a query each; a membership changed in this process meanwhile is read again."""
    if not getattr(user, "is_authenticated", False):
        return []
    memo = getattr(user, _MEMO, None)
    if memo is None or memo[0] != _membership_changes:
        found = list(Membership.objects.filter(user=user).select_related("team").order_by("id"))
        memo = (_membership_changes, found)
        setattr(user, _MEMO, memo)
    return memo[1]


def user_is_admin(user: Any) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_superuser) or any(m.role == Role.ADMIN for m in user_memberships(user))


def user_team_ids(user: Any) -> list[int]:
    return [m.team_id for m in user_memberships(user)]


def user_roles(user: Any) -> set[str]:
    return {m.role for m in user_memberships(user)}


def user_team(user: Any, team_id: int | None = None) -> Team:
    """The team a new record belongs to: the one asked for (if the user is in it), else the user's first team."""
    memberships = user_memberships(user)
    if team_id is not None:
        memberships = [m for m in memberships if m.team_id == team_id]
        if not memberships:
            raise InvalidInput("You are not a member of that team.")
    if not memberships:
        raise InvalidInput("You are not a member of any team yet; ask an administrator to add you to one.")
    return memberships[0].team


def visible_to(queryset: QuerySet, user: Any, team_field: str = "team") -> QuerySet:
    """Filter any team-owned queryset down to what `user` may see."""
    if user_is_admin(user):
        return queryset
    return queryset.filter(**{f"{team_field}__in": user_team_ids(user)})


def runs_visible_to(user: Any) -> QuerySet[Run]:
    return visible_to(Run.objects.all(), user)


def run_get_visible(*, user: Any, run_id: UUID | str) -> Run:
    try:
        run = runs_visible_to(user).get(id=run_id)
    except (Run.DoesNotExist, ValueError):
        raise NotFound("No such run.") from None
    check = visibility_check_for(run.task)  # an app may narrow a task's runs to fewer people than the team
    if check is not None and not user_is_admin(user) and not check(run, user):
        raise NotFound("No such run.")
    return run


def photos_visible_to(user: Any) -> QuerySet[Photo]:
    if user_is_admin(user):
        return Photo.objects.all()
    return Photo.objects.filter(uploads__team__in=user_team_ids(user)).distinct()


def photo_get_visible(*, user: Any, sha256: str) -> Photo:
    photo = photos_visible_to(user).filter(sha256=sha256).first()
    if photo is None:
        raise NotFound("No such photo.")
    return photo


def photos_get_visible(*, user: Any, sha256s: list[str]) -> list[Photo]:
    """Photos in the order asked for; any unknown or foreign one is refused by name."""
    found = {p.sha256: p for p in photos_visible_to(user).filter(sha256__in=sha256s)}
    missing = [s for s in sha256s if s not in found]
    if missing:
        raise InvalidInput(f"Unknown photo: {missing[0]}.", details={"photos": missing})
    return [found[s] for s in sha256s]


def run_queue_position(run: Run) -> int | None:
    """1-based place among the runs waiting for the engine (None once it runs)."""
    if run.status != RunStatus.QUEUED:
        return None
    ahead = Run.objects.filter(status=RunStatus.QUEUED, priority__lte=run.priority, created_at__lt=run.created_at)
    return ahead.count() + 1


def runs_recent_for(user: Any, *, task: str | None = None, limit: int = 50) -> QuerySet[Run]:
    runs = runs_visible_to(user).filter(created_by=user)
    if task:
        runs = runs.filter(task=task)
    return runs.prefetch_related("photos")[:limit]
