from typing import Any

from django.http import HttpRequest

from core.engine import engine_info


def engine_banner(request: HttpRequest) -> dict[str, Any]:
    """Every page says plainly when the engine is down or serves the meaningless tiny test model."""
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    return {"engine": engine_info()}
