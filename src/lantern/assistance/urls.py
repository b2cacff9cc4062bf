from django.urls import path

from lantern.assistance import views

CASE = "cases/<str:reference>/assistance/"

urlpatterns = [
    path("shelter/occupancy/", views.shelter_occupancy, name="shelter-occupancy"),
    path(CASE, views.case_assistance, name="case-assistance"),
    path(f"{CASE}<slug:action>/", views.case_assistance_action, name="case-assistance-action"),
    path(
        f"{CASE}<slug:action>/<int:item>/",
        views.case_assistance_action,
        name="case-assistance-item",
    ),
]
