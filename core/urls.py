from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from core import apis, views
from core.batches.urls import api_patterns as batch_api_patterns
from core.conversations.urls import api_patterns as conversation_api_patterns
from core.login_throttle import ThrottledLoginView, ThrottledObtainAuthToken
from core.ops import views as ops_views
from core.tables.urls import api_patterns as table_api_patterns

api_patterns = [
    path("photos/", apis.PhotoUploadApi.as_view(), name="api-photo-upload"),
    path("runs/", apis.RunListApi.as_view(), name="api-run-list"),
    path("runs/create/", apis.RunCreateApi.as_view(), name="api-run-create"),
    path("runs/<uuid:run_id>/", apis.RunDetailApi.as_view(), name="api-run-detail"),
    path("runs/<uuid:run_id>/retry/", apis.RunRetryApi.as_view(), name="api-run-retry"),
    path("runs/<uuid:run_id>/cancel/", apis.RunCancelApi.as_view(), name="api-run-cancel"),
    path("auth/token/", ThrottledObtainAuthToken.as_view(), name="api-token"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    *batch_api_patterns,
    *conversation_api_patterns,
    *table_api_patterns,
]

urlpatterns = [
    path("", views.home, name="home"),
    path("ask/", views.ask, name="ask"),
    path("runs/<uuid:run_id>/", views.run_detail, name="run-detail"),
    path("photos/<str:sha256>/", views.photo_file, name="photo"),
    path("photos/<str:sha256>/thumb/", views.photo_file, {"thumbnail": True}, name="photo-thumb"),
    path("healthz", views.health, name="health"),
    path("login/", ThrottledLoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("ops/", include("core.ops.urls")),
    path("batches/", include("core.batches.urls")),
    path("metrics", ops_views.metrics, name="metrics"),
    path("api/", include(api_patterns)),
    path("inspection/", include("apps.inspection.urls")),
    path("support/", include("apps.support.urls")),
    path("tutoring/", include("apps.tutoring.urls")),
]
