"""OpenAPI component names that stay unique across the project.

Every API view keeps its serializers inside it (`RunCreateApi.InputSerializer`), so the class name alone ("Input")
collides between views and apps, and the schema would describe one endpoint's body for another's. Components are
named after the enclosing view and, for apps, the app: "RunCreateInput", "InspectionFindingOutput".
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema


class AutoSchema(SpectacularAutoSchema):
    def get_serializer_name(self, serializer: Any, direction: str) -> str:
        cls = serializer.__class__
        name = cls.__qualname__.replace("Api.", "").replace(".", "")
        module = cls.__module__.split(".")
        if module[0] == "apps" and len(module) > 1 and not name.lower().startswith(module[1]):
            name = module[1].title() + name
        return name
