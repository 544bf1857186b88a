from django.urls import path

from apps.support import apis, views

app_name = "support"
urlpatterns = [
    path("", views.index, name="index"),
    path("tickets/<int:ticket_id>/", views.ticket_page, name="ticket"),
    path("settings/", views.settings_page, name="settings"),
    path("api/tickets/", apis.TicketListApi.as_view(), name="api-ticket-list"),
    path("api/tickets/create/", apis.TicketCreateApi.as_view(), name="api-ticket-create"),
    path("api/tickets/<int:ticket_id>/", apis.TicketDetailApi.as_view(), name="api-ticket-detail"),
    path("api/tickets/<int:ticket_id>/regenerate/", apis.TicketRegenerateApi.as_view(), name="api-ticket-regenerate"),
    path("api/tickets/<int:ticket_id>/draft/", apis.DraftEditApi.as_view(), name="api-ticket-draft"),
    path("api/tickets/<int:ticket_id>/approve/", apis.TicketApproveApi.as_view(), name="api-ticket-approve"),
]
