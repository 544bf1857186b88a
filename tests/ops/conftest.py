import asyncio

import pytest

from core.batches.scheduler import batch_scheduler


@pytest.fixture
async def live_batches(live_executor, settings):
    """The run executor and the batch scheduler on the test's event loop, as in the serving process."""
    settings.BATCH_TICK_MS = 100
    batch_scheduler.bind(asyncio.get_running_loop())
    yield batch_scheduler
    await batch_scheduler.shutdown()


from tests.ops.servers import postgres_url, redis_url  # noqa: E402,F401  (fixtures for the scale-out tests)
