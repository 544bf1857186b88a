"""A page and an API guarded by the role check, as the apps use it (the apps' own views are theirs to guard)."""

from django.http import HttpResponse
from django.urls import include, path
from rest_framework.response import Response
from rest_framework.views import APIView

from core.roles import app_permission, role_required


@role_required("support")
def support_page(request):
    return HttpResponse("support desk")


class SupportApi(APIView):
    permission_classes = [app_permission("support")]

    def get(self, request):
        return Response({"ok": True})


urlpatterns = [
    path("guarded/support/", support_page),
    path("guarded/api/support/", SupportApi.as_view()),
    path("", include("core.urls")),
]
