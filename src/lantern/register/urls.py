from django.urls import path

from lantern.register import views

REFERENCE = "<str:reference>"

urlpatterns = [
    path("register/", views.register_list, name="register"),
    path("register/new/", views.register_new, name="register-new"),
    path("register/export.csv", views.register_export, name="register-export"),
    path(f"cases/{REFERENCE}/", views.case_detail, name="case-detail"),
    path(f"cases/{REFERENCE}/identity/", views.case_identity, name="case-identity"),
    path(f"cases/{REFERENCE}/identity/edit/", views.case_identity_edit, name="case-identity-edit"),
    path(f"cases/{REFERENCE}/edit/", views.case_edit, name="case-edit"),
    path(f"cases/{REFERENCE}/status/", views.case_status, name="case-status"),
    path(f"cases/{REFERENCE}/delete/", views.case_delete, name="case-delete"),
    path(f"cases/{REFERENCE}/decision/", views.case_decision, name="case-decision"),
    path(
        f"cases/{REFERENCE}/screening/<slug:questionnaire_code>/",
        views.case_screening,
        name="case-screening",
    ),
    path(f"cases/{REFERENCE}/seal/", views.case_seal, name="case-seal"),
    path(
        f"cases/{REFERENCE}/seal/<int:seal_id>/lift/", views.case_lift_seal, name="case-lift-seal"
    ),
    path("access-log/", views.access_log, name="access-log"),
]
