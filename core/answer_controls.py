"""The page's controls in the user's words, mapped to sampling parameters and answer lengths."""

from __future__ import annotations

from django.db import models

from inference.protocol import Sampling


class Activity(models.TextChoices):
    STRICT = "strict", "Strict: read exactly what is there"
    BALANCED = "balanced", "Balanced"
    CREATIVE = "creative", "Creative: suggest and interpret more freely"


class AnswerLength(models.TextChoices):
    SENTENCE = "sentence", "One sentence"
    FULL = "full", "Full description"
    DEEP = "deep", "Deep analysis"


SAMPLING_FOR_ACTIVITY = {
    Activity.STRICT: Sampling(temperature=0.1, top_p=0.5, top_k=5, presence_penalty=0.0),
    Activity.BALANCED: Sampling(),  # Qwen's recommended Instruct defaults
    Activity.CREATIVE: Sampling(temperature=1.0, top_p=0.95, top_k=40, presence_penalty=1.5),
}

MAX_TOKENS_FOR_LENGTH = {AnswerLength.SENTENCE: 64, AnswerLength.FULL: 400, AnswerLength.DEEP: 1200}


def sampling_params(activity: str) -> dict[str, float | int | None]:
    sampling = SAMPLING_FOR_ACTIVITY[Activity(activity)]
    return {
        "temperature": sampling.temperature,
        "top_p": sampling.top_p,
        "top_k": sampling.top_k,
        "presence_penalty": sampling.presence_penalty,
        "seed": sampling.seed,
    }
