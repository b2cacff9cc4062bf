"""Every access decision in Lantern is made here; views, API and commands only ask.

Each function takes the acting user first and answers one question. Keep one
branch per line so that coverage shows every rule exercised.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from lantern.core.models import OrganisationKind, Role, User

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


# --- The confidential register ---------------------------------------------------------------
#
# Need to know: a case is seen by the registering organisation's case-holding staff, by the
# specialised police authority (every transfer goes to it by law), by an organisation while a
# transfer or referral to it is open (a CaseAccessGrant), and by the hotline operator who
# created it. Statisticians, coordinators, auditors and administrators see no case at all.
# These functions take querysets and objects of the register without importing it, so that
# the dependency stays one way (register depends on access).

CASE_HOLDING_ROLES = frozenset({Role.CASEWORKER, Role.SUPERVISOR, Role.INVESTIGATOR})
# Disclosure levels of a grant (register.models.Disclosure), by value: the policy never imports the register.
REFERENCE_ONLY = "reference_only"
IDENTITY = "identity"
REGISTERING_ROLES = CASE_HOLDING_ROLES | {Role.HOTLINE_OPERATOR}
DECIDING_ROLES = frozenset({Role.SUPERVISOR, Role.INVESTIGATOR})


def _is_specialised_police(user: User) -> bool:
    return (
        user.organisation is not None
        and user.organisation.kind == OrganisationKind.SPECIALISED_POLICE
    )


def can_see_any_case(user: AnyUser) -> bool:
    """Whether ``user`` has any road to case-level data at all (the register, its API)."""
    active = _active_user(user)
    if active is None or active.organisation_id is None:
        return False
    return bool(active.role_codes() & REGISTERING_ROLES)


def visible_cases(user: AnyUser, cases: QuerySet[Any]) -> QuerySet[Any]:
    """Narrow ``cases`` to those ``user`` may know of. Every case query starts here."""
    active = _active_user(user)
    if active is None or not can_see_any_case(active):
        return cases.none()
    roles = active.role_codes()
    if roles & CASE_HOLDING_ROLES and _is_specialised_police(active):
        return cases
    allowed = Q(pk__in=[])
    if roles & CASE_HOLDING_ROLES:
        allowed |= Q(registering_organisation_id=active.organisation_id)
        # A subquery rather than a join: a case with several open grants still comes back once.
        grants = cases.model._meta.get_field("access_grants").related_model._default_manager
        open_grants = grants.filter(organisation_id=active.organisation_id, closed_at__isnull=True)
        # "Reference only" lets a provider handle the referral, not open the case.
        allowed |= Q(pk__in=open_grants.exclude(disclosure=REFERENCE_ONLY).values("case_id"))
    if Role.HOTLINE_OPERATOR in roles:
        allowed |= Q(registered_by_id=active.pk)
    return cases.filter(allowed)


def visible_persons(user: AnyUser, persons: QuerySet[Any]) -> QuerySet[Any]:
    """Persons with at least one case ``user`` may know of."""
    case_model = persons.model._meta.get_field("cases").related_model
    cases = visible_cases(user, case_model._default_manager.all())
    return persons.filter(pk__in=cases.values("person_id"))


def can_view_case(user: AnyUser, case: Any) -> bool:
    return visible_cases(user, type(case)._default_manager.filter(pk=case.pk)).exists()


def can_register_case(user: AnyUser) -> bool:
    active = _active_user(user)
    if active is None or active.organisation_id is None:
        return False
    return bool(active.role_codes() & REGISTERING_ROLES)


def _holds_case(user: User, case: Any) -> bool:
    """Whether the case is the user's organisation's own, or the specialised police's (not a grant)."""
    if _is_specialised_police(user):
        return True
    if case.registering_organisation_id == user.organisation_id:
        return True
    return bool(case.registered_by_id == user.pk)


def _open_grant(user: User, case: Any) -> Any:
    grants = case.access_grants.filter(organisation_id=user.organisation_id, closed_at__isnull=True)
    return grants.order_by("read_only", "-opened_at").first()


def can_edit_case(user: AnyUser, case: Any) -> bool:
    """Edit the non-identifying record: the holders of the case, and providers while a referral is open."""
    active = _active_user(user)
    if active is None or not can_view_case(active, case):
        return False
    if not active.role_codes() & REGISTERING_ROLES:
        return False
    if _holds_case(active, case):
        return True
    grant = _open_grant(active, case)
    return grant is not None and not grant.read_only


def can_decide_identification(user: AnyUser, case: Any) -> bool:
    if not can_view_case(user, case):
        return False
    return bool(roles_of(user) & DECIDING_ROLES)


def seal_blocks(user: AnyUser, person: Any) -> bool:
    """Whether a seal in force keeps ``user``'s organisation away from this person's identity."""
    active = _active_user(user)
    seals = person.seals.filter(lifted_at__isnull=True)
    if active is None or active.organisation_id is None:
        return bool(seals.exists())
    return bool(seals.exclude(permitted_organisations__id=active.organisation_id).exists())


def can_reveal_identity(user: AnyUser, case: Any, *, second_factor_verified: bool) -> bool:
    """Show a person's identity: need to know, a second factor where required, and no seal in the way."""
    if not can_view_case(user, case):
        return False
    if requires_two_factor(user) and not second_factor_verified:
        return False
    if seal_blocks(user, case.person):
        return False
    active = _active_user(user)
    if active is None:
        return False
    if _holds_case(active, case):
        return True
    grant = _open_grant(active, case)
    return grant is not None and grant.disclosure == IDENTITY and not grant.read_only


def can_export_cases(user: AnyUser) -> bool:
    """Case-level exports (never identities): supervisors and investigators."""
    if not can_see_any_case(user):
        return False
    return bool(roles_of(user) & DECIDING_ROLES)


def can_delete_case(user: AnyUser, case: Any) -> bool:
    """A case registered in error is deleted by a supervisor of the organisation that registered it."""
    active = _active_user(user)
    if active is None or not can_view_case(active, case):
        return False
    if Role.SUPERVISOR not in active.role_codes():
        return False
    return bool(case.registering_organisation_id == active.organisation_id)


def can_record_seal(user: AnyUser) -> bool:
    """Seals are recorded by a supervisor of the specialised police authority."""
    active = _active_user(user)
    if active is None or not _is_specialised_police(active):
        return False
    return Role.SUPERVISOR in active.role_codes()


def access_log_filter(user: AnyUser) -> Q | None:
    """Which access-log rows ``user`` may read: auditors all, supervisors their organisation's."""
    active = _active_user(user)
    if active is None:
        return None
    if Role.AUDITOR in active.role_codes():
        return Q()
    if Role.SUPERVISOR in active.role_codes() and active.organisation_id is not None:
        return Q(organisation_id=active.organisation_id)
    return None


# --- The referral mechanism ---------------------------------------------------------------------


def can_refer_case(user: AnyUser, case: Any) -> bool:
    """Transfers and referrals are sent by those who hold the case, not by a provider it was referred to."""
    active = _active_user(user)
    if active is None or not can_edit_case(active, case):
        return False
    return _holds_case(active, case)


def can_override_consent(user: AnyUser, case: Any) -> bool:
    """A referral without consent needs a supervisor's recorded legal reason."""
    if not can_refer_case(user, case):
        return False
    return Role.SUPERVISOR in roles_of(user)


def can_handle_referral(user: AnyUser, referral: Any) -> bool:
    """The provider's and the sender's case-holding staff act on a referral."""
    active = _active_user(user)
    if active is None or not active.role_codes() & CASE_HOLDING_ROLES:
        return False
    return active.organisation_id in (referral.provider_id, referral.sender_id)


def can_grant_reflection_period(user: AnyUser, case: Any) -> bool:
    """Granted by an investigator of the specialised police authority."""
    active = _active_user(user)
    if active is None or not _is_specialised_police(active):
        return False
    return Role.INVESTIGATOR in active.role_codes() and can_view_case(active, case)


def can_see_deadline_queue(user: AnyUser) -> bool:
    """An organisation's due and overdue deadlines: its case-holding staff."""
    active = _active_user(user)
    if active is None or active.organisation_id is None:
        return False
    return bool(active.role_codes() & CASE_HOLDING_ROLES)


def can_see_deadline_counts(user: AnyUser) -> bool:
    """Met, breached and open deadlines per organisation, as counts: the coordinator's secretariat."""
    return bool(roles_of(user) & {Role.COORDINATOR, Role.STATISTICIAN})


def works_for_specialised_police(user: AnyUser) -> bool:
    """The specialised police authority receives every transfer, so it watches every transfer clock."""
    active = _active_user(user)
    return active is not None and _is_specialised_police(active)


# --- Assistance and protection ------------------------------------------------------------------


def can_record_assistance(user: AnyUser, case: Any) -> bool:
    """Payments and permits are recorded by those who may change the case; a payment names the
    recording organisation as its payer."""
    return can_edit_case(user, case)


def can_see_aggregate_totals(user: AnyUser) -> bool:
    """Totals without any case: statisticians and the coordinator's secretariat."""
    return bool(roles_of(user) & {Role.STATISTICIAN, Role.COORDINATOR})


def can_record_shelter_stay(user: AnyUser, case: Any) -> bool:
    """A shelter's staff record stays in their own shelter, for cases they may know of."""
    active = _active_user(user)
    if (
        active is None
        or active.organisation is None
        or active.organisation.kind != OrganisationKind.SHELTER
    ):
        return False
    return bool(active.role_codes() & CASE_HOLDING_ROLES) and can_view_case(active, case)


def can_override_shelter_capacity(user: AnyUser) -> bool:
    return Role.SUPERVISOR in roles_of(user)


def can_see_occupancy(user: AnyUser) -> bool:
    """A shelter's own occupancy, by reference only: its case-holding staff."""
    active = _active_user(user)
    if (
        active is None
        or active.organisation is None
        or active.organisation.kind != OrganisationKind.SHELTER
    ):
        return False
    return bool(active.role_codes() & CASE_HOLDING_ROLES)


# --- The hotline ----------------------------------------------------------------------------------


def _works_at_a_hotline(user: User) -> bool:
    return user.organisation is not None and user.organisation.kind == OrganisationKind.HOTLINE


def can_log_contact(user: AnyUser) -> bool:
    """Operators (and their supervisors) of a hotline log its calls and messages."""
    active = _active_user(user)
    if active is None or not _works_at_a_hotline(active):
        return False
    return bool(active.role_codes() & {Role.HOTLINE_OPERATOR, Role.SUPERVISOR})


def visible_contacts(user: AnyUser, contacts: QuerySet[Any]) -> QuerySet[Any]:
    """A line's contacts are its own staff's; nobody else reads a contact."""
    if not can_log_contact(user):
        return contacts.none()
    active = acting_user(user)
    return contacts.filter(organisation_id=active.organisation_id)


def can_see_hotline_counts(user: AnyUser) -> bool:
    """Counts by line, topic and outcome: statisticians, the coordinator, and the lines' own staff."""
    return can_see_aggregate_totals(user) or can_log_contact(user)


# --- Criminal proceedings ---------------------------------------------------------------------
#
# Criminal cases, facts, accused and wanted persons are seen by the specialised police authority
# and the prosecution. An accused person's identity is revealed only to the specialised police
# authority, which keeps the register of suspects, after the user states why.

JUSTICE_ORGANISATION_KINDS = frozenset(
    {OrganisationKind.SPECIALISED_POLICE, OrganisationKind.PROSECUTION}
)


def can_see_proceedings(user: AnyUser) -> bool:
    active = _active_user(user)
    if active is None or active.organisation is None:
        return False
    if active.organisation.kind not in JUSTICE_ORGANISATION_KINDS:
        return False
    return bool(active.role_codes() & CASE_HOLDING_ROLES)


def can_record_proceedings(user: AnyUser) -> bool:
    """Investigators and supervisors of those bodies record and change proceedings."""
    if not can_see_proceedings(user):
        return False
    return bool(roles_of(user) & DECIDING_ROLES)


def can_link_victim(user: AnyUser, case: Any) -> bool:
    """A victim's case is linked by someone who records proceedings and may know of the case."""
    return can_record_proceedings(user) and can_view_case(user, case)


def can_reveal_accused_identity(user: AnyUser, *, second_factor_verified: bool) -> bool:
    active = _active_user(user)
    if active is None or not can_see_proceedings(active):
        return False
    if requires_two_factor(active) and not second_factor_verified:
        return False
    return _is_specialised_police(active)


# --- Statistics -----------------------------------------------------------------------------------


def can_import_register_data(user: AnyUser) -> bool:
    """Bulk import of cases and their events, into the user's own organisation's register only:
    its supervisors and investigators, who answer for what the register holds."""
    active = _active_user(user)
    if active is None or active.organisation_id is None:
        return False
    return bool(active.role_codes() & DECIDING_ROLES)


def can_view_import_run(user: AnyUser, run: Any) -> bool:
    """An import's report (counts, rejected rows' reasons, never identities): whoever may import
    into that organisation's register."""
    active = _active_user(user)
    if active is None or not can_import_register_data(active):
        return False
    return bool(run.organisation_id is not None and run.organisation_id == active.organisation_id)


def can_export_identities(user: AnyUser) -> bool:
    """Identities in a native export (moving a register to another server): supervisors only;
    each person's identity still needs ``can_reveal_identity``, and the export is access-logged."""
    return can_export_cases(user) and Role.SUPERVISOR in roles_of(user)


def can_import_external_statistics(user: AnyUser) -> bool:
    """Anonymous records of other sources (CTDC) for statistics: statisticians and the
    coordinator's secretariat, who answer for the figures built on them."""
    return can_see_aggregate_totals(user)


def can_release_anonymised_records(user: AnyUser) -> bool:
    """The register as k-anonymised records for CTDC: statisticians and the coordinator's
    secretariat, in their name and access-logged, as for exact statistics."""
    return can_see_aggregate_totals(user)


def can_produce_statistics(user: AnyUser) -> bool:
    """Reports from the register (aggregates only): statisticians and the coordinator's secretariat."""
    return can_see_aggregate_totals(user)
