from django.urls import path

from lantern.justice import views

REFERENCE = "<str:reference>"

urlpatterns = [
    path("justice/", views.criminal_cases, name="criminal-cases"),
    path("justice/new/", views.criminal_case_new, name="criminal-case-new"),
    path("justice/<int:pk>/", views.criminal_case_detail, name="criminal-case"),
    path("justice/<int:pk>/status/", views.criminal_case_status, name="criminal-case-status"),
    path("justice/<int:pk>/victims/", views.criminal_case_victim, name="criminal-case-victim"),
    path(
        "justice/<int:pk>/accused/new/",
        views.criminal_case_new_accused,
        name="criminal-case-new-accused",
    ),
    path(
        "justice/<int:pk>/accused/",
        views.criminal_case_link_accused,
        name="criminal-case-link-accused",
    ),
    path("justice/<int:pk>/judgments/new/", views.judgment_new, name="judgment-new"),
    path("justice/judgments/<int:pk>/final/", views.judgment_final, name="judgment-final"),
    path("justice/accused/", views.accused_list, name="accused-list"),
    path(f"justice/accused/{REFERENCE}/", views.accused_detail, name="accused"),
    path(f"justice/accused/{REFERENCE}/identity/", views.accused_identity, name="accused-identity"),
    path(f"justice/accused/{REFERENCE}/wanted/", views.accused_wanted, name="accused-wanted"),
    path("justice/wanted/", views.wanted_list, name="wanted"),
    path("justice/wanted/<int:pk>/detention/", views.wanted_detention, name="wanted-detention"),
    path(
        "justice/wanted/<int:pk>/extradition/", views.wanted_extradition, name="wanted-extradition"
    ),
    path("justice/facts/", views.facts, name="facts"),
]
