"""VisionDesk settings: one file, every value from the environment (see .env.example for the documented list)."""

from __future__ import annotations

import secrets
from pathlib import Path

import dj_database_url

from core.env import env_bool, env_float, env_int, env_list, env_path, env_rate, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = env_path("VISIONDESK_DATA_DIR", BASE_DIR / "var")
DATA_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DJANGO_DEBUG", False)


def _secret_key() -> str:
    """An explicit key wins; otherwise one is generated once and kept in the data folder (never a shared default)."""
    configured = env_str("DJANGO_SECRET_KEY", "")
    if configured:
        return configured
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "channels",
    "core",
    "apps.inspection",
    "apps.support",
    "apps.tutoring",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "core.sync_chain.SyncChainMiddleware",  # last: see its module
]

ROOT_URLCONF = "core.urls"
ASGI_APPLICATION = "core.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.engine_banner",
                "core.context_processors.app_access",
            ],
        },
    },
]


def _database() -> dict:
    url = env_str("DATABASE_URL", "")
    if url:
        return dict(
            dj_database_url.parse(url, conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60), conn_health_checks=True)
        )
    return {
        "ENGINE": "core.sqlite",  # Django's SQLite backend; this process's writers take turns (core/sqlite/base.py)
        "NAME": DATA_DIR / "visiondesk.sqlite3",
        # Kept open per thread: opening one (and its PRAGMAs) cost more than the queries of a small request.
        "CONN_MAX_AGE": env_int("DATABASE_CONN_MAX_AGE", 60),
        # WAL lets readers run beside the one writer; IMMEDIATE avoids upgrade deadlocks; timeout rides out bursts.
        "OPTIONS": {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        },
        "TEST": {"NAME": DATA_DIR / "test.sqlite3"},
    }


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


def _channel_layers() -> dict:
    url = env_str("REDIS_URL", "")
    if url:
        return {"default": {"BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer", "CONFIG": {"hosts": [url]}}}
    return {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}


CHANNEL_LAYERS = _channel_layers()


def _caches() -> dict:
    """Login and API rate counters: shared by all app processes through Redis when there is one."""
    url = env_str("REDIS_URL", "")
    if url:
        return {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}}
    return {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "visiondesk"}}


CACHES = _caches()

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
AUTHENTICATION_BACKENDS = ["core.login_throttle.ThrottledModelBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
WHITENOISE_USE_FINDERS = True  # serve app static files without a collectstatic step
# Photos are private: they are served by a view that checks permissions, never by a public media URL.
PHOTO_STORAGE_DIR = DATA_DIR / "photos"

SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# Sessions read from the cache, written through to the database: a query less for every request and websocket.
# The cache is per process without Redis, which is only allowed with one web process (core/web_processes.py).
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG and env_bool("DJANGO_HTTPS", False):
    SECURE_SSL_REDIRECT = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "core.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "core.errors.api_exception_handler",
    "DEFAULT_THROTTLE_CLASSES": ["core.throttles.ApiRateThrottle"],
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.JSONParser",
        "rest_framework.parsers.MultiPartParser",
        "rest_framework.parsers.FormParser",
    ],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "VisionDesk API",
    "DESCRIPTION": "Photos in, structured answers out: inspection reports, support replies, homework explanations.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
}

# Uploads: what the intake accepts.
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", 25 * 1024 * 1024, minimum=1024)
UPLOAD_MAX_PIXELS = env_int("UPLOAD_MAX_PIXELS", 50_000_000, minimum=10_000)
UPLOAD_MAX_FILES = env_int("UPLOAD_MAX_FILES", 20, minimum=1)
DATA_UPLOAD_MAX_MEMORY_SIZE = UPLOAD_MAX_BYTES * 2
FILE_UPLOAD_MAX_MEMORY_SIZE = UPLOAD_MAX_BYTES + 1024 * 1024  # keep uploads in memory: no temp files
DATA_UPLOAD_MAX_NUMBER_FILES = UPLOAD_MAX_FILES

# The engine: started by `make run` unless INFERENCE_URL points at one that runs elsewhere.
INFERENCE_URL = env_str("INFERENCE_URL", "")
ENGINE_HOST = env_str("ENGINE_HOST", "127.0.0.1")
ENGINE_PORT = env_int("ENGINE_PORT", 8100, minimum=1)
VISIONDESK_MODEL = env_str("VISIONDESK_MODEL", "")
ENGINE_API_KEY = env_str("ENGINE_API_KEY", "")
ENGINE_REQUEST_TIMEOUT = env_float("ENGINE_REQUEST_TIMEOUT", 300.0)

# Runs: admission control and recovery.
RUNS_MAX_IN_FLIGHT = env_int("RUNS_MAX_IN_FLIGHT", 64, minimum=1)
RUNS_MAX_QUEUED = env_int("RUNS_MAX_QUEUED", 500, minimum=0)
RUN_STALE_SECONDS = env_int("RUN_STALE_SECONDS", 60, minimum=1)
RUN_STREAM_FLUSH_MS = env_int("RUN_STREAM_FLUSH_MS", 40, minimum=1)
RUN_SAVE_EVERY_MS = env_int("RUN_SAVE_EVERY_MS", 500, minimum=10)
RUN_ENGINE_WAIT_SECONDS = env_int("RUN_ENGINE_WAIT_SECONDS", 120, minimum=0)
WARM_CACHE_ON_UPLOAD = env_bool("WARM_CACHE_ON_UPLOAD", True)

# Operations: access limits, metrics, cost and batch jobs.
LOGIN_MAX_FAILURES = env_int("LOGIN_MAX_FAILURES", 5, minimum=1)
LOGIN_LOCKOUT_SECONDS = env_int("LOGIN_LOCKOUT_SECONDS", 900, minimum=1)
API_RATE_LIMIT = env_rate("API_RATE_LIMIT", "600/min")
RUN_START_RATE_LIMIT = env_rate("RUN_START_RATE_LIMIT", "60/min")
METRICS_TOKEN = env_str("METRICS_TOKEN", "")
GPU_PRICE_PER_HOUR = env_float("GPU_PRICE_PER_HOUR", 0.0, minimum=0.0)
BATCH_PRIORITY = env_int("BATCH_PRIORITY", 10, minimum=1)
BATCH_MAX_IN_FLIGHT = env_int("BATCH_MAX_IN_FLIGHT", 8, minimum=1)
BATCH_TICK_MS = env_int("BATCH_TICK_MS", 1000, minimum=50)
BATCH_MAX_FILES = env_int("BATCH_MAX_FILES", 500, minimum=1)
BATCH_ZIP_MAX_BYTES = env_int("BATCH_ZIP_MAX_BYTES", 200 * 1024 * 1024, minimum=1024)
BATCH_ZIP_MAX_UNCOMPRESSED_BYTES = env_int("BATCH_ZIP_MAX_UNCOMPRESSED_BYTES", 1024 * 1024 * 1024, minimum=1024)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"httpx": {"level": "WARNING"}, "httpx2": {"level": "WARNING"}, "daphne": {"level": "WARNING"}},
}

# Tables: the TableTransformer checkpoints (hub names or local folders), loaded once at start-up.
TABLE_DETECTION_MODEL = env_str("TABLE_DETECTION_MODEL", "microsoft/table-transformer-detection")
TABLE_STRUCTURE_MODEL = env_str("TABLE_STRUCTURE_MODEL", "microsoft/table-transformer-structure-recognition-v1.1-all")
TABLE_MODELS_DEVICE = env_str("TABLE_MODELS_DEVICE", "auto")  # auto: the GPU when there is one
TABLE_MODELS_WARM_UP = env_bool("TABLE_MODELS_WARM_UP", True)  # load them when the server starts
