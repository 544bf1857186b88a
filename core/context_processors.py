from typing import Any

from django.http import HttpRequest

from core.engine import engine_info
from core.roles import apps_for


def engine_banner(request: HttpRequest) -> dict[str, Any]:
    """Every page says plainly when the engine is down or serves the meaningless tiny test model."""
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    return {"engine": engine_info()}


def app_access(request: HttpRequest) -> dict[str, Any]:
    """`may_use.<app>` in every template, so the nav shows only the apps the person may open."""
    return {"may_use": apps_for(getattr(request, "user", None))}
