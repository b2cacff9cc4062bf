"""Operations on organisations and staff accounts."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from lantern.core.models import Organisation, Role, User, UserRole


class AccountError(Exception):
    """An account could not be created; the message says what to change."""


def set_preferred_language(*, user: User, language: str) -> None:
    if language not in dict(settings.LANGUAGES):
        raise ValueError(f"unknown language {language!r}")
    if user.preferred_language != language:
        user.preferred_language = language
        user.save(update_fields=["preferred_language"])


def check_new_account(
    *, username: str, organisation_code: str, roles: Iterable[str], password: str
) -> Organisation:
    """Refuse an account that could not work, saying what to change; return its organisation."""
    if not username.strip():
        raise AccountError("the account name must not be empty.")
    if User.objects.filter(username=username).exists():
        raise AccountError(f"an account named '{username}' already exists.")
    organisation = Organisation.objects.filter(code=organisation_code, is_active=True).first()
    if organisation is None:
        raise AccountError(
            f"there is no active organisation with the code '{organisation_code}'; see the organisation directory or `lantern manage shell`."
        )
    unknown = sorted(set(roles) - set(Role.values))
    if unknown:
        raise AccountError(
            f"unknown role(s): {', '.join(unknown)}; the roles are {', '.join(Role.values)}."
        )
    if not list(roles):
        raise AccountError("give the account at least one role.")
    try:
        validate_password(password, User(username=username))
    except ValidationError as error:
        raise AccountError("the password is too weak: " + " ".join(error.messages)) from None
    return organisation


@transaction.atomic
def create_account(
    *,
    username: str,
    organisation_code: str,
    roles: Iterable[str],
    password: str,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
) -> User:
    role_list = list(dict.fromkeys(roles))
    organisation = check_new_account(
        username=username, organisation_code=organisation_code, roles=role_list, password=password
    )
    user = User(
        username=username,
        organisation=organisation,
        first_name=first_name,
        last_name=last_name,
        email=email,
    )
    user.set_password(password)
    user.save()
    UserRole.objects.bulk_create([UserRole(user=user, role=role) for role in role_list])
    return user
