from django.urls import path

from apps.tutoring import apis, views

app_name = "tutoring"

api_patterns = [
    path("api/classes/", apis.ClassroomListApi.as_view(), name="api-classroom-list"),
    path("api/classes/create/", apis.ClassroomCreateApi.as_view(), name="api-classroom-create"),
    path("api/students/", apis.StudentListApi.as_view(), name="api-student-list"),
    path("api/students/create/", apis.StudentCreateApi.as_view(), name="api-student-create"),
    path("api/students/<int:student_id>/", apis.StudentHistoryApi.as_view(), name="api-student-history"),
    path("api/submissions/", apis.SubmissionListApi.as_view(), name="api-submission-list"),
    path("api/submissions/create/", apis.SubmissionCreateApi.as_view(), name="api-submission-create"),
    path("api/submissions/<int:submission_id>/", apis.SubmissionDetailApi.as_view(), name="api-submission-detail"),
    path("api/submissions/<int:submission_id>/edit/", apis.SubmissionUpdateApi.as_view(), name="api-submission-edit"),
    path(
        "api/submissions/<int:submission_id>/explain/",
        apis.SubmissionExplainApi.as_view(),
        name="api-submission-explain",
    ),
    path(
        "api/submissions/<int:submission_id>/approve/",
        apis.SubmissionApproveApi.as_view(),
        name="api-submission-approve",
    ),
    path(
        "api/submissions/<int:submission_id>/worksheet.pdf",
        apis.SubmissionWorksheetApi.as_view(),
        name="api-submission-worksheet",
    ),
]

urlpatterns = [
    path("", views.index, name="index"),
    path("students/<int:student_id>/", views.student_page, name="student"),
    path("submissions/<int:submission_id>/", views.submission_page, name="submission"),
    *api_patterns,
]
