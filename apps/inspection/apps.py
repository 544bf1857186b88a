from django.apps import AppConfig


class InspectionConfig(AppConfig):
    name = "apps.inspection"
    label = "inspection"
    verbose_name = "Inspection"

    def ready(self) -> None:
        # Register the inspection_report template and its run hooks.
        from apps.inspection import schemas, services  # noqa: F401
