from __future__ import annotations

from axes.models import AccessAttempt
from django.contrib import admin
from django.http import HttpRequest

from lantern.access import policy
from lantern.access.models import SecurityEvent
from lantern.core.admin_site import lantern_admin


@admin.register(SecurityEvent, site=lantern_admin)
class SecurityEventAdmin(admin.ModelAdmin[SecurityEvent]):
    list_display = ["at", "kind", "username", "ip_address", "detail"]
    list_filter = ["kind", "at"]
    search_fields = ["username"]
    date_hierarchy = "at"

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return policy.can_view_security_events(request.user)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return policy.can_view_security_events(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(AccessAttempt, site=lantern_admin)
class SignInAttemptAdmin(admin.ModelAdmin[AccessAttempt]):
    """Accounts with recent failed sign-ins; those at the limit are locked."""

    list_display = ["username", "failures_since_start", "attempt_time", "ip_address"]
    search_fields = ["username"]
    fields = readonly_fields = ("username", "failures_since_start", "attempt_time", "ip_address")

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return policy.can_view_security_events(request.user)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return policy.can_view_security_events(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        # Deleting the row lifts the lock-out.
        return policy.can_manage_configuration(request.user)
