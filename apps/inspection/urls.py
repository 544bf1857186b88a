from django.urls import path

from apps.inspection import views

app_name = "inspection"
urlpatterns = [path("", views.index, name="index")]
