"""Every role against every access path this issue opens, allowed and refused."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.test import Client

from lantern.access import policy
from lantern.core.models import Organisation, Role
from tests.personas import persona

pytestmark = pytest.mark.django_db

ALL_ROLES = list(Role)
CONFIGURATION_ROLES = {Role.ADMIN}
SECURITY_LOG_ROLES = {Role.ADMIN, Role.AUDITOR}


@pytest.mark.parametrize("role", ALL_ROLES)
def test_every_role_may_read_the_directory(role: Role) -> None:
    user = persona(role)
    assert policy.can_view_directory(user) is True
    client = Client()
    client.force_login(user)
    assert client.get("/directory/").status_code == 200


@pytest.mark.parametrize("role", ALL_ROLES)
def test_only_administrators_manage_configuration(role: Role) -> None:
    user = persona(role)
    client = Client()
    client.force_login(user)
    allowed = role in CONFIGURATION_ROLES
    assert policy.can_manage_configuration(user) is allowed
    response = client.get("/admin/core/organisation/")
    assert response.status_code == (
        200 if allowed else 302 if role not in SECURITY_LOG_ROLES else 403
    )


@pytest.mark.parametrize("role", ALL_ROLES)
def test_refused_configuration_changes_change_nothing(role: Role) -> None:
    user = persona(role)
    client = Client()
    client.force_login(user)
    before = Organisation.objects.count()
    response = client.post(
        "/admin/core/organisation/add/",
        {
            "code": "intruder",
            "name_en": "X",
            "name_az": "X",
            "name_ru": "X",
            "kind": "ngo",
            "aliases": "[]",
        },
    )
    if role in CONFIGURATION_ROLES:
        assert response.status_code == 302
        assert Organisation.objects.count() == before + 1
    else:
        assert response.status_code in (302, 403)
        assert Organisation.objects.count() == before


@pytest.mark.parametrize("role", ALL_ROLES)
def test_security_events_are_for_administrators_and_auditors(role: Role) -> None:
    user = persona(role)
    client = Client()
    client.force_login(user)
    allowed = role in SECURITY_LOG_ROLES
    assert policy.can_view_security_events(user) is allowed
    assert client.get("/admin/access/securityevent/").status_code == (200 if allowed else 302)


@pytest.mark.parametrize("role", ALL_ROLES)
def test_pack_data_is_read_only_even_for_administrators(role: Role) -> None:
    client = Client()
    client.force_login(persona(role))
    assert client.get("/admin/core/deadlinerule/add/").status_code in (302, 403)


def test_anonymous_visitors_are_refused_everything() -> None:
    anonymous = AnonymousUser()
    assert policy.can_view_directory(anonymous) is False
    assert policy.can_use_api(anonymous) is False
    assert policy.can_manage_configuration(anonymous) is False
    assert policy.can_view_security_events(anonymous) is False
    assert policy.roles_of(anonymous) == frozenset()
    with pytest.raises(PermissionDenied):
        policy.acting_user(anonymous)
    assert Client().get("/admin/").status_code == 302


def test_deactivated_staff_lose_every_right() -> None:
    admin = persona(Role.ADMIN)
    admin.is_active = False
    assert policy.can_manage_configuration(admin) is False
    assert policy.can_view_directory(admin) is False
    assert policy.roles_of(admin) == frozenset()


def test_two_factor_is_required_only_for_identity_roles_and_only_when_switched_on(settings) -> None:  # type: ignore[no-untyped-def]
    settings.REQUIRE_2FA = True
    required = {role for role in ALL_ROLES if policy.requires_two_factor(persona(role))}
    assert required == {Role.CASEWORKER, Role.SUPERVISOR, Role.INVESTIGATOR}
    settings.REQUIRE_2FA = False
    assert policy.requires_two_factor(persona(Role.CASEWORKER, username="another")) is False


@pytest.mark.parametrize("role", ALL_ROLES)
def test_every_role_may_read_organisations_through_the_api(role: Role) -> None:
    client = Client()
    client.force_login(persona(role))
    assert client.get("/api/v1/organisations/").status_code == 200


def test_a_superuser_created_with_django_manages_configuration() -> None:
    superuser = persona(Role.AUDITOR, username="root")
    superuser.is_superuser = True
    assert policy.can_manage_configuration(superuser) is True
    assert policy.can_use_admin(superuser) is True


DEADLINE_QUEUE_ROLES = {Role.CASEWORKER, Role.SUPERVISOR, Role.INVESTIGATOR}
DEADLINE_COUNT_ROLES = {Role.COORDINATOR, Role.STATISTICIAN}


@pytest.mark.parametrize("role", ALL_ROLES)
def test_the_deadline_queue_and_the_national_counts(role: Role) -> None:
    client = Client()
    client.force_login(persona(role))
    assert client.get("/deadlines/").status_code == (200 if role in DEADLINE_QUEUE_ROLES else 404)
    assert client.get("/api/v1/deadlines/").status_code == (
        200 if role in DEADLINE_QUEUE_ROLES else 404
    )
    assert client.get("/deadlines/counts/").status_code == (
        200 if role in DEADLINE_COUNT_ROLES else 404
    )
    assert client.get("/api/v1/deadlines/counts/").status_code == (
        200 if role in DEADLINE_COUNT_ROLES else 404
    )


STATISTICS_ROLES = {Role.COORDINATOR, Role.STATISTICIAN}


@pytest.mark.parametrize("role", ALL_ROLES)
def test_statistics_and_external_records_are_for_statisticians_and_the_coordinator(
    role: Role,
) -> None:
    user = persona(role)
    assert policy.can_produce_statistics(user) is (role in STATISTICS_ROLES)
    assert policy.can_import_external_statistics(user) is (role in STATISTICS_ROLES)
    assert policy.can_release_anonymised_records(user) is (role in STATISTICS_ROLES)
