from django.urls import include, path

from apps.inspection import apis, views

app_name = "inspection"

api_patterns = [
    path("sites/", apis.SiteListApi.as_view(), name="api-site-list"),
    path("sites/create/", apis.SiteCreateApi.as_view(), name="api-site-create"),
    path("sites/<int:site_id>/equipment/", apis.EquipmentListApi.as_view(), name="api-equipment-list"),
    path("sites/<int:site_id>/equipment/create/", apis.EquipmentCreateApi.as_view(), name="api-equipment-create"),
    path("sites/<int:site_id>/equipment/import/", apis.EquipmentImportApi.as_view(), name="api-equipment-import"),
    path("equipment/<int:equipment_id>/", apis.EquipmentApi.as_view(), name="api-equipment"),
    path("inspections/", apis.InspectionListApi.as_view(), name="api-inspection-list"),
    path("inspections/create/", apis.InspectionCreateApi.as_view(), name="api-inspection-create"),
    path("inspections/<int:inspection_id>/", apis.ReportApi.as_view(), name="api-report"),
    path("inspections/<int:inspection_id>/rows/", apis.FindingAddApi.as_view(), name="api-row-add"),
    path("inspections/<int:inspection_id>/rows/<int:finding_id>/", apis.FindingApi.as_view(), name="api-row"),
    path("inspections/<int:inspection_id>/approve/", apis.InspectionApproveApi.as_view(), name="api-approve"),
    path("inspections/<int:inspection_id>/revise/", apis.InspectionReviseApi.as_view(), name="api-revise"),
    path("inspections/<int:inspection_id>/export/pdf/", apis.ReportPdfApi.as_view(), name="api-export-pdf"),
    path("inspections/<int:inspection_id>/export/csv/", apis.ReportCsvApi.as_view(), name="api-export-csv"),
]

urlpatterns = [
    path("", views.index, name="index"),
    path("<int:inspection_id>/", views.report, name="report"),
    path("sites/", views.sites, name="sites"),
    path("sites/<int:site_id>/", views.site_detail, name="site"),
    path("sites/<int:site_id>/analysis/", views.site_analysis, name="analysis"),
    path("api/", include(api_patterns)),
]
