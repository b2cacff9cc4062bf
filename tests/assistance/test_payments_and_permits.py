"""Benefits paid at the rate in force, once where the pack says so; residence permits as chains with gaps."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from lantern.assistance.models import Payment, ResidencePermit
from lantern.assistance.services import (
    AssistanceError,
    chains_of,
    record_payment,
    record_residence_permit,
)
from lantern.core.models import BenefitType, Role, User
from lantern.register.identity import Identity
from lantern.register.services import register_presumed_victim
from tests.register.conftest import registration, staff

pytestmark = pytest.mark.django_db


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def post(user: User, path: str, body: dict[str, Any]) -> Any:
    return client_for(user).post(path, body, content_type="application/json")


@pytest.mark.parametrize(
    ("paid_on", "amount"),
    [
        (datetime.date(2011, 3, 1), Decimal("200.00")),
        (datetime.date(2013, 3, 1), Decimal("400.00")),
        (datetime.date(2020, 3, 1), Decimal("700.00")),
    ],
)
def test_the_amount_defaults_to_the_rate_in_force(
    ngo_worker: User, paid_on: datetime.date, amount: Decimal
) -> None:
    case = register_presumed_victim(actor=ngo_worker, data=registration())
    payment = record_payment(
        actor=ngo_worker,
        case=case,
        benefit=BenefitType.objects.get(code="one_time_allowance"),
        paid_on=paid_on,
    )
    assert payment.amount == amount
    assert payment.payer == ngo_worker.organisation
    assert "Resolution" in payment.legal_basis


def test_the_one_time_allowance_is_paid_once_per_person(ngo_worker: User) -> None:
    first_case = register_presumed_victim(actor=ngo_worker, data=registration())
    allowance = BenefitType.objects.get(code="one_time_allowance")
    record_payment(
        actor=ngo_worker, case=first_case, benefit=allowance, paid_on=datetime.date(2020, 3, 1)
    )
    with pytest.raises(AssistanceError) as refused:
        record_payment(
            actor=ngo_worker, case=first_case, benefit=allowance, paid_on=datetime.date(2021, 5, 1)
        )
    assert "it was paid on 2020-03-01" in refused.value.errors["benefit"][0]
    assert Payment.objects.count() == 1
    # The Fund may pay the same person again.
    fund = BenefitType.objects.get(code="assistance_fund_payment")
    record_payment(
        actor=ngo_worker, case=first_case, benefit=fund, paid_on=datetime.date(2021, 5, 1)
    )
    record_payment(
        actor=ngo_worker, case=first_case, benefit=fund, paid_on=datetime.date(2022, 5, 1)
    )
    assert Payment.objects.count() == 3


def test_a_different_amount_needs_a_reason(ngo_worker: User) -> None:
    case = register_presumed_victim(actor=ngo_worker, data=registration())
    allowance = BenefitType.objects.get(code="one_time_allowance")
    with pytest.raises(AssistanceError) as refused:
        record_payment(
            actor=ngo_worker,
            case=case,
            benefit=allowance,
            paid_on=datetime.date(2020, 3, 1),
            amount=Decimal("650"),
        )
    assert "700.00 AZN" in refused.value.errors["amount_reason"][0]
    payment = record_payment(
        actor=ngo_worker,
        case=case,
        benefit=allowance,
        paid_on=datetime.date(2020, 3, 1),
        amount=Decimal("650"),
        amount_reason="part paid in kind",
    )
    assert payment.amount == Decimal("650")


def test_payments_through_the_api_with_totals_for_statisticians(
    ngo_worker: User, other_ngo_worker: User
) -> None:
    reference = post(
        ngo_worker, "/api/v1/cases/", {"citizenship": "AZ", "contact_channel": "ngo_outreach"}
    ).json()["reference"]
    first = post(
        ngo_worker,
        "/api/v1/payments/",
        {"case": reference, "benefit": "one_time_allowance", "paid_on": "2013-03-01"},
    )
    assert first.status_code == 201, first.content
    assert first.json()["amount"] == "400.00"
    second = post(
        ngo_worker,
        "/api/v1/payments/",
        {"case": reference, "benefit": "one_time_allowance", "paid_on": "2014-03-01"},
    )
    assert second.status_code == 400
    assert "2013-03-01" in second.json()["benefit"][0]
    assert (
        post(
            other_ngo_worker,
            "/api/v1/payments/",
            {"case": reference, "benefit": "one_time_allowance", "paid_on": "2013-03-01"},
        ).status_code
        == 404
    )
    statistician = client_for(staff("state-statistics-committee", Role.STATISTICIAN))
    assert statistician.get("/api/v1/payments/totals/").json() == [
        {
            "benefit": "one_time_allowance",
            "year": 2013,
            "payer": "ngo-clean-world",
            "persons": 1,
            "payments": 1,
            "total": "400.00",
            "currency": "AZN",
        }
    ]
    assert statistician.get("/api/v1/payments/").status_code == 404
    assert client_for(ngo_worker).get("/api/v1/payments/totals/").status_code == 404


def test_a_nigerian_victims_permits_form_one_chain_and_the_gap_is_shown(ngo_worker: User) -> None:
    case = register_presumed_victim(
        actor=ngo_worker,
        data=registration(
            citizenship="NG", identity=Identity(birth_date=datetime.date(2005, 4, 1))
        ),
    )
    first = record_residence_permit(
        actor=ngo_worker,
        case=case,
        permit_type="personal_situation",
        legal_basis="Migration Code Art. 45.1.10-1",
        valid_from=datetime.date(2022, 7, 25),
        valid_to=datetime.date(2023, 7, 25),
    )
    second = record_residence_permit(
        actor=ngo_worker,
        case=case,
        permit_type="personal_situation",
        legal_basis="Migration Code Art. 45.1.10-1",
        valid_from=datetime.date(2023, 10, 9),
        valid_to=datetime.date(2024, 10, 9),
        renews=first,
    )
    [(chain, gaps)] = chains_of(case)
    assert chain == [first, second]
    assert [(gap.first_day, gap.last_day, gap.days) for gap in gaps] == [
        (datetime.date(2023, 7, 26), datetime.date(2023, 10, 8), 75)
    ]
    page = client_for(ngo_worker).get(f"/cases/{case.reference}/assistance/").content.decode()
    assert "No valid permit from 2023-07-26 to 2023-10-08 (75 days)." in page
    listed = client_for(ngo_worker).get("/api/v1/residence-permits/").json()["results"]
    assert [row["gap_before_days"] for row in listed] == [None, 75]


def test_a_permit_that_ends_before_it_starts_or_renews_twice_is_refused(ngo_worker: User) -> None:
    case = register_presumed_victim(actor=ngo_worker, data=registration(citizenship="RU"))
    with pytest.raises(AssistanceError):
        record_residence_permit(
            actor=ngo_worker,
            case=case,
            permit_type="other",
            legal_basis="x",
            valid_from=datetime.date(2022, 1, 1),
            valid_to=datetime.date(2021, 1, 1),
        )
    first = record_residence_permit(
        actor=ngo_worker,
        case=case,
        permit_type="other",
        legal_basis="x",
        valid_from=datetime.date(2021, 1, 20),
        valid_to=datetime.date(2022, 1, 20),
    )
    record_residence_permit(
        actor=ngo_worker,
        case=case,
        permit_type="other",
        legal_basis="x",
        valid_from=datetime.date(2022, 1, 21),
        valid_to=datetime.date(2023, 1, 21),
        renews=first,
    )
    with pytest.raises(AssistanceError, match="renews"):
        record_residence_permit(
            actor=ngo_worker,
            case=case,
            permit_type="other",
            legal_basis="x",
            valid_from=datetime.date(2022, 2, 1),
            valid_to=datetime.date(2023, 2, 1),
            renews=first,
        )
    assert ResidencePermit.objects.count() == 2
    [(chain, gaps)] = chains_of(case)
    assert len(chain) == 2
    assert gaps == []


@pytest.mark.parametrize("role", list(Role))
def test_who_records_and_reads_assistance(ngo_worker: User, role: Role) -> None:
    case = register_presumed_victim(actor=ngo_worker, data=registration())
    for organisation in ("ngo-clean-world", "ngo-contact", "mia"):
        user = staff(organisation, role, username=f"{role}-{organisation}-assistance")
        allowed = (
            role in (Role.CASEWORKER, Role.SUPERVISOR, Role.INVESTIGATOR)
            and organisation == "ngo-clean-world"
        )
        assert client_for(user).get(f"/cases/{case.reference}/assistance/").status_code == (
            200 if allowed else 404
        )
        response = client_for(user).post(
            f"/cases/{case.reference}/assistance/payment/",
            {
                "benefit": BenefitType.objects.get(code="assistance_fund_payment").pk,
                "paid_on": "2021-01-01",
            },
        )
        assert response.status_code == (302 if allowed else 404)
    assert Payment.objects.count() == (
        1 if role in (Role.CASEWORKER, Role.SUPERVISOR, Role.INVESTIGATOR) else 0
    )
