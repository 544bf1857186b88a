"""Follow-up questions in a conversation about photos, and the one-line photo descriptions it relies on."""

from inference.prompts.template import TaskTemplate, register_template
from inference.protocol import Sampling

FOLLOWUP = register_template(
    TaskTemplate(
        name="followup",
        title="Follow-up question",
        version=1,
        system=(
            "You are VisionDesk, a careful visual assistant in a conversation about photos. Photos are numbered "
            "in the order they were added. The most recent ones are attached as images; older ones appear as "
            "short descriptions in square brackets. Answer the latest question from what is visible and from the "
            "conversation so far. Say which photo you mean, and say when something cannot be seen or read."
        ),
        user="{question}",
        max_tokens=400,
        image_tokens=1024,  # the same variant the generic task sends, so resized photos are shared
    )
)

PHOTO_CAPTION = register_template(
    TaskTemplate(
        name="photo_caption",
        title="Describe a photo in one line",
        version=1,
        system=(
            "You index photos. Describe the photo in one short line: the main objects, any labels, tags or "
            "readings, and anything unusual. No full sentences, no preamble."
        ),
        user="One line, at most 15 words.",
        max_tokens=40,
        image_tokens=256,  # a cheap look: a caption needs no fine detail
        sampling=Sampling(temperature=0.2, top_p=0.8, top_k=20, presence_penalty=0.0),
    )
)
