from django.urls import path

from lantern.statistics import views

urlpatterns = [
    path("statistics/", views.statistics_home, name="statistics"),
    path("statistics/<slug:code>/", views.report_page, name="statistics-report"),
    path("statistics/<slug:code>/download/", views.report_download, name="statistics-download"),
]
