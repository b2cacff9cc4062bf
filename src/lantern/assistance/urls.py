from django.urls import path

from lantern.assistance import views

urlpatterns = [
    path("shelter/occupancy/", views.shelter_occupancy, name="shelter-occupancy"),
    path("cases/<str:reference>/assistance/", views.case_assistance, name="case-assistance"),
    path(
        "cases/<str:reference>/assistance/payment/",
        views.case_payment,
        name="case-assistance-payment",
    ),
    path(
        "cases/<str:reference>/assistance/residence-permit/",
        views.case_permit,
        name="case-assistance-permit",
    ),
]
