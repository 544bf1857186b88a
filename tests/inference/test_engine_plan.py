"""The engine plan: which model, which precision, which flags, for which machine. Pure: nothing starts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from inference.engine.machine import GiB, Gpu, GpuSpecError, Machine, parse_gpu_spec
from inference.engine.model_source import TINY_MARKER, TINY_SERVED_NAME
from inference.engine.plan import EnginePlan, plan_engine
from inference.engine.settings import VARIABLES, EngineSettings, SettingError, read

QWEN_2B = "Qwen/Qwen3-VL-2B-Instruct"
QWEN_4B = "Qwen/Qwen3-VL-4B-Instruct"
CPU = Machine(gpus=(), cpu_cores=2, ram_bytes=24 * GiB, cpu_bf16=False)


def hub_down(model: str) -> bool | None:
    return None


def hub_has_everything(model: str) -> bool | None:
    return True


def hub_never_asked(model: str) -> bool | None:
    raise AssertionError("the hub must not be asked")


@pytest.fixture
def environ(tmp_path: Path) -> dict[str, str]:
    """An environment with empty Hugging Face caches of its own."""
    return {"XDG_CACHE_HOME": str(tmp_path / "xdg"), "HF_HOME": str(tmp_path / "hf")}


@pytest.fixture
def settings(tmp_path: Path) -> EngineSettings:
    return EngineSettings(data_dir=tmp_path / "data")


def gpus(spec: str) -> Machine:
    return Machine(gpus=parse_gpu_spec(spec), cpu_cores=16, ram_bytes=128 * GiB, cpu_bf16=True, simulated=True)


def cache_model(cache: Path, model_id: str, config: dict | None = None) -> Path:
    """A Hugging Face cache entry as the hub client writes it: refs/main -> snapshot with config and weights."""
    repo = cache / f"models--{model_id.replace('/', '--')}"
    snapshot = repo / "snapshots" / "abc123"
    snapshot.mkdir(parents=True)
    (snapshot / "config.json").write_text(json.dumps(config or {"model_type": "qwen3_vl"}))
    (snapshot / "model.safetensors").write_bytes(b"")
    (repo / "refs").mkdir()
    (repo / "refs" / "main").write_text("abc123")
    return snapshot


def flag(plan: EnginePlan, name: str) -> str:
    argv = plan.argv()
    return argv[argv.index(name) + 1]


def test_the_cpu_plan_serves_the_tiny_model_when_nothing_is_configured_or_cached(settings, environ):
    plan = plan_engine(CPU, settings, environ=environ, probe=hub_never_asked)
    assert plan.device == "cpu"
    assert plan.tiny
    assert plan.served_name == TINY_SERVED_NAME
    assert plan.model == str(settings.data_dir / "models" / "tiny-qwen3-vl")
    assert "meaningless" in plan.model_reason
    assert plan.dtype == "float32"  # this CPU has no bf16
    assert plan.env()["HF_HUB_OFFLINE"] == "1"
    assert plan.env()["VLLM_CPU_KVCACHE_SPACE"] == "1"
    assert plan.max_num_seqs == 16
    assert "--gpu-memory-utilization" not in plan.argv()


def test_the_cpu_plan_serves_2b_when_it_is_already_cached(settings, environ, tmp_path):
    cache_model(tmp_path / "hf" / "hub", QWEN_2B)
    plan = plan_engine(CPU, settings, environ=environ, probe=hub_never_asked)
    assert (plan.model, plan.served_name, plan.tiny) == (QWEN_2B, QWEN_2B, False)
    assert plan.env()["HF_HUB_CACHE"] == str(tmp_path / "hf" / "hub")
    assert plan.env()["HF_HUB_OFFLINE"] == "1"
    assert plan.env()["VLLM_CPU_KVCACHE_SPACE"] == "6"  # a quarter of 24 GiB


def test_a_cpu_with_bf16_computes_in_bf16(settings, environ):
    machine = Machine(gpus=(), cpu_cores=8, ram_bytes=64 * GiB, cpu_bf16=True)
    assert plan_engine(machine, settings, environ=environ, probe=hub_down).dtype == "bfloat16"


def test_a_24gb_gpu_gets_4b_because_it_has_more_than_20_gib(settings, environ):
    plan = plan_engine(gpus("24GB"), settings, environ=environ, probe=hub_has_everything)
    assert (plan.model, plan.tiny, plan.device) == (QWEN_4B, False, "cuda")
    assert plan.max_num_seqs == 128
    assert "HF_HUB_OFFLINE" not in plan.env()  # the engine downloads it


def test_a_16gb_gpu_gets_2b_and_an_old_one_computes_in_fp16(settings, environ):
    assert plan_engine(gpus("16GB"), settings, environ=environ, probe=hub_has_everything).model == QWEN_2B
    plan = plan_engine(gpus("T4"), settings, environ=environ, probe=hub_has_everything)
    assert (plan.model, plan.dtype) == (QWEN_2B, "float16")


def test_an_80gb_gpu_gets_4b_in_bf16_with_the_server_flags(settings, environ):
    plan = plan_engine(gpus("80GB"), settings, environ=environ, probe=hub_has_everything)
    assert (plan.model, plan.served_name, plan.dtype) == (QWEN_4B, QWEN_4B, "bfloat16")
    assert plan.quantization is None
    assert flag(plan, "--max-model-len") == "16384"
    assert flag(plan, "--max-num-seqs") == "256"
    assert flag(plan, "--gpu-memory-utilization") == "0.90"
    assert flag(plan, "--scheduling-policy") == "priority"
    assert flag(plan, "--generation-config") == "vllm"
    assert "--data-parallel-size" not in plan.argv()


def test_the_server_flags_carry_valid_json(settings, environ):
    plan = plan_engine(gpus("80GB"), settings, environ=environ, probe=hub_has_everything)
    assert json.loads(flag(plan, "--structured-outputs-config")) == {
        "backend": "xgrammar",
        "disable_any_whitespace": True,
    }
    assert json.loads(flag(plan, "--limit-mm-per-prompt")) == {"image": 4, "video": 0}
    size = json.loads(flag(plan, "--mm-processor-kwargs"))["size"]
    assert size["longest_edge"] == 1280 * 32 * 32
    assert 0 < size["shortest_edge"] < size["longest_edge"]


def test_two_80gb_gpus_run_one_replica_each(settings, environ):
    plan = plan_engine(gpus("2x80GB"), settings, environ=environ, probe=hub_has_everything)
    assert plan.data_parallel_size == 2
    assert flag(plan, "--data-parallel-size") == "2"


def test_tensor_parallel_in_the_extra_args_turns_data_parallel_off(settings, environ):
    settings = settings.replace(extra_args=("--tensor-parallel-size", "2"))
    plan = plan_engine(gpus("2x80GB"), settings, environ=environ, probe=hub_has_everything)
    assert plan.data_parallel_size == 1
    assert plan.argv()[-2:] == ["--tensor-parallel-size", "2"]


@pytest.mark.parametrize("machine", [CPU, gpus("80GB")], ids=["cpu", "gpu"])
def test_a_configured_local_folder_always_wins(settings, environ, tmp_path, machine):
    folder = tmp_path / "my-model"
    folder.mkdir()
    (folder / "config.json").write_text("{}")
    plan = plan_engine(machine, settings.replace(model=str(folder)), environ=environ, probe=hub_never_asked)
    assert (plan.model, plan.served_name, plan.tiny) == (str(folder), "my-model", False)


def test_a_configured_tiny_model_folder_is_served_as_the_tiny_model(settings, environ, tmp_path):
    folder = tmp_path / "tiny"
    folder.mkdir()
    (folder / "config.json").write_text("{}")
    (folder / TINY_MARKER).write_text("{}")
    plan = plan_engine(CPU, settings.replace(model=str(folder)), environ=environ, probe=hub_never_asked)
    assert (plan.model, plan.served_name, plan.tiny, plan.enforce_eager) == (str(folder), TINY_SERVED_NAME, True, True)


def test_a_configured_folder_inside_a_hub_cache_is_served_under_its_hub_id(settings, environ, tmp_path):
    snapshot = cache_model(tmp_path / "elsewhere", "Qwen/Qwen3-VL-8B-Instruct")
    plan = plan_engine(CPU, settings.replace(model=str(snapshot)), environ=environ, probe=hub_never_asked)
    assert plan.served_name == "Qwen/Qwen3-VL-8B-Instruct"


def test_a_configured_hub_model_is_served_when_the_hub_has_it(settings, environ):
    configured = settings.replace(model="Qwen/Qwen3-VL-8B-Instruct")
    plan = plan_engine(gpus("24GB"), configured, environ=environ, probe=hub_has_everything)
    assert (plan.model, plan.tiny) == ("Qwen/Qwen3-VL-8B-Instruct", False)


def test_a_configured_model_that_cannot_be_had_falls_back_to_tiny_with_the_reason(settings, environ):
    configured = settings.replace(model="Qwen/Qwen3-VL-8B-Instruct")
    plan = plan_engine(gpus("80GB"), configured, environ=environ, probe=hub_down)
    assert plan.tiny
    assert "Qwen/Qwen3-VL-8B-Instruct" in plan.model_reason
    assert "the hub does not answer" in plan.model_reason


def test_a_gpu_without_the_model_or_the_hub_serves_tiny_and_says_what_it_wanted(settings, environ):
    plan = plan_engine(gpus("80GB"), settings, environ=environ, probe=hub_down)
    assert plan.tiny
    assert plan.wanted_model == QWEN_4B
    assert QWEN_4B in plan.table()


def test_hf_hub_offline_means_the_hub_is_never_asked(settings, environ):
    environ["HF_HUB_OFFLINE"] = "1"
    plan = plan_engine(gpus("80GB"), settings, environ=environ, probe=hub_never_asked)
    assert plan.tiny
    assert "HF_HUB_OFFLINE" in plan.model_reason


def test_fp8_is_served_on_hopper_when_configured(settings, environ):
    plan = plan_engine(gpus("H100"), settings.replace(fp8=True), environ=environ, probe=hub_has_everything)
    assert (plan.model, plan.quantization, plan.dtype) == (f"{QWEN_4B}-FP8", "fp8", "bfloat16")


def test_fp8_is_not_served_unless_configured(settings, environ):
    plan = plan_engine(gpus("H200"), settings, environ=environ, probe=hub_has_everything)
    assert (plan.model, plan.quantization) == (QWEN_4B, None)


def test_fp8_is_not_served_on_ampere_even_when_configured(settings, environ):
    plan = plan_engine(gpus("A100"), settings.replace(fp8=True), environ=environ, probe=hub_has_everything)
    assert (plan.model, plan.quantization) == (QWEN_4B, None)
    assert "8.0 < 8.9" in plan.table()


def test_fp8_falls_back_to_the_cached_bf16_checkpoint(settings, environ, tmp_path):
    cache_model(tmp_path / "hf" / "hub", QWEN_4B)
    plan = plan_engine(gpus("H100"), settings.replace(fp8=True), environ=environ, probe=hub_down)
    assert (plan.model, plan.quantization, plan.tiny) == (QWEN_4B, None, False)


def test_a_shared_gpu_gets_a_smaller_memory_share(settings, environ):
    shared = Gpu("NVIDIA H100", 80 * GiB, 40 * GiB, (9, 0))
    machine = Machine(gpus=(shared,), cpu_cores=16, ram_bytes=128 * GiB, cpu_bf16=True)
    plan = plan_engine(machine, settings, environ=environ, probe=hub_has_everything)
    assert plan.gpu_memory_utilization == pytest.approx(0.45)
    assert "shared" in plan.table()


def test_the_context_never_exceeds_what_the_model_config_allows(settings, environ, tmp_path):
    cache_model(tmp_path / "hf" / "hub", QWEN_2B, {"text_config": {"max_position_embeddings": 4096}})
    assert plan_engine(CPU, settings, environ=environ, probe=hub_down).max_model_len == 4096


def test_caches_live_in_the_data_folder_unless_already_set(settings, environ):
    environ["VLLM_CACHE_ROOT"] = "/somewhere/else"
    env = plan_engine(CPU, settings, environ=environ, probe=hub_down).env()
    assert "VLLM_CACHE_ROOT" not in env
    assert env["TORCHINDUCTOR_CACHE_DIR"].startswith(str(settings.data_dir))
    assert "HF_HOME" not in env  # set in this environment


def test_the_table_mentions_every_decision(settings, environ):
    plan = plan_engine(gpus("2x80GB"), settings.replace(fp8=True), environ=environ, probe=hub_has_everything)
    table = plan.table()
    for setting, value, why in plan.rows():
        assert setting in table and value in table and why in table
        assert why, f"no reason given for {setting}"
    for word in ("bfloat16", "16384", "256", "0.90", "xgrammar", "priority", "video off", "1280", "vllm", plan.url):
        assert word in table


def test_the_url_reaches_an_engine_that_listens_everywhere(settings, environ):
    plan = plan_engine(CPU, settings.replace(host="0.0.0.0", port=9000), environ=environ, probe=hub_down)
    assert plan.url == "http://127.0.0.1:9000/v1"
    assert flag(plan, "--host") == "0.0.0.0"


def test_the_plan_serializes_to_json(settings, environ):
    data = json.loads(json.dumps(plan_engine(CPU, settings, environ=environ, probe=hub_down).as_json()))
    assert data["tiny"] is True and data["argv"][0] == "--model"


def test_gpu_specs_are_read_and_bad_ones_refused():
    assert len(parse_gpu_spec("2x80GB")) == 2
    assert parse_gpu_spec("H200")[0].compute_capability == (9, 0)
    assert parse_gpu_spec("24gb")[0].total_gib == pytest.approx(24)
    with pytest.raises(GpuSpecError):
        parse_gpu_spec("lots")


def test_settings_come_from_the_environment_with_clear_errors():
    env = {"VISIONDESK_FP8": "yes", "ENGINE_PORT": "9001", "VISIONDESK_ENGINE_EXTRA_ARGS": "--seed 1 --x 'a b'"}
    settings = EngineSettings.from_env(env, host="0.0.0.0")
    assert (settings.fp8, settings.port, settings.host) == (True, 9001, "0.0.0.0")
    assert settings.extra_args == ("--seed", "1", "--x", "a b")
    with pytest.raises(SettingError, match="VISIONDESK_MAX_NUM_SEQS"):
        read("VISIONDESK_MAX_NUM_SEQS", {"VISIONDESK_MAX_NUM_SEQS": "many"})
    with pytest.raises(SettingError, match="VISIONDESK_GPU_MEMORY_UTILIZATION"):
        read("VISIONDESK_GPU_MEMORY_UTILIZATION", {"VISIONDESK_GPU_MEMORY_UTILIZATION": "90"})


def test_every_variable_is_documented():
    for variable in VARIABLES.values():
        assert variable.doc.endswith(".") and len(variable.doc) < 120
