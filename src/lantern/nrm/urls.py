from django.urls import path

from lantern.nrm import views

urlpatterns = [
    path("cases/<str:reference>/referral-mechanism/", views.case_nrm, name="case-nrm"),
    path(
        "cases/<str:reference>/referral-mechanism/<slug:action>/",
        views.case_nrm_action,
        name="case-nrm-action",
    ),
    path(
        "cases/<str:reference>/referral-mechanism/<slug:action>/<int:item>/",
        views.case_nrm_action,
        name="case-nrm-item",
    ),
    path("deadlines/", views.deadline_queue, name="deadline-queue"),
    path("deadlines/counts/", views.deadline_counts, name="deadline-counts"),
]
