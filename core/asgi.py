"""ASGI entry point: HTTP through Django, websockets through Channels (authenticated, same-origin only)."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "core.settings")
django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402  (needs Django set up first)
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from core.batches.scheduler import batch_scheduler  # noqa: E402
from core.http_server import skip_form_parsing_in_daphne  # noqa: E402
from core.request_threads import RequestThreads  # noqa: E402
from core.routing import websocket_urlpatterns  # noqa: E402
from core.run_executor import executor  # noqa: E402
from core.tables.models_state import table_models_start  # noqa: E402
from core.websocket_auth import pooled_auth_stack  # noqa: E402


class BindRunExecutor:
    """Runs execute in the loop that serves requests: attach the executor to it on the first connection."""

    def __init__(self, app):  # type: ignore[no-untyped-def]
        self.app = app

    async def __call__(self, scope, receive, send):  # type: ignore[no-untyped-def]
        executor.bind()
        batch_scheduler.bind()
        return await self.app(scope, receive, send)


application = BindRunExecutor(
    ProtocolTypeRouter(
        {
            "http": RequestThreads(django_asgi_app),
            "websocket": AllowedHostsOriginValidator(pooled_auth_stack(URLRouter(websocket_urlpatterns))),
        }
    )
)
skip_form_parsing_in_daphne()
table_models_start()  # TableTransformer loads in the background; table reading says when it is not ready
