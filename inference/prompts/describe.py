"""The generic task: answer a question about one or more photos, in free text."""

from inference.prompts.template import TaskTemplate, register_template

DESCRIBE = register_template(
    TaskTemplate(
        name="describe",
        title="Ask about photos",
        version=1,
        system=(
            "You are VisionDesk, a careful visual assistant. Answer from what is visible in the photos. "
            "Say when something cannot be read or is uncertain. Be concise and concrete."
        ),
        user="{question}",
        max_tokens=512,
        image_tokens=1024,
    )
)
