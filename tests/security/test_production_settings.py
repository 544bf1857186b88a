"""In production (DJANGO_HTTPS=1, DEBUG off, a real secret key): Django's deployment checks are clean, and the
cookies and headers a browser receives are the safe ones."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HOST = "visiondesk.example"


@pytest.fixture
def production_env(tmp_path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "VISIONDESK_"))}
    return env | {
        "DJANGO_SETTINGS_MODULE": "core.settings",
        "DJANGO_HTTPS": "1",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
        "DJANGO_ALLOWED_HOSTS": HOST,
        "DJANGO_CSRF_TRUSTED_ORIGINS": f"https://{HOST}",
        "VISIONDESK_DATA_DIR": str(tmp_path),
        "PYTHONPATH": str(ROOT),
    }


def test_the_deployment_checks_find_no_security_issue(production_env):
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--tag", "security", "--fail-level", "WARNING"],
        cwd=ROOT, env=production_env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_a_key_generated_at_first_start_is_kept_private_in_the_data_folder(production_env, tmp_path):
    production_env.pop("DJANGO_SECRET_KEY")
    command = [
        sys.executable,
        "-c",
        "import django; django.setup(); from django.conf import settings as s; print(s.SECRET_KEY)",
    ]
    first = subprocess.run(command, cwd=ROOT, env=production_env, capture_output=True, text=True, timeout=60)
    second = subprocess.run(command, cwd=ROOT, env=production_env, capture_output=True, text=True, timeout=60)
    key_file = tmp_path / "secret_key"
    assert first.stdout == second.stdout and len(first.stdout.strip()) >= 50
    assert key_file.stat().st_mode & 0o077 == 0, "readable by its owner only"


def test_cookies_and_headers_in_production_are_the_safe_ones(production_env):
    result = subprocess.run(
        [sys.executable, str(ROOT / "tests" / "security" / "production_probe.py")],
        cwd=ROOT, env=production_env, capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    seen = json.loads(result.stdout)

    assert seen["plain_status"] == 301 and seen["plain_location"].startswith(f"https://{HOST}/")
    assert seen["login_status"] == 302 and seen["page_status"] == 200
    session, csrf = seen["cookies"]["sessionid"], seen["cookies"]["csrftoken"]
    assert session["secure"] and session["httponly"] and session["samesite"] == "Lax"
    assert csrf["secure"] and csrf["samesite"] == "Lax"
    headers = {k.lower(): v for k, v in seen["headers"].items()}
    assert "max-age=31536000" in headers["strict-transport-security"]
    assert "includesubdomains" in headers["strict-transport-security"].lower()
    assert headers["x-frame-options"] == "DENY"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "same-origin"
    assert headers["cross-origin-opener-policy"] == "same-origin"
