"""The one registry of environment variables the engine layer reads: name, type, default, one line of docs.

Django's settings may import these names; this module never imports Django. A wrong value fails at start-up with
a message naming the variable.
"""

from __future__ import annotations

import dataclasses
import os
import shlex
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PROJECT_DIR = Path(__file__).resolve().parents[2]

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


class SettingError(ValueError):
    """An environment variable holds a value the engine layer cannot use."""


def _bool(raw: str) -> bool:
    value = raw.lower()
    if value in _TRUE | _FALSE:
        return value in _TRUE
    raise ValueError("is not a boolean (use 1/0, true/false, yes/no, on/off)")


def _positive_int(raw: str) -> int:
    try:
        value = int(raw)
    except ValueError:
        raise ValueError("is not an integer") from None
    if value < 1:
        raise ValueError("must be at least 1")
    return value


def _port(raw: str) -> int:
    value = _positive_int(raw)
    if value > 65535:
        raise ValueError("is not a TCP port (1-65535)")
    return value


def _fraction(raw: str) -> float:
    try:
        value = float(raw)
    except ValueError:
        raise ValueError("is not a number") from None
    if not 0.05 <= value <= 1.0:
        raise ValueError("must be between 0.05 and 1.0")
    return value


def _args(raw: str) -> tuple[str, ...]:
    return tuple(shlex.split(raw))


def _path(raw: str) -> Path:
    return Path(raw).expanduser().resolve()


@dataclass(frozen=True)
class Variable:
    name: str
    parse: Callable[[str], Any]
    default: Any
    doc: str


# fmt: off
VARIABLES: dict[str, Variable] = {v.name: v for v in (
    Variable("VISIONDESK_MODEL", str, "",
             "Model to serve, a hub id or a local folder; wins over the automatic choice."),
    Variable("VISIONDESK_FP8", _bool, False,
             "Serve the official FP8 checkpoint on GPUs that run FP8 (compute capability 8.9+)."),
    Variable("VISIONDESK_MAX_MODEL_LEN", _positive_int, None,
             "Longest prompt plus answer, in tokens (default: 16384 on GPU, 8192 on CPU)."),
    Variable("VISIONDESK_GPU_MEMORY_UTILIZATION", _fraction, None,
             "Share of GPU memory vLLM may take (default: 0.90, less when the GPU is shared)."),
    Variable("VISIONDESK_MAX_NUM_SEQS", _positive_int, None,
             "Most requests decoded together (default: by GPU memory; 16 on CPU)."),
    Variable("VISIONDESK_MAX_NUM_BATCHED_TOKENS", _positive_int, None,
             "Tokens per engine step (default: vLLM's own)."),
    Variable("VISIONDESK_IMAGE_TOKENS_CAP", _positive_int, None,
             "Server-wide cap on visual tokens per image (default: 1280 on GPU, 1024 on CPU)."),
    Variable("VISIONDESK_IMAGES_PER_PROMPT", _positive_int, 4,
             "Most images in one prompt; video is always off."),
    Variable("VISIONDESK_CPU_KVCACHE_GIB", _positive_int, None,
             "KV cache on CPU, in GiB (default: 1 for the tiny model, a quarter of RAM otherwise)."),
    Variable("VISIONDESK_ENGINE_EXTRA_ARGS", _args, (),
             "More vLLM server arguments, appended verbatim (shell syntax)."),
    Variable("ENGINE_HOST", str, "127.0.0.1",
             "Address the engine listens on."),
    Variable("ENGINE_PORT", _port, 8100,
             "Port the engine listens on."),
    Variable("VISIONDESK_DATA_DIR", _path, PROJECT_DIR / "var",
             "Data folder: the tiny model, engine caches and logs live here."),
    Variable("VISIONDESK_SIMULATE_GPU", str, "",
             "Pretend GPUs for planning, e.g. 24GB, 80GB, 2x80GB, H100, H200 (never for serving)."),
)}
# fmt: on


def read(name: str, environ: Mapping[str, str] | None = None) -> Any:
    """The variable's typed value, or its default when unset or blank."""
    variable = VARIABLES[name]
    raw = (os.environ if environ is None else environ).get(name, "").strip()
    if not raw:
        return variable.default
    try:
        return variable.parse(raw)
    except ValueError as exc:
        raise SettingError(f"{name}={raw!r} {exc}") from None


@dataclass(frozen=True)
class EngineSettings:
    """What the operator asked for. `None` means: let the planner decide."""

    model: str = ""
    fp8: bool = False
    max_model_len: int | None = None
    gpu_memory_utilization: float | None = None
    max_num_seqs: int | None = None
    max_num_batched_tokens: int | None = None
    image_tokens_cap: int | None = None
    images_per_prompt: int = 4
    cpu_kvcache_gib: int | None = None
    extra_args: tuple[str, ...] = ()
    host: str = "127.0.0.1"
    port: int = 8100
    data_dir: Path = PROJECT_DIR / "var"
    simulate_gpu: str = ""

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> EngineSettings:
        """Every field from its variable; keyword overrides (e.g. from Django settings) win."""
        values = {field: read(name, environ) for field, name in FIELD_VARIABLES.items()}
        return cls(**{**values, **overrides})

    def replace(self, **changes: Any) -> EngineSettings:
        return dataclasses.replace(self, **changes)


FIELD_VARIABLES: dict[str, str] = {
    "model": "VISIONDESK_MODEL",
    "fp8": "VISIONDESK_FP8",
    "max_model_len": "VISIONDESK_MAX_MODEL_LEN",
    "gpu_memory_utilization": "VISIONDESK_GPU_MEMORY_UTILIZATION",
    "max_num_seqs": "VISIONDESK_MAX_NUM_SEQS",
    "max_num_batched_tokens": "VISIONDESK_MAX_NUM_BATCHED_TOKENS",
    "image_tokens_cap": "VISIONDESK_IMAGE_TOKENS_CAP",
    "images_per_prompt": "VISIONDESK_IMAGES_PER_PROMPT",
    "cpu_kvcache_gib": "VISIONDESK_CPU_KVCACHE_GIB",
    "extra_args": "VISIONDESK_ENGINE_EXTRA_ARGS",
    "host": "ENGINE_HOST",
    "port": "ENGINE_PORT",
    "data_dir": "VISIONDESK_DATA_DIR",
    "simulate_gpu": "VISIONDESK_SIMULATE_GPU",
}
