"""Task templates as data: each task has a name, a version, its prompts, a bounded JSON schema and a pixel budget."""

from inference.prompts import describe as _describe  # noqa: F401  registers the template
from inference.prompts.template import TaskTemplate, get_template, register_template, registered_templates

__all__ = ["TaskTemplate", "get_template", "register_template", "registered_templates"]
