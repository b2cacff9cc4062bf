"""The register's pages: list, quick registration, case page, reveal, edit, decision, screening, seal."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.test import Client
from django.utils import timezone

from lantern.access.models import AccessAction, AccessLogEntry
from lantern.core.models import Role, User
from lantern.register.models import Case, CaseStatus
from lantern.register.services import register_presumed_victim
from tests.register.conftest import registration, staff

pytestmark = pytest.mark.django_db


def client_for(user: User, language: str = "en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def test_the_quick_form_has_at_most_eight_fields_and_registers(ngo_worker: User) -> None:
    client = client_for(ngo_worker)
    page = client.get("/register/new/").content.decode()
    fields = set(re.findall(r'<(?:input|select|textarea)[^>]*name="([^"]+)"', page)) - {
        "csrfmiddlewaretoken",
        "language",
        "next",
    }
    assert len(fields) <= 8, fields
    response = client.post(
        "/register/new/",
        {
            "family_name": "Məmmədova",
            "given_name": "Leyla",
            "sex": "female",
            "citizenship": "AZ",
            "contact_channel": "hotline",
            "is_child": "unknown",
        },
    )
    assert response.status_code == 302
    case = Case.objects.get()
    assert response["Location"] == f"/cases/{case.reference}/"
    assert "Məmmədova" not in response["Location"]


@pytest.mark.parametrize("language", ["en", "az", "ru"])
def test_the_quick_form_explains_mistakes_in_every_language_and_saves_nothing(
    ngo_worker: User, language: str
) -> None:
    response = client_for(ngo_worker, language).post(
        "/register/new/", {"citizenship": "AZ", "contact_channel": "", "birth_year": "1800"}
    )
    assert response.status_code == 400
    assert f'<html lang="{language}">' in response.content.decode()
    assert response.content.decode().count('role="alert"') >= 2
    assert Case.objects.count() == 0


def test_the_register_lists_only_visible_cases_and_searches_names(
    ngo_worker: User, other_ngo_worker: User
) -> None:
    mine = register_presumed_victim(actor=ngo_worker, data=registration())
    register_presumed_victim(actor=other_ngo_worker, data=registration())
    page = client_for(ngo_worker).get("/register/?q=Mammadova").content.decode()
    assert mine.reference in page
    assert page.count("/cases/AZ-") == 1
    assert "Məmmədova" not in page
    assert (
        AccessLogEntry.objects.filter(user=ngo_worker, action=AccessAction.SEARCH_NAME).count() == 1
    )


def test_the_register_sorts_and_filters(ngo_worker: User) -> None:
    first = register_presumed_victim(
        actor=ngo_worker, data=registration(exploitation_forms=["forced_labour"], sex="male")
    )
    second = register_presumed_victim(actor=ngo_worker, data=registration())
    client = client_for(ngo_worker)
    newest_first = client.get("/register/").content.decode()
    assert newest_first.index(second.reference) < newest_first.index(first.reference)
    oldest_first = client.get("/register/?sort=registered").content.decode()
    assert oldest_first.index(first.reference) < oldest_first.index(second.reference)
    labour = client.get("/register/?form=forced_labour").content.decode()
    assert first.reference in labour
    assert second.reference not in labour


def test_a_case_page_shows_no_identity_until_revealed_with_a_reason(ngo_worker: User) -> None:
    case = register_presumed_victim(actor=ngo_worker, data=registration())
    client = client_for(ngo_worker)
    page = client.get(f"/cases/{case.reference}/").content.decode()
    assert "Məmmədova" not in page
    assert "Show identity" in page
    refused = client.post(f"/cases/{case.reference}/identity/", {"reason_code": ""})
    assert refused.status_code == 400
    assert "Məmmədova" not in refused.content.decode()
    revealed = client.post(f"/cases/{case.reference}/identity/", {"reason_code": "arrange_service"})
    assert revealed.status_code == 200
    assert "Məmmədova" in revealed.content.decode()
    assert "no-cache" in revealed["Cache-Control"]
    assert AccessLogEntry.objects.filter(action=AccessAction.REVEAL_IDENTITY).count() == 1
    assert AccessLogEntry.objects.filter(action=AccessAction.VIEW_CASE).count() == 1


def test_an_outsider_gets_404_on_every_case_page(ngo_worker: User, other_ngo_worker: User) -> None:
    case = register_presumed_victim(actor=ngo_worker, data=registration())
    client = client_for(other_ngo_worker)
    for path in ("", "edit/", "decision/", "screening/adult/", "seal/"):
        assert client.get(f"/cases/{case.reference}/{path}").status_code == 404, path
    assert (
        client.post(f"/cases/{case.reference}/identity/", {"reason_code": "safety"}).status_code
        == 404
    )
    assert (
        client.post(
            f"/cases/{case.reference}/status/", {"version": 1, "status": "closed", "reason": "x"}
        ).status_code
        == 404
    )
    assert Case.objects.get(pk=case.pk).status == CaseStatus.PRESUMED


def test_an_edit_from_an_old_version_is_refused_with_a_clear_message(ngo_worker: User) -> None:
    case = register_presumed_victim(actor=ngo_worker, data=registration())
    client = client_for(ngo_worker)
    form = {
        "version": 1,
        "citizenship": "AZ",
        "contact_channel": "ngo_outreach",
        "exploitation_countries": ["AE"],
    }
    assert client.post(f"/cases/{case.reference}/edit/", form).status_code == 302
    stale = client.post(
        f"/cases/{case.reference}/edit/", {**form, "exploitation_countries": ["RU"]}
    )
    assert stale.status_code == 409
    assert "Someone else saved this case" in stale.content.decode()
    assert list(
        Case.objects.get(pk=case.pk).exploitation_countries.values_list("country", flat=True)
    ) == ["AE"]


def test_decision_screening_and_seal_through_the_pages(
    ngo_worker: User, investigator: User, police_supervisor: User
) -> None:
    case = register_presumed_victim(actor=ngo_worker, data=registration())
    police = client_for(investigator)
    decided = police.post(
        f"/cases/{case.reference}/decision/",
        {
            "version": 1,
            "outcome": "identified",
            "decided_on": timezone.localdate().isoformat(),
            "deciding_organisation": investigator.organisation_id,
            "method": "proactive",
        },
    )
    assert decided.status_code == 302
    assert Case.objects.get(pk=case.pk).status == CaseStatus.IDENTIFIED
    screened = client_for(ngo_worker).post(
        f"/cases/{case.reference}/screening/adult/",
        {"documents_withheld": "yes", "deceived_about_job": "yes"},
    )
    assert screened.status_code == 302
    assert case.screenings.get().result == "strong_indication"
    sealed = client_for(police_supervisor).post(
        f"/cases/{case.reference}/seal/",
        {
            "authority": "Prosecutor General's Office",
            "decision_number": "17/2025",
            "decision_date": "2025-03-01",
            "scope": "identity data",
            "permitted_organisations": [police_supervisor.organisation_id],
        },
    )
    assert sealed.status_code == 302
    refused = client_for(ngo_worker).post(
        f"/cases/{case.reference}/identity/", {"reason_code": "contact_victim"}
    )
    assert refused.status_code == 302
    assert (
        AccessLogEntry.objects.filter(action=AccessAction.REVEAL_REFUSED, user=ngo_worker).count()
        == 1
    )


def test_the_export_holds_references_and_codes_never_names(ngo_worker: User) -> None:
    case = register_presumed_victim(actor=ngo_worker, data=registration())
    supervisor = staff("ngo-clean-world", Role.SUPERVISOR)
    response = client_for(supervisor).get("/register/export.csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][0] == "case"
    assert [row[0] for row in rows[1:]] == [case.reference]
    assert "Məmmədova" not in response.content.decode()
    assert (
        AccessLogEntry.objects.filter(action=AccessAction.EXPORT_CASES, user=supervisor).count()
        == 1
    )
    assert client_for(ngo_worker).get("/register/export.csv").status_code == 404


def test_the_access_log_page_is_for_auditors(ngo_worker: User) -> None:
    case = register_presumed_victim(actor=ngo_worker, data=registration())
    client_for(ngo_worker).post(f"/cases/{case.reference}/identity/", {"reason_code": "safety"})
    page = (
        client_for(staff("ombudsman", Role.AUDITOR))
        .get("/access-log/?action=reveal_identity")
        .content.decode()
    )
    assert case.person.reference in page
    assert client_for(ngo_worker).get("/access-log/").status_code == 404


@pytest.mark.parametrize(
    ("organisation", "role", "register_link", "log_link"),
    [
        ("ngo-clean-world", Role.CASEWORKER, True, False),
        ("ngo-clean-world", Role.SUPERVISOR, True, True),
        ("ombudsman", Role.AUDITOR, False, True),
        ("mia", Role.STATISTICIAN, False, False),
        ("mia", Role.ADMIN, False, False),
    ],
)
def test_the_menu_offers_only_what_the_role_may_open(
    az_pack: object, organisation: str, role: Role, register_link: bool, log_link: bool
) -> None:
    page = client_for(staff(organisation, role)).get("/").content.decode()
    assert ('href="/register/"' in page) is register_link
    assert ('href="/access-log/"' in page) is log_link


def test_an_identity_is_corrected_after_a_reveal_and_the_change_is_logged(ngo_worker: User) -> None:
    case = register_presumed_victim(actor=ngo_worker, data=registration())
    client = client_for(ngo_worker)
    revealed = client.post(
        f"/cases/{case.reference}/identity/", {"reason_code": "verify_identity"}
    ).content.decode()
    assert "Correct or complete the identity" in revealed
    refused = client.post(
        f"/cases/{case.reference}/identity/edit/",
        {"family_name": "Məmmədova", "document_type": "passport", "document_number": ""},
    )
    assert refused.status_code == 400
    saved = client.post(
        f"/cases/{case.reference}/identity/edit/",
        {
            "family_name": "Məmmədova-Əliyeva",
            "given_name": "Leyla",
            "aliases": "Lala, Лейла",
            "birth_date": "1993-02-01",
            "document_type": "national_id_card",
            "document_number": "AZE1234567",
            "document_country": "AZ",
            "phone": "+994 50 000 00 01",
        },
    )
    assert saved.status_code == 302
    from lantern.register.identity import open_identity
    from lantern.register.models import Person

    person = Person.objects.get(pk=case.person.pk)
    identity = open_identity(person)
    assert (identity.family_name, identity.aliases, identity.documents[0].number) == (
        "Məmmədova-Əliyeva",
        ["Lala", "Лейла"],
        "AZE1234567",
    )
    assert len(identity.documents) == 1  # the document shown was replaced, not added
    assert (person.birth_year, person.birth_month) == (1993, 2)
    assert (
        AccessLogEntry.objects.filter(action=AccessAction.EDIT_IDENTITY, user=ngo_worker).count()
        == 1
    )
    from lantern.register.services import persons_named

    assert persons_named("Aliyeva", Person.objects.all()).get() == person
    assert "AZE1234567" not in str(list(person.history.values()))


def test_an_outsider_cannot_post_an_identity(ngo_worker: User, other_ngo_worker: User) -> None:
    case = register_presumed_victim(actor=ngo_worker, data=registration())
    assert (
        client_for(other_ngo_worker)
        .post(f"/cases/{case.reference}/identity/edit/", {"family_name": "X"})
        .status_code
        == 404
    )
    from lantern.register.identity import open_identity

    assert open_identity(case.person).family_name == "Məmmədova"


def test_the_timeline_runs_in_the_order_things_happened(
    ngo_worker: User, investigator: User
) -> None:
    case = register_presumed_victim(actor=ngo_worker, data=registration())
    client_for(ngo_worker).post(
        f"/cases/{case.reference}/screening/adult/", {"documents_withheld": "yes"}
    )
    client_for(investigator).post(
        f"/cases/{case.reference}/decision/",
        {
            "version": 1,
            "outcome": "identified",
            "decided_on": timezone.localdate().isoformat(),
            "deciding_organisation": investigator.organisation_id,
            "method": "proactive",
        },
    )
    page = client_for(investigator).get(f"/cases/{case.reference}/").content.decode()
    timeline = page[page.index('<ol class="timeline">') : page.index("</ol>")]
    order = [
        timeline.index(text) for text in ("Registered", "Screening (", "Identified as a victim")
    ]
    assert order == sorted(order)
