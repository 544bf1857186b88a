from django.apps import AppConfig


class InspectionConfig(AppConfig):
    name = "apps.inspection"
    label = "inspection"
