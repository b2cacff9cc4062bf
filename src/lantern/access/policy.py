"""Every access decision in Lantern is made here; views, API and commands only ask.

Each function takes the acting user first and answers one question. Keep one
branch per line so that coverage shows every rule exercised.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied

from lantern.core.models import Role, User

AnyUser = AbstractBaseUser | AnonymousUser

# Roles that will see victims' identities; they sign in with a second factor.
TWO_FACTOR_ROLES = frozenset({Role.CASEWORKER, Role.SUPERVISOR, Role.INVESTIGATOR})


def _active_user(user: AnyUser) -> User | None:
    if not isinstance(user, User):
        return None
    if not user.is_active:
        return None
    return user


def roles_of(user: AnyUser) -> frozenset[str]:
    active = _active_user(user)
    if active is None:
        return frozenset()
    return active.role_codes()


def requires_two_factor(user: AnyUser) -> bool:
    """True when this user must prove a second factor before doing anything else."""
    if not settings.REQUIRE_2FA:
        return False
    return bool(roles_of(user) & TWO_FACTOR_ROLES)


def can_view_directory(user: AnyUser) -> bool:
    """The organisation directory is for every signed-in member of staff."""
    return _active_user(user) is not None


def can_use_api(user: AnyUser) -> bool:
    return _active_user(user) is not None


def can_manage_configuration(user: AnyUser) -> bool:
    """Organisations, users and the jurisdiction pack; never cases."""
    active = _active_user(user)
    if active is None:
        return False
    if active.is_superuser:
        return True
    return Role.ADMIN in active.role_codes()


def can_use_admin(user: AnyUser) -> bool:
    return can_manage_configuration(user)


def can_view_security_events(user: AnyUser) -> bool:
    """Sign-ins, failures and lock-outs: administrators and auditors."""
    if can_manage_configuration(user):
        return True
    return Role.AUDITOR in roles_of(user)


def acting_user(user: AnyUser) -> User:
    """The signed-in, active staff member behind a request; anyone else is refused."""
    active = _active_user(user)
    if active is None:
        raise PermissionDenied
    return active
