from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "VisionDesk core"

    def ready(self) -> None:
        from core import login_throttle  # noqa: F401  connects the failed-login counters
        from core.conversations import hooks  # noqa: F401  registers the follow-up and table tasks' run hooks
