from django.urls import path

from core.tables import apis

api_patterns = [
    path("tables/", apis.TableListApi.as_view(), name="api-table-list"),
    path("tables/status/", apis.TableStatusApi.as_view(), name="api-table-status"),
    path("tables/extract/", apis.TableExtractApi.as_view(), name="api-table-extract"),
    path("tables/<int:table_id>/", apis.TableDetailApi.as_view(), name="api-table"),
    path("tables/<int:table_id>/csv/", apis.TableCsvApi.as_view(), name="api-table-csv"),
]
