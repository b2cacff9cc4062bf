"""Registering, editing and deciding on cases; the vault; name search; seals; screenings."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from lantern.access.models import AccessAction, AccessLogEntry
from lantern.access.vault import VaultError
from lantern.core.models import Questionnaire, User
from lantern.register.identity import Identity, open_identity
from lantern.register.models import Case, CaseStatus, Person, PersonIdentity
from lantern.register.services import (
    DecisionInput,
    EditConflict,
    RegisterError,
    SealInput,
    change_status,
    persons_named,
    record_identification_decision,
    record_screening,
    record_seal,
    register_presumed_victim,
    reveal_identity,
    unsealed_for,
    update_case,
)
from tests.register.conftest import registration

pytestmark = pytest.mark.django_db


def test_registration_gives_pseudonymous_references_and_a_status_history(
    registered_case: Case, ngo_worker: User
) -> None:
    year = registered_case.registered_at.year
    assert registered_case.person.reference == f"AZ-{year}-000001"
    assert registered_case.reference == f"AZ-{year}-000002"
    assert registered_case.status == CaseStatus.PRESUMED
    assert registered_case.registering_organisation == ngo_worker.organisation
    assert list(registered_case.status_changes.values_list("from_status", "to_status")) == [
        ("", "presumed")
    ]
    assert list(registered_case.exploitation_forms.values_list("code", flat=True)) == [
        "sexual_exploitation"
    ]
    person = registered_case.person
    assert (person.birth_year, person.birth_month, person.birth_date_precision) == (
        1994,
        5,
        "exact",
    )
    assert registered_case.child_at_registration is False


def test_references_restart_each_year(ngo_worker: User) -> None:
    first = register_presumed_victim(
        actor=ngo_worker,
        data=registration(),
        now=datetime.datetime(2025, 12, 31, 12, tzinfo=datetime.UTC),
    )
    second = register_presumed_victim(
        actor=ngo_worker,
        data=registration(),
        now=datetime.datetime(2026, 1, 2, 12, tzinfo=datetime.UTC),
    )
    assert first.reference == "AZ-2025-000002"
    assert second.person.reference == "AZ-2026-000001"


def test_identity_is_sealed_and_opens_again(registered_case: Case) -> None:
    record = PersonIdentity.objects.get(person=registered_case.person)
    assert record.key_id == "test1"
    assert b"Leyla" not in bytes(record.sealed)
    identity = open_identity(registered_case.person)
    assert (identity.given_name, identity.family_name, identity.phone) == (
        "Leyla",
        "Məmmədova",
        "+994 50 123 45 67",
    )
    assert identity.documents[0].number == "C03345678"


def test_a_sealed_identity_copied_to_another_person_does_not_open(
    ngo_worker: User, registered_case: Case
) -> None:
    other = register_presumed_victim(
        actor=ngo_worker, data=registration(identity=Identity(given_name="Aysel"))
    )
    stolen = PersonIdentity.objects.get(person=registered_case.person)
    PersonIdentity.objects.filter(person=other.person).update(
        sealed=stolen.sealed, key_id=stolen.key_id
    )
    with pytest.raises(VaultError, match="integrity check"):
        open_identity(Person.objects.get(pk=other.person.pk))


@pytest.mark.parametrize(
    "spelling", ["Mammadova", "Məmmədova", "Мамедова", "MAMMADOVA", "leyla mammadova"]
)
def test_name_search_meets_every_spelling(ngo_worker: User, spelling: str) -> None:
    azerbaijani = register_presumed_victim(actor=ngo_worker, data=registration())
    russian = register_presumed_victim(
        actor=ngo_worker,
        data=registration(identity=Identity(given_name="Лейла", family_name="Мамедова")),
    )
    register_presumed_victim(
        actor=ngo_worker,
        data=registration(identity=Identity(given_name="Aysel", family_name="Quliyeva")),
    )
    found = set(persons_named(spelling, Person.objects.all()).values_list("pk", flat=True))
    assert found == {azerbaijani.person.pk, russian.person.pk}


def test_a_search_with_no_name_finds_nobody(registered_case: Case) -> None:
    assert persons_named("  12 ", Person.objects.all()).count() == 0


def test_the_database_holds_no_name_document_or_phone(registered_case: Case) -> None:
    tables = connection.introspection.table_names()
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - table names from introspection
            for row in cursor.fetchall():
                text = " ".join(
                    str(value) for value in row if not isinstance(value, bytes | memoryview)
                )
                raw = b"".join(
                    bytes(value) for value in row if isinstance(value, bytes | memoryview)
                )
                for secret in ("Leyla", "Məmmədova", "C03345678", "123 45 67", "Nizami"):
                    assert secret not in text, (table, secret)
                    assert secret.encode() not in raw, (table, secret)


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"identity": Identity(birth_date=datetime.date(2999, 1, 1))},
            "birth_date",
            "in the future",
        ),
        ({"citizenship": "QQ"}, "citizenship", "not in the list"),
        ({"citizenship": ""}, "citizenship", "required"),
        (
            {
                "exploitation_from": datetime.date(2024, 5, 1),
                "exploitation_to": datetime.date(2023, 1, 1),
            },
            "exploitation_to",
            "ends before it starts",
        ),
        ({"is_child": True}, "is_child", "makes the person an adult"),
        (
            {"identity": Identity(birth_date=datetime.date(2015, 1, 1)), "is_child": False},
            "is_child",
            "makes the person a child",
        ),
        ({"exploitation_forms": ["fishing"]}, "exploitation_forms", "fishing"),
        ({"contact_channel": "carrier pigeon"}, "contact_channel", "not in the list"),
        ({"status": CaseStatus.IDENTIFIED}, "status", "potential or presumed"),
    ],
)
def test_bad_registrations_are_refused_whole(
    ngo_worker: User, overrides: dict[str, object], field: str, message: str
) -> None:
    with pytest.raises(RegisterError) as refused:
        register_presumed_victim(actor=ngo_worker, data=registration(**overrides))
    assert message in " ".join(refused.value.errors[field])
    assert Person.objects.count() == 0
    assert Case.objects.count() == 0
    assert PersonIdentity.objects.count() == 0


def test_a_child_with_only_a_birth_year_counts_as_a_child_until_the_year_is_out(
    ngo_worker: User,
) -> None:
    with time_machine.travel(datetime.datetime(2026, 6, 1, 9, tzinfo=datetime.UTC), tick=False):
        case = register_presumed_victim(
            actor=ngo_worker,
            data=registration(
                identity=Identity(),
                birth_year=2008,
                is_child=True,
                is_unaccompanied=True,
                citizenship="UZ",
            ),
        )
    assert case.child_at_registration is True
    assert case.unaccompanied_foreign_minor is True


def test_concurrent_edits_the_second_save_is_refused(
    registered_case: Case, investigator: User, ngo_worker: User
) -> None:
    opened_version = registered_case.version
    update_case(
        actor=ngo_worker,
        case=registered_case,
        expected_version=opened_version,
        changes={"exploitation_countries": ["TR", "AE"]},
    )
    with pytest.raises(EditConflict):
        update_case(
            actor=investigator,
            case=registered_case,
            expected_version=opened_version,
            changes={"exploitation_countries": ["RU"]},
        )
    case = Case.objects.get(pk=registered_case.pk)
    assert sorted(case.exploitation_countries.values_list("country", flat=True)) == ["AE", "TR"]
    assert case.version == opened_version + 1


def test_an_edit_records_history_with_who_changed_it(
    registered_case: Case, ngo_worker: User
) -> None:
    update_case(
        actor=ngo_worker,
        case=registered_case,
        expected_version=1,
        changes={"recruitment_channel": "online_social_media", "online_platform": "instagram"},
    )
    latest = Case.objects.get(pk=registered_case.pk).history.first()
    assert latest is not None
    assert latest.history_user == ngo_worker
    assert latest.online_platform == "instagram"


def test_identification_decision_identifies_and_derives_the_age(
    registered_case: Case, investigator: User
) -> None:
    police = investigator.organisation
    decided_on = timezone.localdate()
    record_identification_decision(
        actor=investigator,
        case=registered_case,
        expected_version=1,
        decision=DecisionInput(
            decided_on=decided_on,
            deciding_organisation=police,
            method="proactive",
            outcome="identified",
        ),
    )
    case = Case.objects.get(pk=registered_case.pk)
    assert case.status == CaseStatus.IDENTIFIED
    assert (case.identified_on, case.identifying_organisation, case.identification_method) == (
        decided_on,
        police,
        "proactive",
    )
    expected_age = decided_on.year - 1994 - ((decided_on.month, decided_on.day) < (5, 17))
    assert case.age_at_identification == expected_age
    assert case.child_at_identification is False
    assert list(case.status_changes.values_list("to_status", flat=True)) == [
        "presumed",
        "identified",
    ]


@pytest.mark.parametrize(
    ("decision", "field"),
    [
        (
            DecisionInput(
                decided_on=None,
                deciding_organisation=None,
                method="proactive",
                outcome="identified",
            ),
            "decided_on",
        ),
        (
            DecisionInput(
                decided_on=datetime.date(2001, 1, 1),
                deciding_organisation=None,
                method="proactive",
                outcome="identified",
            ),
            "decided_on",
        ),
        (
            DecisionInput(
                decided_on=timezone.localdate(),
                deciding_organisation=None,
                method="proactive",
                outcome="identified",
            ),
            "deciding_organisation",
        ),
        (
            DecisionInput(
                decided_on=timezone.localdate(),
                deciding_organisation=None,
                method="",
                outcome="identified",
            ),
            "method",
        ),
    ],
)
def test_an_incomplete_decision_is_refused_and_changes_nothing(
    registered_case: Case, investigator: User, decision: DecisionInput, field: str
) -> None:
    with pytest.raises(RegisterError) as refused:
        record_identification_decision(
            actor=investigator, case=registered_case, expected_version=1, decision=decision
        )
    assert field in refused.value.errors
    case = Case.objects.get(pk=registered_case.pk)
    assert (case.status, case.version, case.decisions.count()) == (CaseStatus.PRESUMED, 1, 0)


def test_closing_needs_a_reason(registered_case: Case, ngo_worker: User) -> None:
    with pytest.raises(RegisterError):
        change_status(
            actor=ngo_worker,
            case=registered_case,
            expected_version=1,
            status=CaseStatus.CLOSED,
            reason=" ",
        )
    change_status(
        actor=ngo_worker,
        case=registered_case,
        expected_version=1,
        status=CaseStatus.CLOSED,
        reason="Returned to family",
    )
    assert Case.objects.get(pk=registered_case.pk).status == CaseStatus.CLOSED


def test_a_reveal_needs_a_known_reason_and_is_logged_once(
    registered_case: Case, ngo_worker: User
) -> None:
    with pytest.raises(RegisterError):
        reveal_identity(
            actor=ngo_worker,
            case=registered_case,
            reason_code="",
            reason_text="",
            client_address="10.0.0.5",
        )
    with pytest.raises(RegisterError):
        reveal_identity(
            actor=ngo_worker,
            case=registered_case,
            reason_code="other",
            reason_text="",
            client_address="10.0.0.5",
        )
    assert AccessLogEntry.objects.count() == 0
    identity = reveal_identity(
        actor=ngo_worker,
        case=registered_case,
        reason_code="contact_victim",
        reason_text="",
        client_address="10.0.0.5",
    )
    assert identity.family_name == "Məmmədova"
    entry = AccessLogEntry.objects.get()
    assert (
        entry.action,
        entry.user,
        entry.person_reference,
        entry.reason_code,
        entry.client_address,
    ) == (
        AccessAction.REVEAL_IDENTITY,
        ngo_worker,
        registered_case.person.reference,
        "contact_victim",
        "10.0.0.5",
    )
    assert "family_name" in entry.fields.split(",")


def test_the_access_log_cannot_be_changed_or_deleted(
    registered_case: Case, ngo_worker: User
) -> None:
    reveal_identity(
        actor=ngo_worker,
        case=registered_case,
        reason_code="safety",
        reason_text="",
        client_address=None,
    )
    entry = AccessLogEntry.objects.get()
    entry.reason_text = "nothing to see"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        AccessLogEntry.objects.all().delete()
    with pytest.raises(PermissionError):
        AccessLogEntry.objects.update(reason_text="x")
    assert AccessLogEntry.objects.get().reason_text == ""


def test_a_seal_hides_the_person_from_everyone_not_named(
    registered_case: Case, police_supervisor: User, ngo_worker: User
) -> None:
    police = police_supervisor.organisation
    assert police is not None
    record_seal(
        actor=police_supervisor,
        person=registered_case.person,
        data=SealInput(
            authority="Baku Court for Serious Crimes",
            decision_number="1(101)-121/2023",
            decision_date=datetime.date(2024, 3, 1),
            scope="identity data",
            permitted_organisations=[police],
        ),
    )
    found = persons_named("Mammadova", Person.objects.all())
    assert unsealed_for(police.pk, found).count() == 1
    assert unsealed_for(ngo_worker.organisation_id, found).count() == 0


def test_an_incomplete_seal_is_refused(registered_case: Case, police_supervisor: User) -> None:
    with pytest.raises(RegisterError) as refused:
        record_seal(
            actor=police_supervisor,
            person=registered_case.person,
            data=SealInput(
                authority="",
                decision_number="",
                decision_date=None,
                scope="",
                permitted_organisations=[],
            ),
        )
    assert set(refused.value.errors) == {"authority", "decision_number", "decision_date", "scope"}
    assert registered_case.person.seals.count() == 0


@pytest.mark.parametrize(
    ("yes", "result"),
    [
        (["deceived_about_job", "documents_withheld"], "strong_indication"),
        (["documents_withheld"], "some_indication"),
        ([], "no_indication"),
    ],
)
def test_a_screening_records_the_result_and_the_rule(
    registered_case: Case, ngo_worker: User, yes: list[str], result: str
) -> None:
    adult = Questionnaire.objects.get(code="adult")
    codes = list(adult.questions.values_list("code", flat=True))
    for code in yes:
        assert code in codes, codes
    answers = {code: ("yes" if code in yes else "no") for code in codes}
    screening = record_screening(
        actor=ngo_worker, case=registered_case, questionnaire=adult, answers=answers
    )
    assert screening.result == result
    assert screening.rule.startswith(result)
    assert screening.answers.count() == len(codes)
    assert Case.objects.get(pk=registered_case.pk).status == CaseStatus.PRESUMED


def test_a_screening_with_an_unknown_question_is_refused(
    registered_case: Case, ngo_worker: User
) -> None:
    adult = Questionnaire.objects.get(code="adult")
    with pytest.raises(RegisterError):
        record_screening(
            actor=ngo_worker,
            case=registered_case,
            questionnaire=adult,
            answers={"likes_tea": "yes"},
        )
    assert registered_case.screenings.count() == 0


def test_a_seal_is_lifted_by_a_recorded_decision(
    registered_case: Case, police_supervisor: User, ngo_worker: User
) -> None:
    from lantern.register.services import lift_seal

    police = police_supervisor.organisation
    assert police is not None
    seal_record = record_seal(
        actor=police_supervisor,
        person=registered_case.person,
        data=SealInput("Court", "1/2025", datetime.date(2025, 1, 10), "identity", [police]),
    )
    with pytest.raises(RegisterError):
        lift_seal(actor=police_supervisor, seal_record=seal_record, decision=" ")
    lift_seal(actor=police_supervisor, seal_record=seal_record, decision="Court decision 2/2025")
    with pytest.raises(RegisterError, match="already lifted"):
        lift_seal(actor=police_supervisor, seal_record=seal_record, decision="again")
    found = persons_named("Mammadova", Person.objects.all())
    assert unsealed_for(ngo_worker.organisation_id, found).count() == 1
