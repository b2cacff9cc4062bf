from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from lantern.access.api import ObtainTokenView
from lantern.core import views as core_views
from lantern.core.admin_site import lantern_admin
from lantern.core.api import OrganisationViewSet
from lantern.register.api import AccessLogViewSet, CaseViewSet, PersonViewSet

api_router = DefaultRouter()
api_router.register("organisations", OrganisationViewSet, basename="api-organisation")
api_router.register("cases", CaseViewSet, basename="api-case")
api_router.register("persons", PersonViewSet, basename="api-person")
api_router.register("access-log", AccessLogViewSet, basename="api-access-log")

urlpatterns = [
    path("", core_views.home, name="home"),
    path("directory/", core_views.organisation_directory, name="organisation-directory"),
    path("language/", core_views.set_language, name="set-language"),
    path("healthz", core_views.healthz, name="healthz"),
    path("account/", include("lantern.access.urls")),
    path("", include("lantern.register.urls")),
    path("", include("lantern.nrm.urls")),
    path("admin/", lantern_admin.urls),
    path("api/v1/auth/token/", ObtainTokenView.as_view(), name="api-token"),
    path("api/v1/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path(
        "api/v1/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"
    ),
    path("api/v1/", include(api_router.urls)),
]
