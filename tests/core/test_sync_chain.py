"""Under ASGI a request crosses from the event loop to a thread for its whole middleware chain, not per middleware."""

from __future__ import annotations

from asgiref.sync import SyncToAsync
from django.test import AsyncClient


async def test_a_request_crosses_to_a_thread_a_few_times_not_once_per_middleware(db, monkeypatch):
    crossings = []
    original = SyncToAsync.__call__

    async def counted(self, *args, **kwargs):
        crossings.append(getattr(self.func, "__qualname__", repr(self.func)))
        return await original(self, *args, **kwargs)

    monkeypatch.setattr(SyncToAsync, "__call__", counted)

    response = await AsyncClient().get("/healthz")

    assert response.status_code == 200
    # Django's own: the request_started receivers, the chain, the CSRF view check, the view and closing the
    # response. A middleware left in async mode below a sync one adds two per request (fifteen in all before).
    assert len(crossings) <= 5, crossings
