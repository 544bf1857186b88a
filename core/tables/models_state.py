"""The table models, loaded once per process (in the background at start-up) and shared by every request.

Without the checkpoints (no network, a wrong folder), table reading reports itself unavailable with the reason,
and everything else works as before.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

from django.conf import settings

from core.errors import AppError
from inference.tables import TableModelsUnavailable, TableRecognizer, load_table_models

logger = logging.getLogger(__name__)


class TablesUnavailable(AppError):
    status = 503
    code = "tables_unavailable"


@dataclass
class _State:
    status: str = "not_loaded"  # not_loaded, loading, ready, unavailable
    reason: str = ""
    recognizer: TableRecognizer | None = None


_state = _State()
_lock = threading.Lock()


def _load() -> None:
    try:
        models = load_table_models(
            detection=settings.TABLE_DETECTION_MODEL,
            structure=settings.TABLE_STRUCTURE_MODEL,
            device=settings.TABLE_MODELS_DEVICE,
        )
    except TableModelsUnavailable as exc:
        with _lock:
            _state.status, _state.reason = "unavailable", exc.reason
        logger.warning("table reading is unavailable: %s", exc.reason)
        return
    with _lock:
        _state.status, _state.recognizer = "ready", TableRecognizer(models)
    logger.info("table models ready on %s (%s)", models.device, models.source)


def table_models_warm_up(*, wait: bool = False) -> None:
    """Start loading the models unless that has begun; `wait` blocks until it has finished."""
    with _lock:
        starting = _state.status == "not_loaded"
        if starting:
            _state.status = "loading"
    if starting:
        thread = threading.Thread(target=_load, name="table-models", daemon=True)
        thread.start()
        if wait:
            thread.join()


def table_models_start() -> None:
    """At server start: begin loading, unless TABLE_MODELS_WARM_UP is off (then the first use starts it)."""
    if settings.TABLE_MODELS_WARM_UP:
        table_models_warm_up()


def table_models_status() -> dict[str, str]:
    with _lock:
        recognizer = _state.recognizer
        return {
            "status": _state.status,
            "reason": _state.reason,
            "device": recognizer.device if recognizer else "",
            "source": recognizer.models.source if recognizer else "",
        }


def table_recognizer() -> TableRecognizer:
    """The loaded recognizer, or TablesUnavailable saying why not (and starting the load if nobody did)."""
    table_models_warm_up()
    with _lock:
        if _state.recognizer is not None:
            return _state.recognizer
        if _state.status == "unavailable":
            raise TablesUnavailable(f"Table reading is unavailable: {_state.reason}.")
    raise TablesUnavailable("Table reading is starting up (loading its models); please try again in a minute.")


def table_models_use(recognizer: TableRecognizer | None, *, reason: str = "") -> None:
    """Use these models from now on (tests, or a process that loaded them itself); None forgets them."""
    with _lock:
        _state.recognizer = recognizer
        _state.status = "ready" if recognizer else ("unavailable" if reason else "not_loaded")
        _state.reason = reason
