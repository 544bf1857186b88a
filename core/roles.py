"""Who may use which part of VisionDesk: one table of apps and roles, checked the same way by pages and APIs.

Pages:  @role_required("inspection")                      (a logged-in user without the role gets a 403 page)
APIs:   permission_classes = [app_permission("inspection")] (403 in the core error shape)
Nav:    {% if may_use.inspection %} in templates (core.context_processors.app_access)
Records stay filtered by team through core.selectors.visible_to; this module only decides access to an app.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from rest_framework.permissions import BasePermission

from core.models import Role
from core.run_hooks import done_handler_for, request_builder_for
from core.selectors import user_is_admin, user_roles

EVERYONE = "everyone"
APP_ROLES: dict[str, frozenset[str]] = {
    "ask": frozenset({EVERYONE}),
    "batches": frozenset({EVERYONE}),
    "inspection": frozenset({Role.INSPECTOR, Role.TEAM_LEAD, Role.ADMIN}),
    "support": frozenset({Role.SUPPORT_AGENT, Role.TEAM_LEAD, Role.ADMIN}),
    "tutoring": frozenset({Role.TEACHER, Role.TEAM_LEAD, Role.ADMIN}),
    "ops": frozenset({Role.ADMIN}),
}
APP_TITLES = {
    "ask": "Ask about photos",
    "batches": "Batch jobs",
    "inspection": "Inspection",
    "support": "Support",
    "tutoring": "Tutoring",
    "ops": "Operations",
}
_task_apps: dict[str, str] = {}


def user_may_use(user: Any, app: str) -> bool:
    """True when `user` is logged in and one of their roles (in any team) opens `app`; admins open everything."""
    if not getattr(user, "is_authenticated", False):
        return False
    allowed = APP_ROLES[app]
    if EVERYONE in allowed or user_is_admin(user):
        return True
    return bool(user_roles(user) & allowed)


def apps_for(user: Any) -> dict[str, bool]:
    """Every app with whether `user` may use it (two queries, whatever the number of apps)."""
    if not getattr(user, "is_authenticated", False):
        return dict.fromkeys(APP_ROLES, False)
    admin, roles = user_is_admin(user), user_roles(user)
    return {app: admin or EVERYONE in allowed or bool(roles & allowed) for app, allowed in APP_ROLES.items()}


def who_may_use(app: str) -> str:
    """'inspectors, team leads and admins': said to people who are refused."""
    allowed = APP_ROLES[app]
    if EVERYONE in allowed:
        return "everyone"
    names = [f"{label.lower()}s" for value, label in Role.choices if value in allowed]
    return ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else names[0]


def refusal_message(app: str) -> str:
    return f"{APP_TITLES.get(app, app)} is for {who_may_use(app)}. Ask an administrator for that role."


def role_required(app: str) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Page decorator: anonymous users go to the login page; users without a role for `app` get a 403 page."""
    if app not in APP_ROLES:
        raise ValueError(f"unknown app {app!r}; known: {sorted(APP_ROLES)}")

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not user_may_use(request.user, app):
                context = {"message": refusal_message(app)}
                return render(request, "core/forbidden.html", context, status=403)
            return view(request, *args, **kwargs)

        return login_required(wrapped)

    return decorate


class AppPermission(BasePermission):
    """DRF permission for one app; build one with app_permission("inspection")."""

    app = "ask"
    code = "forbidden"

    @property
    def message(self) -> str:  # type: ignore[override]
        return refusal_message(self.app)

    def has_permission(self, request: Any, view: Any) -> bool:
        return user_may_use(request.user, self.app)


@functools.cache
def app_permission(app: str) -> type[AppPermission]:
    if app not in APP_ROLES:
        raise ValueError(f"unknown app {app!r}; known: {sorted(APP_ROLES)}")
    return type(f"{app.title()}Permission", (AppPermission,), {"app": app})


def assign_tasks(app: str, *tasks: str) -> None:
    """Say which app a task belongs to, so generic endpoints (runs, batches) apply that app's roles to it."""
    for task in tasks:
        _task_apps[task] = app


def task_app(task: str) -> str:
    """The app whose roles a task needs: as assigned, else the app that registered the task's hooks, else 'ask'."""
    if task in _task_apps:
        return _task_apps[task]
    for hook in (done_handler_for(task), request_builder_for(task)):
        parts = (getattr(hook, "__module__", "") or "").split(".")
        if len(parts) > 1 and parts[0] == "apps" and parts[1] in APP_ROLES:
            return parts[1]
    return "ask"


def user_may_use_task(user: Any, task: str) -> bool:
    return user_may_use(user, task_app(task))
