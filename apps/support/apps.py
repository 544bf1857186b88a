from django.apps import AppConfig


class SupportConfig(AppConfig):
    name = "apps.support"
    label = "support"
    verbose_name = "Support"

    def ready(self) -> None:
        from apps.support import run_hooks, schemas  # noqa: F401  registers the tasks and their run hooks
