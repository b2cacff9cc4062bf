from __future__ import annotations

from typing import TypeVar

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from lantern.access import policy


class LanternAdminSite(admin.AdminSite):
    """Configuration pages; who may enter is the access policy's answer, not Django's is_staff."""

    site_header = _("Lantern configuration")
    site_title = _("Lantern configuration")
    index_title = _("Configuration")

    def has_permission(self, request: HttpRequest) -> bool:
        return policy.can_use_admin(request.user) or policy.can_view_security_events(request.user)


lantern_admin = LanternAdminSite(name="admin")

ModelT = TypeVar("ModelT", bound=Model)


class ConfigurationAdmin(admin.ModelAdmin[ModelT]):
    """Reference data and accounts: administrators manage them, nobody else sees them."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return policy.can_manage_configuration(request.user)

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return policy.can_manage_configuration(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return policy.can_manage_configuration(request.user)

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return policy.can_manage_configuration(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return policy.can_manage_configuration(request.user)


ParentT = TypeVar("ParentT", bound=Model)


class ConfigurationInline(admin.TabularInline[ModelT, ParentT]):
    """Rows edited inside a configuration page (e.g. an account's roles)."""

    extra = 0

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return policy.can_manage_configuration(request.user)

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return policy.can_manage_configuration(request.user)

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return policy.can_manage_configuration(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return policy.can_manage_configuration(request.user)


class PackDataInline(ConfigurationInline[ModelT, ParentT]):
    """Pack rows shown inside their list; they change only by loading a pack."""

    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
