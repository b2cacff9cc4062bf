from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from lantern.access.api import ObtainTokenView
from lantern.assistance.api import (
    CompensationClaimViewSet,
    ExpulsionProtectionView,
    FamilyMemberViewSet,
    LegalAidViewSet,
    PaymentViewSet,
    PlanItemViewSet,
    RehabilitationPlanViewSet,
    RepatriationViewSet,
    ResidencePermitViewSet,
    ServiceDeliveredViewSet,
    ShelterStayViewSet,
    WorkPermitExemptionViewSet,
)
from lantern.core import views as core_views
from lantern.core.admin_site import lantern_admin
from lantern.core.api import OrganisationViewSet
from lantern.exchange.api import ImportRunViewSet
from lantern.hotline.api import ContactCountsView, ContactViewSet
from lantern.justice.api import AccusedViewSet, CriminalCaseViewSet, DetectedFactViewSet
from lantern.nrm.api import (
    ChildHearingViewSet,
    ConsentViewSet,
    DeadlineCountsView,
    DeadlineViewSet,
    GuardianshipNotificationViewSet,
    LegalRepresentativeViewSet,
    MigrationSystemEntryViewSet,
    ReferralViewSet,
    ReflectionPeriodViewSet,
    TransferViewSet,
)
from lantern.register.api import AccessLogViewSet, CaseViewSet, PersonViewSet

api_router = DefaultRouter()
api_router.register("organisations", OrganisationViewSet, basename="api-organisation")
api_router.register("cases", CaseViewSet, basename="api-case")
api_router.register("persons", PersonViewSet, basename="api-person")
api_router.register("access-log", AccessLogViewSet, basename="api-access-log")
api_router.register("deadlines", DeadlineViewSet, basename="api-deadline")
api_router.register("hotline/contacts", ContactViewSet, basename="api-hotline-contact")
api_router.register("criminal-cases", CriminalCaseViewSet, basename="api-criminal-case")
api_router.register("accused", AccusedViewSet, basename="api-accused")
api_router.register("detected-facts", DetectedFactViewSet, basename="api-detected-fact")
api_router.register("payments", PaymentViewSet, basename="api-payment")
api_router.register("residence-permits", ResidencePermitViewSet, basename="api-residence-permit")
api_router.register(
    "rehabilitation-plans", RehabilitationPlanViewSet, basename="api-rehabilitation-plan"
)
api_router.register("plan-items", PlanItemViewSet, basename="api-plan-item")
api_router.register("shelter-stays", ShelterStayViewSet, basename="api-shelter-stay")
api_router.register("family-members", FamilyMemberViewSet, basename="api-family-member")
api_router.register("services-delivered", ServiceDeliveredViewSet, basename="api-service-delivered")
api_router.register(
    "compensation-claims", CompensationClaimViewSet, basename="api-compensation-claim"
)
api_router.register("legal-aid", LegalAidViewSet, basename="api-legal-aid")
api_router.register("repatriations", RepatriationViewSet, basename="api-repatriation")
api_router.register(
    "work-permit-exemptions", WorkPermitExemptionViewSet, basename="api-work-permit-exemption"
)
api_router.register("transfers", TransferViewSet, basename="api-transfer")
api_router.register("consents", ConsentViewSet, basename="api-consent")
api_router.register("referrals", ReferralViewSet, basename="api-referral")
api_router.register(
    "guardianship-notifications",
    GuardianshipNotificationViewSet,
    basename="api-guardianship-notification",
)
api_router.register(
    "migration-system-entries", MigrationSystemEntryViewSet, basename="api-migration-system-entry"
)
api_router.register(
    "legal-representatives", LegalRepresentativeViewSet, basename="api-legal-representative"
)
api_router.register("child-hearings", ChildHearingViewSet, basename="api-child-hearing")
api_router.register("reflection-periods", ReflectionPeriodViewSet, basename="api-reflection-period")
api_router.register("imports", ImportRunViewSet, basename="api-import")

urlpatterns = [
    path("", core_views.home, name="home"),
    path("directory/", core_views.organisation_directory, name="organisation-directory"),
    path("language/", core_views.set_language, name="set-language"),
    path("healthz", core_views.healthz, name="healthz"),
    path("account/", include("lantern.access.urls")),
    path("", include("lantern.register.urls")),
    path("", include("lantern.nrm.urls")),
    path("", include("lantern.assistance.urls")),
    path("", include("lantern.hotline.urls")),
    path("", include("lantern.justice.urls")),
    path("", include("lantern.statistics.urls")),
    path("", include("lantern.exchange.urls")),
    path("admin/", lantern_admin.urls),
    path("api/v1/auth/token/", ObtainTokenView.as_view(), name="api-token"),
    path("api/v1/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path(
        "api/v1/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"
    ),
    path("api/v1/deadlines/counts/", DeadlineCountsView.as_view(), name="api-deadline-counts"),
    path("api/v1/hotline/counts/", ContactCountsView.as_view(), name="api-hotline-counts"),
    path(
        "api/v1/expulsion-protection/",
        ExpulsionProtectionView.as_view(),
        name="api-expulsion-protection",
    ),
    path("api/v1/", include(api_router.urls)),
]
