"""A tiny, randomly initialised, real Qwen3-VL model for tests and offline demos."""

from inference.tiny.build import build_tiny_model

__all__ = ["build_tiny_model"]
