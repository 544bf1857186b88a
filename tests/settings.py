"""Test settings: the project's settings with a separate data folder, so tests never touch real data."""

import os
from pathlib import Path

os.environ.setdefault("VISIONDESK_DATA_DIR", str(Path(__file__).resolve().parent.parent / "var" / "test"))

from core.settings import *  # noqa: E402,F403
from core.settings import DATABASES  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast logins in tests
WARM_CACHE_ON_UPLOAD = os.environ.get("WARM_CACHE_ON_UPLOAD", "0") == "1"
TABLE_MODELS_WARM_UP = os.environ.get("TABLE_MODELS_WARM_UP", "0") == "1"  # no checkpoint downloads in tests

# An app server started by the tests serves the test database the test process writes.
if os.environ.get("VISIONDESK_SERVE_TEST_DB") and "sqlite" in DATABASES["default"]["ENGINE"]:
    DATABASES["default"]["NAME"] = DATABASES["default"]["TEST"]["NAME"]
elif os.environ.get("VISIONDESK_SERVE_TEST_DB"):  # PostgreSQL: the database pytest-django created for the tests
    DATABASES["default"]["NAME"] = f"test_{DATABASES['default']['NAME']}"

# Rate limits have their own tests; elsewhere many requests from reused user ids must not trip them.
API_RATE_LIMIT = "100000/min"
RUN_START_RATE_LIMIT = "100000/min"
