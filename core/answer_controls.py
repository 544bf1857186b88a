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


class PhotoDetail(models.TextChoices):
    OVERVIEW = "overview", "Overview: the scene at a glance (fastest)"
    STANDARD = "standard", "Standard"
    FULL = "full", "Full detail: small print, digits and gauges"


# Visual tokens per photo; FULL is the task's own budget. Fewer tokens per photo were the one change that raised
# a GPU's throughput on the standard mix (bench/engine_profiles.py: about 1.25x on an H200 with a quarter to a
# half of the tokens for the questions that read no small print).
IMAGE_TOKENS_FOR_DETAIL = {PhotoDetail.OVERVIEW: 256, PhotoDetail.STANDARD: 512}

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


def image_tokens_for(detail: str) -> int | None:
    """The photo budget the person asked for, or None for the task's own."""
    return IMAGE_TOKENS_FOR_DETAIL.get(PhotoDetail(detail))
