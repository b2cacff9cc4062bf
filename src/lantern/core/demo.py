"""Demo accounts: one per role, each in the organisation where that person works."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from lantern.core.models import Organisation, OrganisationKind, Role, User, UserRole

DEMO_PASSWORD = "lantern-demo-2026"  # noqa: S105 - printed on screen; demo installations only


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: Role
    first_name: str
    last_name: str
    organisation_codes: tuple[str, ...]
    fallback_kind: OrganisationKind


DEMO_ACCOUNTS = (
    DemoAccount(
        "caseworker",
        Role.CASEWORKER,
        "Leyla",
        "Mammadova",
        ("ssa-assistance-center",),
        OrganisationKind.ASSISTANCE_CENTRE,
    ),
    DemoAccount(
        "supervisor",
        Role.SUPERVISOR,
        "Rauf",
        "Aliyev",
        ("ssa-assistance-center",),
        OrganisationKind.ASSISTANCE_CENTRE,
    ),
    DemoAccount(
        "investigator",
        Role.INVESTIGATOR,
        "Elchin",
        "Huseynov",
        ("mia-ctht",),
        OrganisationKind.SPECIALISED_POLICE,
    ),
    DemoAccount(
        "hotline",
        Role.HOTLINE_OPERATOR,
        "Nigar",
        "Guliyeva",
        ("mia-hotline-152",),
        OrganisationKind.HOTLINE,
    ),
    DemoAccount(
        "statistician",
        Role.STATISTICIAN,
        "Samir",
        "Ismayilov",
        ("state-statistics-committee", "mia"),
        OrganisationKind.STATE_BODY,
    ),
    DemoAccount(
        "coordinator",
        Role.COORDINATOR,
        "Aysel",
        "Karimova",
        ("national-coordinator",),
        OrganisationKind.STATE_BODY,
    ),
    DemoAccount(
        "auditor", Role.AUDITOR, "Farid", "Hasanov", ("ombudsman",), OrganisationKind.STATE_BODY
    ),
    DemoAccount("admin", Role.ADMIN, "Tural", "Jafarov", ("mia",), OrganisationKind.STATE_BODY),
)


def _organisation_for(account: DemoAccount) -> Organisation:
    for code in account.organisation_codes:
        organisation = Organisation.objects.filter(code=code, is_active=True).first()
        if organisation is not None:
            return organisation
    fallback = (
        Organisation.objects.filter(kind=account.fallback_kind, is_active=True)
        .order_by("code")
        .first()
    )
    if fallback is None:
        raise LookupError(
            f"the loaded pack has no organisation of kind '{account.fallback_kind}' for the demo {account.role} account."
        )
    return fallback


@transaction.atomic
def ensure_demo_accounts() -> list[tuple[DemoAccount, User]]:
    """Create the demo accounts, or reset them to their demo state if they exist."""
    accounts = []
    for account in DEMO_ACCOUNTS:
        organisation = _organisation_for(account)
        user, _ = User.objects.get_or_create(username=account.username)
        user.first_name, user.last_name, user.organisation, user.is_active = (
            account.first_name,
            account.last_name,
            organisation,
            True,
        )
        user.set_password(DEMO_PASSWORD)
        user.save()
        user.roles.exclude(role=account.role).delete()
        UserRole.objects.get_or_create(user=user, role=account.role)
        user.forget_cached_roles()
        accounts.append((account, user))
    return accounts
