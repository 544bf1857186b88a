"""The audit log: one line per thing a person did to a record. Apps call audit_record from their services."""

from __future__ import annotations

from typing import Any

from django.db import models

from core.models import AuditEvent, Team


def _target_fields(target: Any) -> dict[str, str]:
    if target is None:
        return {"target_type": "", "target_id": "", "target_repr": ""}
    if isinstance(target, models.Model):
        return {
            "target_type": target._meta.label_lower,
            "target_id": str(target.pk),
            "target_repr": str(target)[:200],
        }
    return {"target_type": "", "target_id": "", "target_repr": str(target)[:200]}


def _team_of(target: Any, team: Team | None) -> Team | None:
    if team is not None:
        return team
    candidate = getattr(target, "team", None) if isinstance(target, models.Model) else None
    return candidate if isinstance(candidate, Team) else None


def audit_record(
    *,
    actor: Any,
    action: str,
    target: Any = None,
    details: dict[str, Any] | None = None,
    team: Team | None = None,
) -> AuditEvent:
    """Record that `actor` did `action` ("report.approve") to `target` (a model instance, or a short text).

    The team defaults to `target.team`, so team leads can later be shown their team's events. `details` must be
    JSON-serialisable and small (ids, changed field names, an export's format), never whole documents.
    """
    user = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEvent.objects.create(
        actor=user,
        actor_name=user.get_username() if user is not None else "",
        action=action[:64],
        team=_team_of(target, team),
        details=details or {},
        **_target_fields(target),
    )
