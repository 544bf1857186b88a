"""Websocket sign-in that does not queue behind page requests.

Channels resolves the session user on the one thread that Django's sync views share; under load a handshake then
waits for page work and the browser sees it time out. Reading a session and a user is safe on any thread (each call
opens and closes its own connection), so it goes to the thread pool instead.
"""

from __future__ import annotations

from typing import Any

from channels.auth import AuthMiddleware, get_user
from channels.db import database_sync_to_async
from channels.sessions import CookieMiddleware, SessionMiddleware

_user_of_scope = database_sync_to_async(get_user.func, thread_sensitive=False)


class PooledAuthMiddleware(AuthMiddleware):
    async def resolve_scope(self, scope: dict[str, Any]) -> None:
        scope["user"]._wrapped = await _user_of_scope(scope)


def pooled_auth_stack(inner: Any) -> Any:
    return CookieMiddleware(SessionMiddleware(PooledAuthMiddleware(inner)))
