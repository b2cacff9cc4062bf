"""One persona per role, each in the kind of organisation where that person works."""

from __future__ import annotations

from lantern.core.models import OrganisationKind, Role, User
from tests.factories import OrganisationFactory, UserFactory

ROLE_ORGANISATION_KIND = {
    Role.CASEWORKER: OrganisationKind.ASSISTANCE_CENTRE,
    Role.SUPERVISOR: OrganisationKind.ASSISTANCE_CENTRE,
    Role.INVESTIGATOR: OrganisationKind.SPECIALISED_POLICE,
    Role.HOTLINE_OPERATOR: OrganisationKind.HOTLINE,
    Role.STATISTICIAN: OrganisationKind.STATE_BODY,
    Role.COORDINATOR: OrganisationKind.STATE_BODY,
    Role.AUDITOR: OrganisationKind.STATE_BODY,
    Role.ADMIN: OrganisationKind.STATE_BODY,
}


def persona(role: Role, username: str | None = None) -> User:
    kind = ROLE_ORGANISATION_KIND[role]
    organisation = OrganisationFactory(code=f"persona-{kind}", kind=kind)
    user: User = UserFactory(
        username=username or f"persona-{role}", organisation=organisation, roles=[role]
    )
    return user
