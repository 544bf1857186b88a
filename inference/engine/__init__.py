"""Plan and launch the vLLM engine for this machine. Never imports Django.

plan = plan_engine(probe_machine(), EngineSettings.from_env())
print(plan.table())
with EngineProcess(plan, log_path) as engine:
    engine.wait_until_healthy(600)
"""

from inference.engine.launch import EngineProcess, EngineStartError, check_port_free
from inference.engine.machine import Gpu, GpuSpecError, Machine, parse_gpu_spec, probe_machine
from inference.engine.model_source import TINY_SERVED_NAME, ModelChoice, choose_model, tiny_model_dir
from inference.engine.plan import EnginePlan, plan_engine
from inference.engine.settings import VARIABLES, EngineSettings, SettingError

__all__ = [
    "TINY_SERVED_NAME",
    "VARIABLES",
    "EnginePlan",
    "EngineProcess",
    "EngineSettings",
    "EngineStartError",
    "Gpu",
    "GpuSpecError",
    "Machine",
    "ModelChoice",
    "SettingError",
    "check_port_free",
    "choose_model",
    "parse_gpu_spec",
    "plan_engine",
    "probe_machine",
    "tiny_model_dir",
]
