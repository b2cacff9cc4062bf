from django.urls import path

from lantern.exchange import views

urlpatterns = [
    path("imports/", views.imports, name="imports"),
    path("imports/<int:run_id>/", views.import_run, name="import-run"),
    path("imports/<int:run_id>/report.csv", views.import_report, name="import-report"),
    path(
        "imports/templates/all-events.xlsx",
        views.events_template,
        name="import-events-template",
    ),
    path("imports/templates/<slug:kind>.xlsx", views.import_template, name="import-template"),
]
