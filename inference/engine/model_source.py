"""Which model the engine serves, and where it comes from: a configured one, a Qwen3-VL size, or the tiny model."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import httpx

from inference.engine.machine import Machine
from inference.engine.settings import EngineSettings
from inference.tiny.build import MARKER as TINY_MARKER
from inference.tiny.build import build_tiny_model, is_complete

TINY_SERVED_NAME = "visiondesk/tiny-qwen3-vl"
QWEN3_VL = "Qwen/Qwen3-VL-{size}-Instruct"
MIN_GIB_FOR_4B = 20.0  # 4B in bf16 is ~9 GiB of weights; the rest is KV cache and image activations
FP8_MIN_CAPABILITY = (8, 9)
HUB_TIMEOUT_S = 3.0
_HUB_ID = re.compile(r"^[\w.-]+/[\w.-]+$")

# Answers True/False when the hub answered, None when it did not (offline, timeout, error).
HubProbe = Callable[[str], bool | None]


class ModelSourceError(RuntimeError):
    """The model to serve cannot be made ready."""


@dataclass(frozen=True)
class ModelChoice:
    model: str  # what --model gets: a hub id or a local folder
    served_name: str
    tiny: bool
    reason: str
    fp8: bool = False
    hub_online: bool = False  # the hub answered, so the engine may download
    hub_cache: Path | None = None  # the Hugging Face cache that holds the model
    wanted: str = ""  # when the tiny model stands in: the model that would have been served
    wanted_why: str = ""


def tiny_model_dir(data_dir: Path) -> Path:
    return data_dir / "models" / "tiny-qwen3-vl"


def hub_has_model(model_id: str, environ: Mapping[str, str] | None = None) -> bool | None:
    """Ask the hub about one model, briefly; any failure to answer is None, never an exception."""
    endpoint = (environ or os.environ).get("HF_ENDPOINT", "https://huggingface.co").rstrip("/")
    try:
        response = httpx.get(f"{endpoint}/api/models/{model_id}", timeout=HUB_TIMEOUT_S, follow_redirects=True)
    except httpx.HTTPError:
        return None
    if response.status_code == 200:
        return True
    return False if response.status_code in (401, 403, 404) else None


def hub_offline(environ: Mapping[str, str]) -> bool:
    return environ.get("HF_HUB_OFFLINE", "").strip().lower() in {"1", "true", "yes", "on"}


def hub_caches(data_dir: Path, environ: Mapping[str, str]) -> list[Path]:
    """Every Hugging Face hub cache a model may already be in, the configured ones first."""
    caches = []
    if environ.get("HF_HUB_CACHE"):
        caches.append(Path(environ["HF_HUB_CACHE"]))
    if environ.get("HF_HOME"):
        caches.append(Path(environ["HF_HOME"]) / "hub")
    xdg = Path(environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    caches += [xdg / "huggingface" / "hub", data_dir / "huggingface" / "hub"]
    return list(dict.fromkeys(path.expanduser() for path in caches))


def cached_snapshot(model_id: str, caches: list[Path]) -> Path | None:
    """The snapshot the engine would load offline (refs/main), when it has a config and weights."""
    for cache in caches:
        repo = cache / f"models--{model_id.replace('/', '--')}"
        try:
            snapshot = repo / "snapshots" / (repo / "refs" / "main").read_text().strip()
        except OSError:
            continue
        if (snapshot / "config.json").is_file() and any(snapshot.glob("*.safetensors")):
            return snapshot
    return None


def choose_model(
    machine: Machine,
    settings: EngineSettings,
    *,
    environ: Mapping[str, str] | None = None,
    probe: HubProbe = hub_has_model,
) -> ModelChoice:
    """The configured model when it resolves; else a Qwen3-VL size that fits; else the tiny model."""
    env = os.environ if environ is None else environ
    if settings.model:
        return _configured(settings, env, probe)
    candidates, why = _candidates(machine, settings)
    # The CPU plan never downloads: a 2B download would take long and then run very slowly.
    return _first_available(candidates, why, settings, env, probe if machine.gpus else None)


def _configured(settings: EngineSettings, environ: Mapping[str, str], probe: HubProbe) -> ModelChoice:
    path = Path(settings.model).expanduser()
    if path.exists() or not _HUB_ID.match(settings.model):
        if not (path / "config.json").is_file():
            return _tiny(settings, f"the configured model folder {path} has no config.json")
        folder = path.resolve()
        tiny = (folder / TINY_MARKER).is_file()
        name = TINY_SERVED_NAME if tiny else _served_name_for(folder)
        return ModelChoice(str(folder), name, tiny, "configured (VISIONDESK_MODEL): a local folder")
    return _first_available([settings.model], "configured (VISIONDESK_MODEL)", settings, environ, probe)


def _served_name_for(folder: Path) -> str:
    """A folder inside a hub cache is served under its hub id; any other folder under its own name."""
    for part in folder.parts:
        if part.startswith("models--"):
            return part.removeprefix("models--").replace("--", "/", 1)
    return folder.name


def _candidates(machine: Machine, settings: EngineSettings) -> tuple[list[str], str]:
    if not machine.gpus:
        return [QWEN3_VL.format(size="2B")], "CPU: the 2B model, only if already downloaded"
    gpu = min(machine.gpus, key=lambda g: g.free_bytes)
    if gpu.free_gib >= MIN_GIB_FOR_4B:
        sizes, why = ["4B", "2B"], f"4B: {gpu.free_gib:.0f} GiB free >= {MIN_GIB_FOR_4B:.0f}"
    else:
        sizes, why = ["2B"], f"2B: {gpu.free_gib:.0f} GiB free < {MIN_GIB_FOR_4B:.0f} for 4B"
    fp8 = settings.fp8 and gpu.compute_capability >= FP8_MIN_CAPABILITY
    if fp8:
        why += "; FP8 checkpoint (VISIONDESK_FP8=1)"
    elif settings.fp8:
        why += f"; no FP8: compute capability {_cc(gpu.compute_capability)} < {_cc(FP8_MIN_CAPABILITY)}"
    names = [QWEN3_VL.format(size=size) for size in sizes]
    return [variant for name in names for variant in ([f"{name}-FP8", name] if fp8 else [name])], why


def _cc(capability: tuple[int, int]) -> str:
    return f"{capability[0]}.{capability[1]}"


def _first_available(
    candidates: list[str], why: str, settings: EngineSettings, environ: Mapping[str, str], probe: HubProbe | None
) -> ModelChoice:
    caches = hub_caches(settings.data_dir, environ)
    for model in candidates:
        snapshot = cached_snapshot(model, caches)
        if snapshot is not None:
            cache = snapshot.parents[2]
            return ModelChoice(model, model, False, f"{why}; in the local cache", model.endswith("-FP8"), False, cache)
    on_hub, missing = _on_hub(candidates, environ, probe)
    if on_hub is not None:
        return ModelChoice(on_hub, on_hub, False, f"{why}; downloaded from the hub", on_hub.endswith("-FP8"), True)
    return _tiny(settings, f"{candidates[0]} {missing}", wanted=candidates[0], wanted_why=why)


def _on_hub(candidates: list[str], environ: Mapping[str, str], probe: HubProbe | None) -> tuple[str | None, str]:
    """The first candidate the hub has; or None and why none can be had."""
    if probe is None:
        return None, "is not in the local Hugging Face cache"
    if hub_offline(environ):
        return None, "is not in the local cache and HF_HUB_OFFLINE=1"
    for model in candidates:
        answer = probe(model)
        if answer is None:
            return None, "is not in the local cache and the hub does not answer"
        if answer:
            return model, ""
    return None, "is not on the hub"


def _tiny(settings: EngineSettings, why: str, *, wanted: str = "", wanted_why: str = "") -> ModelChoice:
    folder = tiny_model_dir(settings.data_dir)
    reason = f"{why}: tiny random model, answers are meaningless"
    return ModelChoice(str(folder), TINY_SERVED_NAME, True, reason, wanted=wanted, wanted_why=wanted_why)


def model_folder(choice: ModelChoice) -> Path | None:
    """The folder holding the model's files, when they are on this machine."""
    if choice.hub_cache is not None:
        return cached_snapshot(choice.model, [choice.hub_cache])
    folder = Path(choice.model)
    return folder if folder.is_absolute() and folder.is_dir() else None


def context_length(folder: Path | None) -> int | None:
    """The longest sequence the model's config allows, when its config can be read."""
    if folder is None:
        return None
    try:
        config = json.loads((folder / "config.json").read_text())
    except (OSError, ValueError):
        return None
    text_config = config.get("text_config") or config
    value = text_config.get("max_position_embeddings")
    return value if isinstance(value, int) and value > 0 else None


def tiny_model_missing(folder: Path) -> bool:
    """True when the folder lacks a complete build of the current tiny model (building takes a few seconds)."""
    return not is_complete(folder)


def ensure_tiny_model(folder: Path) -> Path:
    """Build the tiny model once; later starts reuse the folder (rebuilt only when the builder changes)."""
    try:
        return build_tiny_model(folder)
    except OSError as exc:
        raise ModelSourceError(f"the tiny model cannot be built in {folder}: {exc}") from None
