"""Run in a separate process with production settings (core.settings, HTTPS on, DEBUG off, a real secret key):
log in over HTTPS behind a proxy and print, as JSON, the cookies and headers the app sends."""

from __future__ import annotations

import json
import os
import sys

os.environ["DJANGO_SETTINGS_MODULE"] = "core.settings"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

from core.models import Membership, Role, Team  # noqa: E402

PASSWORD = "a long production password 42"
HOST = os.environ["DJANGO_ALLOWED_HOSTS"].split(",")[0]


def main() -> None:
    call_command("migrate", verbosity=0)
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user("prod", password=PASSWORD)
    Membership.objects.create(user=user, team=Team.objects.create(name="Prod"), role=Role.INSPECTOR)
    https = {"HTTP_X_FORWARDED_PROTO": "https", "HTTP_HOST": HOST}
    client = Client(enforce_csrf_checks=True)
    plain = client.get("/login/", HTTP_HOST=HOST)
    form = client.get("/login/", **https)
    token = client.cookies["csrftoken"].value
    login = client.post(
        "/login/",
        {"username": "prod", "password": PASSWORD, "csrfmiddlewaretoken": token},
        HTTP_REFERER=f"https://{HOST}/login/",
        **https,
    )
    page = client.get("/ask/", **https)
    report = {
        "plain_status": plain.status_code,
        "plain_location": plain.get("Location", ""),
        "login_status": login.status_code,
        "page_status": page.status_code,
        "cookies": {
            name: {k: str(morsel[k]) for k in ("secure", "httponly", "samesite")}
            for name, morsel in client.cookies.items()
        },
        "headers": {k: v for k, v in page.items()},
        "form_headers": {k: v for k, v in form.items()},
    }
    json.dump(report, sys.stdout)


if __name__ == "__main__":
    main()
