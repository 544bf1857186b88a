"""Every URL the project serves, walked from the URL resolver, with its parameters filled from real objects."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver

# Reachable without logging in, on purpose.
PUBLIC = {
    "login",  # the login form
    "health",  # load balancers and the engine banner
    "api-schema",  # the API's description; every operation in it still needs a login
    "api-token",  # exchanging a password for a token
}
# Django's admin has its own login and permission checks (is_staff), tested by Django itself.
SKIPPED_PREFIXES = ("admin/",)


@dataclass(frozen=True)
class Route:
    pattern: str  # "runs/<uuid:run_id>/"
    name: str
    kwargs: dict[str, Any]

    @property
    def params(self) -> list[str]:
        return re.findall(r"<(?:\w+:)?(\w+)>", self.pattern)

    def url(self, values: dict[str, Any]) -> str | None:
        """The path with each <param> replaced from `values` (by name, without `_id`); None if one is unknown."""
        path = self.pattern
        for param in self.params:
            value = values.get(param.removesuffix("_id"), values.get(param))
            if value is None:
                return None
            path = re.sub(rf"<(?:\w+:)?{param}>", str(value), path)
        return "/" + path


def _walk(patterns: list[Any], prefix: str = "") -> list[Route]:
    routes = []
    for entry in patterns:
        if isinstance(entry, URLResolver):
            routes += _walk(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            routes.append(Route(prefix + str(entry.pattern), entry.name or "", entry.default_args))
    return routes


def all_routes() -> list[Route]:
    routes = _walk(get_resolver().url_patterns)
    return [r for r in routes if not r.pattern.startswith(SKIPPED_PREFIXES) and "(?P<" not in r.pattern]


def private_routes() -> list[Route]:
    return [r for r in all_routes() if r.name not in PUBLIC and r.name != "logout"]


def missing_ids(route: Route) -> dict[str, Any]:
    """Values for the route's parameters that name no record at all."""
    values: dict[str, Any] = {}
    for param in route.params:
        if f"uuid:{param}" in route.pattern:
            value: Any = "00000000-0000-4000-8000-000000000000"
        else:
            value = "0" * 64 if param == "sha256" else 987654
        values[param.removesuffix("_id")] = value
    return values
