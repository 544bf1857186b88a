from django.apps import AppConfig


class TutoringConfig(AppConfig):
    name = "apps.tutoring"
    label = "tutoring"
    verbose_name = "Tutoring"

    def ready(self) -> None:
        # Task templates, what finished runs become, and who may watch the runs: registered on import.
        from apps.tutoring import schemas, selectors, services  # noqa: F401
        from core.roles import assign_tasks

        assign_tasks("tutoring", schemas.TRANSCRIBE_TASK, schemas.EXPLAIN_TASK)
