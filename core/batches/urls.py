from django.urls import path

from core.batches import apis, views

urlpatterns = [
    path("", views.batches_page, name="batches"),
    path("<uuid:batch_id>/", views.batch_page, name="batch-detail"),
    path("<uuid:batch_id>/export.csv", views.batch_export, name="batch-export"),
]

api_patterns = [
    path("batches/", apis.BatchListApi.as_view(), name="api-batch-list"),
    path("batches/create/", apis.BatchCreateApi.as_view(), name="api-batch-create"),
    path("batches/<uuid:batch_id>/", apis.BatchDetailApi.as_view(), name="api-batch-detail"),
    path("batches/<uuid:batch_id>/pause/", apis.BatchPauseApi.as_view(), name="api-batch-pause"),
    path("batches/<uuid:batch_id>/resume/", apis.BatchResumeApi.as_view(), name="api-batch-resume"),
    path("batches/<uuid:batch_id>/cancel/", apis.BatchCancelApi.as_view(), name="api-batch-cancel"),
    path("batches/<uuid:batch_id>/retry-failed/", apis.BatchRetryFailedApi.as_view(), name="api-batch-retry-failed"),
]
