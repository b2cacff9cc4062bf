from django.urls import path

from lantern.hotline import views

urlpatterns = [
    path("hotline/", views.hotline, name="hotline"),
    path("hotline/counts/", views.hotline_counts, name="hotline-counts"),
]
