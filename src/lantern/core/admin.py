from __future__ import annotations

from typing import Any

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from lantern.access import policy
from lantern.access.services import unlock_account
from lantern.core.admin_site import (
    ConfigurationAdmin,
    ConfigurationInline,
    PackDataInline,
    lantern_admin,
)
from lantern.core.models import (
    AgeBand,
    AgeBandScheme,
    BenefitRate,
    BenefitType,
    CodeEntry,
    CodeList,
    DeadlineRule,
    Organisation,
    PackLoad,
    PublicHoliday,
    User,
    UserRole,
)


class ReadOnlyPackAdmin(ConfigurationAdmin[Any]):
    """Pack data changes by loading a new pack version, so that every change is reviewed."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Organisation, site=lantern_admin)
class OrganisationAdmin(ConfigurationAdmin[Organisation]):
    list_display = [
        "code",
        "name_en",
        "kind",
        "parent",
        "region",
        "phone",
        "from_pack",
        "is_active",
    ]
    list_filter = ["kind", "from_pack", "is_active"]
    search_fields = ["code", "name_en", "name_az", "name_ru"]
    autocomplete_fields = ["parent"]
    raw_id_fields = ["region"]


class UserRoleInline(ConfigurationInline[UserRole, User]):
    model = UserRole
    extra = 1


def _locked_usernames() -> set[str]:
    attempts = AccessAttempt.objects.filter(failures_since_start__gte=settings.AXES_FAILURE_LIMIT)
    return set(attempts.values_list("username", flat=True))


@admin.register(User, site=lantern_admin)
class LanternUserAdmin(ConfigurationAdmin[User], UserAdmin[User]):
    list_display = [
        "username",
        "first_name",
        "last_name",
        "organisation",
        "role_list",
        "is_active",
        "sign_in_locked",
    ]
    list_filter = ["is_active", "organisation__kind", "roles__role"]
    search_fields = ["username", "first_name", "last_name", "email"]
    autocomplete_fields = ["organisation"]
    inlines = [UserRoleInline]
    actions = ["unlock_sign_in"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Person"), {"fields": ("first_name", "last_name", "email", "preferred_language")}),
        (_("Organisation"), {"fields": ("organisation", "is_active")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"fields": ("username", "organisation", "password1", "password2")}),)

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        return (
            super().get_queryset(request).select_related("organisation").prefetch_related("roles")
        )

    @admin.display(description=_("Roles"))
    def role_list(self, user: User) -> str:
        return ", ".join(sorted(str(role.get_role_display()) for role in user.roles.all()))

    @admin.display(description=_("Sign-in locked"), boolean=True)
    def sign_in_locked(self, user: User) -> bool:
        return user.username in _locked_usernames()

    @admin.action(description=_("Unlock sign-in for the selected accounts"))
    def unlock_sign_in(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        actor = policy.acting_user(request.user)
        for user in queryset:
            unlock_account(actor=actor, user=user)
        self.message_user(
            request,
            _("Sign-in unlocked for %(count)d account(s).") % {"count": queryset.count()},
            messages.SUCCESS,
        )


class CodeEntryInline(PackDataInline[CodeEntry, CodeList]):
    model = CodeEntry
    fields = readonly_fields = (
        "code",
        "label_en",
        "label_az",
        "label_ru",
        "needs_review",
        "is_active",
    )


@admin.register(CodeList, site=lantern_admin)
class CodeListAdmin(ReadOnlyPackAdmin):
    list_display = ["code", "name_en"]
    inlines = [CodeEntryInline]


@admin.register(DeadlineRule, site=lantern_admin)
class DeadlineRuleAdmin(ReadOnlyPackAdmin):
    list_display = ["code", "name_en", "duration_amount", "duration_unit", "is_active"]


class BenefitRateInline(PackDataInline[BenefitRate, BenefitType]):
    model = BenefitRate
    fields = readonly_fields = ("effective_from", "amount", "legal_basis_en")


@admin.register(BenefitType, site=lantern_admin)
class BenefitTypeAdmin(ReadOnlyPackAdmin):
    list_display = ["code", "name_en", "currency", "is_active"]
    inlines = [BenefitRateInline]


class AgeBandInline(PackDataInline[AgeBand, AgeBandScheme]):
    model = AgeBand
    fields = readonly_fields = ("code", "label_en", "min_age", "max_age")


@admin.register(AgeBandScheme, site=lantern_admin)
class AgeBandSchemeAdmin(ReadOnlyPackAdmin):
    list_display = ["code", "name_en"]
    inlines = [AgeBandInline]


@admin.register(PublicHoliday, site=lantern_admin)
class PublicHolidayAdmin(ReadOnlyPackAdmin):
    list_display = ["date", "name_en"]
    date_hierarchy = "date"


@admin.register(PackLoad, site=lantern_admin)
class PackLoadAdmin(ReadOnlyPackAdmin):
    list_display = [
        "loaded_at",
        "jurisdiction_code",
        "version",
        "loaded_by",
        "created",
        "updated",
        "unchanged",
        "retired",
    ]
