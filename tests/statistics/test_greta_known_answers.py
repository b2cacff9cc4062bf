"""GRETA tables from a small register with answers worked out by hand, entered through the API.

The four people of ``register`` are chosen for the cases that trip hand-made tables: a victim of
two forms of exploitation, a child who turns 18 between registration and identification, a person
identified in two different years, and allowances paid before and after a rate change.
``full_register`` adds to them a record for every other table (asylum channel, legal
representatives, reflection periods, compensation, legal aid, repatriation, criminal cases and
judgments, residence permits, assistance), and its test checks every cell of every table.
"""

from __future__ import annotations

import datetime
import json
import subprocess
import sys
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client

from lantern.core.models import Role, User
from lantern.statistics.greta import build_greta
from tests.register.conftest import staff
from tests.statistics.conftest import STATISTICIAN

pytestmark = pytest.mark.django_db

BAKU = ZoneInfo("Asia/Baku")
# What the API answered for the records the tables are checked on, by the part each plays.
Register = dict[str, dict[str, Any]]


def _at(day: str) -> Any:
    moment = datetime.datetime.fromisoformat(day).replace(hour=11, tzinfo=BAKU)
    return time_machine.travel(moment, tick=False)


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _post(user: User, url: str, body: dict[str, Any], expected: int = 201) -> dict[str, Any]:
    response = _client(user).post(url, body, content_type="application/json")
    assert response.status_code == expected, response.content
    answer: dict[str, Any] = response.json()
    return answer


def _person(worker: User, day: str, **fields: Any) -> dict[str, Any]:
    with _at(day):
        return _post(worker, "/api/v1/cases/", {"contact_channel": "ngo_outreach", **fields})


def _identify(
    investigator: User, case: dict[str, Any], day: str, method: str = "proactive"
) -> None:
    with _at(day):
        _post(
            investigator,
            f"/api/v1/cases/{case['reference']}/decisions/",
            {
                "version": 1,
                "decided_on": day,
                "deciding_organisation": "mia-ctht",
                "method": method,
                "outcome": "identified",
            },
        )


def _allowance(worker: User, case: dict[str, Any], day: str) -> None:
    with _at(day):
        paid = _post(
            worker,
            "/api/v1/payments/",
            {"case": case["reference"], "benefit": "one_time_allowance", "paid_on": day},
        )
    assert paid["amount"] in ("400.00", "700.00")


@pytest.fixture
def register(ngo_worker: User, investigator: User) -> Register:
    two_forms = _person(
        ngo_worker,
        "2019-03-01",
        sex="female",
        citizenship="AZ",
        identity={"family_name": "Aliyeva", "birth_date": "1990-05-01"},
        exploitation_forms=["sexual_exploitation", "forced_labour"],
        exploitation_scope="transnational",
    )
    _identify(investigator, two_forms, "2019-03-10")
    _allowance(ngo_worker, two_forms, "2019-04-01")  # 400 manats: before 4 June 2019
    turns_eighteen = _person(
        ngo_worker,
        "2019-05-01",
        sex="male",
        citizenship="UZ",
        identity={"family_name": "Karimov", "birth_date": "2001-05-20"},
        exploitation_forms=["forced_labour"],
        exploitation_scope="domestic",
    )
    _identify(investigator, turns_eighteen, "2019-06-10")
    _allowance(ngo_worker, turns_eighteen, "2019-07-01")  # 700 manats: after the change
    child = _person(
        ngo_worker,
        "2019-08-01",
        sex="female",
        citizenship="AZ",
        identity={"family_name": "Həsənova", "birth_date": "2005-01-01"},
        exploitation_forms=["sexual_exploitation"],
        exploitation_scope="transnational",
    )
    _identify(investigator, child, "2019-08-20")
    again = _person(
        ngo_worker,
        "2020-02-01",
        person=child["person"],
        citizenship="AZ",
        exploitation_forms=["sexual_exploitation"],
        exploitation_scope="domestic",
    )
    _identify(investigator, again, "2020-03-01")
    never_identified = _person(ngo_worker, "2019-09-01", sex="female", citizenship="AZ")
    return {
        "two_forms": two_forms,
        "turns_eighteen": turns_eighteen,
        "child": child,
        "child_again": again,
        "never_identified": never_identified,
    }


def _table(report: dict[str, Any], table_id: str) -> dict[str, dict[str, Any]]:
    table = next(table for table in report["tables"] if table["id"] == table_id)
    cells: dict[str, dict[str, Any]] = table["cells"]
    return cells


def test_every_cell_of_table_1_and_table_6_is_as_worked_out_by_hand(register: Register) -> None:
    report = build_greta(2019, 2020)
    assert report["violations"] == []
    table_1 = _table(report, "table_1")
    assert table_1["2019"] == {
        "total": 3,
        "sex.female": 2,
        "sex.male": 1,
        "sex.unknown": 0,
        "age.child": 1,
        "age.18-25": 1,  # seventeen when registered, eighteen when identified
        "age.25-35": 1,
        "age.35-55": 0,
        "age.55-plus": 0,
        "age.unknown": 0,
        "form.forced_labour": 2,  # the victim of two forms counts under each
        "form.sexual_exploitation": 2,
        "form.unknown": 0,
        "citizenship.AZ": 2,
        "citizenship.UZ": 1,
        "citizenship.unknown": 0,
        "place.domestic": 1,
        "place.transnational": 2,
        "place.unknown": 0,
        "identified_by.mia-ctht": 3,
        "identified_by.unknown": 0,
        "method.proactive": 3,
        "method.reactive": 0,
        "method.unknown": 0,
    }
    # The child identified again in 2020 is counted in 2020 as well.
    assert table_1["2020"]["total"] == 1
    assert table_1["2020"]["age.child"] == 1
    assert table_1["2020"]["place.domestic"] == 1
    assert table_1["2020"]["citizenship.AZ"] == 1
    assert _table(report, "table_6")["2019"] == {
        "total": 2,
        "benefit.one_time_allowance": 2,
        "benefit.unknown": 0,
    }
    assert _table(report, "table_6_amounts")["2019"]["total"] == "1100.00"
    assert _table(report, "table_6_amounts")["2020"]["total"] == "0.00"
    assert _table(report, "table_10")["2019"]["total"] == 0


def _record(user: User, url: str, day: str, **body: Any) -> dict[str, Any]:
    with _at(day):
        return _post(user, url, body)


@pytest.fixture
def shelter_supervisor(az_pack: Path) -> User:
    return staff("ngo-clean-world-shelter", Role.SUPERVISOR)


@pytest.fixture
def full_register(
    register: Register, ngo_worker: User, investigator: User, shelter_supervisor: User
) -> Register:
    """``register`` and a record for every other GRETA table, each through the API.

    People added: an asylum seeker from Tajikistan (Table 2), exactly 35 when identified, with a
    reflection period before identification and a residence permit renewed after a gap; a mother
    identified in 2020 who has no help recorded.
    """
    two_forms = register["two_forms"]
    turns_eighteen = register["turns_eighteen"]
    child = register["child"]
    child_again = register["child_again"]
    never_identified = register["never_identified"]

    # Legal representatives: the boy registered at 17 gets one, but is 18 when identified.
    _record(
        ngo_worker,
        "/api/v1/legal-representatives/",
        "2019-05-02",
        case=turns_eighteen["reference"],
        representative_type="parent",
        appointed_by="Guardianship authority of Sabail district",
        appointed_on="2019-05-02",
    )
    _record(
        ngo_worker,
        "/api/v1/legal-representatives/",
        "2019-08-02",
        case=child["reference"],
        representative_type="guardian",
        appointed_by="Guardianship authority of Nasimi district",
        appointed_on="2019-08-02",
    )

    # The girl is placed in a shelter: consent of her representative, referral, hearing, stay.
    consent = _record(
        ngo_worker,
        "/api/v1/consents/",
        "2019-08-25",
        case=child["reference"],
        given_by="legal_representative",
        given_at="2019-08-25T10:00:00+04:00",
        disclosure="summary",
    )
    referral = _record(
        ngo_worker,
        "/api/v1/referrals/",
        "2019-08-25",
        case=child["reference"],
        provider="ngo-clean-world-shelter",
        service_type="shelter_accommodation",
        consent=consent["id"],
    )
    _record(
        ngo_worker,
        "/api/v1/child-hearings/",
        "2019-08-26",
        case=child["reference"],
        occasion="placement",
        heard_on="2019-08-26",
    )
    with _at("2019-08-27"):
        _post(
            shelter_supervisor,
            f"/api/v1/referrals/{referral['id']}/move/",
            {"status": "accepted"},
            expected=200,
        )
    _record(
        shelter_supervisor,
        "/api/v1/shelter-stays/",
        "2019-08-27",
        case=child["reference"],
        admitted_on="2019-08-27",
        reason="Referred by Clean World",
        capacity_override_reason="The shelter's places are not recorded yet",
    )

    # The person never identified: a reflection period (Table 4 counts presumed victims too)
    # and a service, which 'assisted' must not count.
    _record(
        investigator,
        "/api/v1/reflection-periods/",
        "2019-09-05",
        case=never_identified["reference"],
        decided_on="2019-09-05",
        legal_basis="Law on Combating Trafficking in Human Beings, Art. 16",
    )
    _record(
        ngo_worker,
        "/api/v1/services-delivered/",
        "2019-09-10",
        case=never_identified["reference"],
        service_type="psychological",
        provider="ngo-clean-world",
        delivered_on="2019-09-10",
    )

    # Legal aid: the victim of two forms at two stages in 2019; the girl in court in 2020.
    _record(
        ngo_worker,
        "/api/v1/legal-aid/",
        "2019-05-01",
        case=two_forms["reference"],
        provider_kind="ngo",
        stage="investigation",
        started_on="2019-05-01",
    )
    _record(
        ngo_worker,
        "/api/v1/legal-aid/",
        "2019-10-01",
        case=two_forms["reference"],
        provider_kind="bar_member",
        stage="court",
        started_on="2019-10-01",
    )
    _record(
        ngo_worker,
        "/api/v1/legal-aid/",
        "2020-04-01",
        case=child_again["reference"],
        provider_kind="state_paid_child_lawyer",
        stage="court",
        started_on="2020-04-01",
    )

    # Compensation: claimed in 2019, awarded in 2020, received in part in 2020 and in 2021; a
    # claim against the State in 2020, not (yet) awarded.
    claim = _record(
        ngo_worker,
        "/api/v1/compensation-claims/",
        "2020-02-01",
        case=two_forms["reference"],
        against="offender",
        body="Baku Court for Serious Crimes",
        submitted_on="2019-11-01",
        awarded_amount="3000.00",
        awarded_on="2020-02-01",
        currency="AZN",
    )
    receipts = f"/api/v1/compensation-claims/{claim['id']}/receipts/"
    _record(ngo_worker, receipts, "2020-03-01", received_on="2020-03-01", amount="1000.00")
    _record(ngo_worker, receipts, "2021-01-15", received_on="2021-01-15", amount="500.00")
    _record(
        ngo_worker,
        "/api/v1/compensation-claims/",
        "2020-06-01",
        case=child_again["reference"],
        against="state",
        body="Ministry of Finance",
        submitted_on="2020-06-01",
        currency="AZN",
    )

    # Return: the Uzbek man goes home; the first woman's readmission to Azerbaijan is no return.
    _record(
        ngo_worker,
        "/api/v1/repatriations/",
        "2019-03-05",
        case=two_forms["reference"],
        destination="AZ",
        repatriated_on="2019-03-05",
        is_readmission=True,
    )
    _record(
        ngo_worker,
        "/api/v1/repatriations/",
        "2020-01-20",
        case=turns_eighteen["reference"],
        destination="UZ",
        repatriated_on="2020-01-20",
        escorted=True,
        costs_borne_by="State budget",
    )

    # Table 6 in 2020: the first woman from the victims' aid fund (50 manats).
    _allowance_from_fund(ngo_worker, two_forms, "2020-02-10")

    # Table 2: met in the asylum procedure, born 15 May 1985, identified on his 35th birthday.
    asylum = _person(
        ngo_worker,
        "2020-04-01",
        contact_channel="migration_asylum",
        sex="male",
        citizenship="TJ",
        identity={"family_name": "Rahimov", "birth_date": "1985-05-15"},
        exploitation_forms=["forced_labour"],
        exploitation_scope="transnational",
    )
    _record(
        investigator,
        "/api/v1/reflection-periods/",
        "2020-04-02",
        case=asylum["reference"],
        decided_on="2020-04-02",
        legal_basis="Law on Combating Trafficking in Human Beings, Art. 16",
    )
    _identify(investigator, asylum, "2020-05-15", method="reactive")
    permit = _record(
        ngo_worker,
        "/api/v1/residence-permits/",
        "2020-05-20",
        case=asylum["reference"],
        permit_type="cooperation_with_investigation",
        legal_basis="Migration Code Art. 45.1.10-1",
        valid_from="2020-05-20",
        valid_to="2020-11-19",
    )
    _record(
        ngo_worker,
        "/api/v1/residence-permits/",
        "2020-11-25",
        case=asylum["reference"],
        permit_type="personal_situation",
        legal_basis="Migration Code Art. 45.1.10-1",
        valid_from="2020-11-25",
        valid_to="2021-11-24",
        renews=permit["id"],
    )
    _allowance(ngo_worker, asylum, "2020-06-01")  # 700 manats
    _allowance_from_fund(ngo_worker, asylum, "2020-06-01")  # 50 manats

    # A mother identified in 2020 with no help recorded: in Table 1, not in 'assisted'.
    mother = _person(
        ngo_worker,
        "2020-06-01",
        sex="female",
        citizenship="AZ",
        identity={"family_name": "Quliyeva", "birth_date": "1988-02-02"},
        exploitation_forms=["sexual_exploitation"],
        exploitation_scope="transnational",
    )
    _identify(investigator, mother, "2020-06-20")

    criminal_cases = _proceedings(investigator, register)
    return {**register, **criminal_cases, "asylum": asylum, "mother": mother}


def _allowance_from_fund(worker: User, case: dict[str, Any], day: str) -> None:
    with _at(day):
        paid = _post(
            worker,
            "/api/v1/payments/",
            {"case": case["reference"], "benefit": "assistance_fund_payment", "paid_on": day},
        )
    assert paid["amount"] == "50.00"


def _proceedings(investigator: User, register: Register) -> Register:
    """Two criminal cases: one of two forms (2019), one of a child's sexual exploitation (2020)
    naming both of the girl's register cases; one man is convicted in both, in two judgments."""
    with _at("2019-12-01"):
        first = _post(
            investigator,
            "/api/v1/criminal-cases/",
            {
                "number": "191201001",
                "initiated_on": "2019-12-01",
                "articles": ["144-1.2.1"],
                "forms_of_exploitation": ["sexual_exploitation", "forced_labour"],
            },
        )
        first_url = f"/api/v1/criminal-cases/{first['id']}"
        for victim in (register["two_forms"], register["turns_eighteen"]):
            _post(investigator, f"{first_url}/victims/", {"case": victim["reference"]}, 200)
        with_recruiter = _post(
            investigator,
            f"{first_url}/accused/",
            # Born in December 1995: 24 on the day of the judgment, 25 by the judgment's year.
            {
                "family_name": "Nəsirov",
                "birth_date": "1995-12-01",
                "sex": "male",
                "citizenship": "AZ",
            },
            200,
        )
        (recruiter,) = [link["accused"] for link in with_recruiter["accused"]]
        with_employer = _post(
            investigator,
            f"{first_url}/accused/",
            {"family_name": "Orlova", "birth_year": 1970, "sex": "female", "citizenship": "RU"},
            200,
        )
        (employer,) = [
            link["accused"] for link in with_employer["accused"] if link["accused"] != recruiter
        ]
    with _at("2020-03-15"):
        second = _post(
            investigator,
            "/api/v1/criminal-cases/",
            {
                "number": "200315002",
                "initiated_on": "2020-03-15",
                "articles": ["144-1.2.3"],
                "forms_of_exploitation": ["sexual_exploitation"],
            },
        )
        second_url = f"/api/v1/criminal-cases/{second['id']}"
        for victim in (register["child"], register["child_again"]):
            _post(investigator, f"{second_url}/victims/", {"case": victim["reference"]}, 200)
        _post(investigator, f"{second_url}/accused/", {"reference": recruiter}, 200)
    for url, day in ((first_url, "2020-05-01"), (second_url, "2020-09-01")):
        with _at(day):
            _post(
                investigator,
                f"{url}/status/",
                {"version": 1, "to_status": "sent_to_court", "on": day},
                200,
            )
    with _at("2020-06-15"):
        _post(
            investigator,
            f"{first_url}/judgments/",
            {
                "court": "baku-serious-crimes-court",
                "number": "1(101)-45/2020",
                "delivered_on": "2020-06-15",
                "is_final": True,
                "convictions": [
                    {
                        "accused": recruiter,
                        "articles": ["144-1.2.1"],
                        "form_of_exploitation": "sexual_exploitation",
                        "sentence_type": "custodial",
                        "duration_months": 96,
                        "property_confiscated": True,
                    },
                    {
                        "accused": employer,
                        "articles": ["144-1.2.1"],
                        "form_of_exploitation": "forced_labour",
                        # The Uzbek boy was a child, 17, when he was found.
                        "child_victim": True,
                        "sentence_type": "suspended",
                        "duration_months": 36,
                        "legal_person_liable": True,
                    },
                ],
            },
        )
    with _at("2020-11-10"):
        _post(
            investigator,
            f"{second_url}/judgments/",
            {
                "court": "baku-serious-crimes-court",
                "number": "1(101)-98/2020",
                "delivered_on": "2020-11-10",
                "convictions": [
                    {
                        "accused": recruiter,
                        "articles": ["144-1.2.3"],
                        "form_of_exploitation": "sexual_exploitation",
                        "child_victim": True,
                        "sentence_type": "fine",
                    }
                ],
            },
        )
    return {"criminal_case_2019": first, "criminal_case_2020": second}


# Every cell of every table for full_register, worked out by hand from the records above.
# Who is who: A = the victim of two forms (AZ, born 1990), B = the Uzbek boy who turns 18,
# C = the girl (AZ, born 2005; cases in 2019 and 2020), D = never identified (AZ), E = the asylum
# seeker (TJ, born 15 May 1985), G = the mother (AZ, born 1988); X = the recruiter (AZ, male,
# born December 1995), Y = the employer (RU, female, born 1970).
EXPECTED: dict[str, dict[str, dict[str, Any]]] = {
    "table_1": {
        "2019": {  # A, B and C, as in the first test
            "total": 3,
            "sex.female": 2,
            "sex.male": 1,
            "sex.unknown": 0,
            "age.child": 1,
            "age.18-25": 1,
            "age.25-35": 1,
            "age.35-55": 0,
            "age.55-plus": 0,
            "age.unknown": 0,
            "form.forced_labour": 2,
            "form.sexual_exploitation": 2,
            "form.unknown": 0,
            "citizenship.AZ": 2,
            "citizenship.TJ": 0,
            "citizenship.UZ": 1,
            "citizenship.unknown": 0,
            "place.domestic": 1,
            "place.transnational": 2,
            "place.unknown": 0,
            "identified_by.mia-ctht": 3,
            "identified_by.unknown": 0,
            "method.proactive": 3,
            "method.reactive": 0,
            "method.unknown": 0,
        },
        "2020": {  # C again (15, domestic), E and G
            "total": 3,
            "sex.female": 2,
            "sex.male": 1,
            "sex.unknown": 0,
            "age.child": 1,
            "age.18-25": 0,
            "age.25-35": 1,  # G, 32
            "age.35-55": 1,  # E, identified on his 35th birthday: a band includes its lower bound
            "age.55-plus": 0,
            "age.unknown": 0,
            "form.forced_labour": 1,
            "form.sexual_exploitation": 2,
            "form.unknown": 0,
            "citizenship.AZ": 2,
            "citizenship.TJ": 1,
            "citizenship.UZ": 0,
            "citizenship.unknown": 0,
            "place.domestic": 1,
            "place.transnational": 2,
            "place.unknown": 0,
            "identified_by.mia-ctht": 3,
            "identified_by.unknown": 0,
            "method.proactive": 2,
            "method.reactive": 1,
            "method.unknown": 0,
        },
    },
    "table_2": {
        "2019": {
            "total": 0,
            "sex.female": 0,
            "sex.male": 0,
            "sex.unknown": 0,
            "age.child": 0,
            "age.18-25": 0,
            "age.25-35": 0,
            "age.35-55": 0,
            "age.55-plus": 0,
            "age.unknown": 0,
            "form.forced_labour": 0,
            "form.unknown": 0,
            "citizenship.TJ": 0,
            "citizenship.unknown": 0,
        },
        "2020": {  # E alone came through the asylum procedure
            "total": 1,
            "sex.female": 0,
            "sex.male": 1,
            "sex.unknown": 0,
            "age.child": 0,
            "age.18-25": 0,
            "age.25-35": 0,
            "age.35-55": 1,
            "age.55-plus": 0,
            "age.unknown": 0,
            "form.forced_labour": 1,
            "form.unknown": 0,
            "citizenship.TJ": 1,
            "citizenship.unknown": 0,
        },
    },
    "table_3": {
        # B has a representative but is 18 when identified, so only C counts.
        "2019": {"total": 1, "sex.female": 1, "sex.male": 0, "sex.unknown": 0},
        # C's representative is recorded on her 2019 case; her 2020 case has none of its own.
        "2020": {"total": 0, "sex.female": 0, "sex.male": 0, "sex.unknown": 0},
    },
    "table_4": {
        "2019": {  # D: no birth date, no form recorded
            "total": 1,
            "sex.female": 1,
            "sex.male": 0,
            "sex.unknown": 0,
            "age.child": 0,
            "age.18-25": 0,
            "age.25-35": 0,
            "age.35-55": 0,
            "age.55-plus": 0,
            "age.unknown": 1,
            "form.forced_labour": 0,
            "form.unknown": 1,
            "citizenship.AZ": 1,
            "citizenship.TJ": 0,
            "citizenship.unknown": 0,
        },
        "2020": {  # E, granted before he was identified; his age is the one at identification
            "total": 1,
            "sex.female": 0,
            "sex.male": 1,
            "sex.unknown": 0,
            "age.child": 0,
            "age.18-25": 0,
            "age.25-35": 0,
            "age.35-55": 1,
            "age.55-plus": 0,
            "age.unknown": 0,
            "form.forced_labour": 1,
            "form.unknown": 0,
            "citizenship.AZ": 0,
            "citizenship.TJ": 1,
            "citizenship.unknown": 0,
        },
    },
    "table_5": {
        # A's claim, by the year it was submitted; awarded and received (in part) later.
        "2019": {
            "total": 1,
            "against.offender": 1,
            "against.state": 0,
            "against.unknown": 0,
            "awarded": 1,
            "received": 1,
        },
        "2020": {  # C's claim against the State, not awarded
            "total": 1,
            "against.offender": 0,
            "against.state": 1,
            "against.unknown": 0,
            "awarded": 0,
            "received": 0,
        },
    },
    "compensation_amounts": {
        "2019": {
            "total": "3000.00",
            "against.offender": "3000.00",
            "against.state": "0.00",
            "against.unknown": "0.00",
        },
        "2020": {
            "total": "0.00",
            "against.offender": "0.00",
            "against.state": "0.00",
            "against.unknown": "0.00",
        },
    },
    "compensation_received": {
        "2019": {
            "total": "0.00",
            "against.offender": "0.00",
            "against.state": "0.00",
            "against.unknown": "0.00",
        },
        # 1000 received in March 2020; the 500 of January 2021 is outside the period.
        "2020": {
            "total": "1000.00",
            "against.offender": "1000.00",
            "against.state": "0.00",
            "against.unknown": "0.00",
        },
    },
    "table_6": {
        "2019": {
            "total": 2,
            "benefit.assistance_fund_payment": 0,
            "benefit.one_time_allowance": 2,
            "benefit.unknown": 0,
        },
        # A from the fund; E the allowance and from the fund: two persons, three payments.
        "2020": {
            "total": 2,
            "benefit.assistance_fund_payment": 2,
            "benefit.one_time_allowance": 1,
            "benefit.unknown": 0,
        },
    },
    "table_6_amounts": {
        "2019": {  # 400 before the rate change, 700 after
            "total": "1100.00",
            "benefit.assistance_fund_payment": "0.00",
            "benefit.one_time_allowance": "1100.00",
            "benefit.unknown": "0.00",
        },
        "2020": {
            "total": "800.00",
            "benefit.assistance_fund_payment": "100.00",
            "benefit.one_time_allowance": "700.00",
            "benefit.unknown": "0.00",
        },
    },
    "table_7": {
        # A at both stages: one person, in both columns.
        "2019": {"total": 1, "stage.investigation": 1, "stage.court": 1, "stage.unknown": 0},
        "2020": {"total": 1, "stage.investigation": 0, "stage.court": 1, "stage.unknown": 0},
    },
    "table_8": {
        # A's readmission to Azerbaijan in 2019 is not a return from it.
        "2019": {
            "total": 0,
            "sex.female": 0,
            "sex.male": 0,
            "sex.unknown": 0,
            "age.child": 0,
            "age.18-25": 0,
            "age.25-35": 0,
            "age.35-55": 0,
            "age.55-plus": 0,
            "age.unknown": 0,
            "form.forced_labour": 0,
            "form.unknown": 0,
            "citizenship.UZ": 0,
            "citizenship.unknown": 0,
            "destination.UZ": 0,
            "destination.unknown": 0,
        },
        "2020": {  # B, 18 at identification
            "total": 1,
            "sex.female": 0,
            "sex.male": 1,
            "sex.unknown": 0,
            "age.child": 0,
            "age.18-25": 1,
            "age.25-35": 0,
            "age.35-55": 0,
            "age.55-plus": 0,
            "age.unknown": 0,
            "form.forced_labour": 1,
            "form.unknown": 0,
            "citizenship.UZ": 1,
            "citizenship.unknown": 0,
            "destination.UZ": 1,
            "destination.unknown": 0,
        },
    },
    "table_9": {
        "2019": {  # the case of two forms, victims A and B, accused X and Y
            "total": 1,
            "cases.forced_labour": 1,
            "cases.sexual_exploitation": 1,
            "cases.unknown": 0,
            "victims": 2,
            # By the criminal case's forms: B, exploited for labour only, is also a victim in a
            # case of sexual exploitation.
            "victims.forced_labour": 2,
            "victims.sexual_exploitation": 2,
            "victims.unknown": 0,
            "accused": 2,
            # Also by the case's forms, not the form each was later convicted of.
            "accused.forced_labour": 2,
            "accused.sexual_exploitation": 2,
            "accused.unknown": 0,
        },
        "2020": {
            "total": 1,
            "cases.forced_labour": 0,
            "cases.sexual_exploitation": 1,
            "cases.unknown": 0,
            "victims": 1,  # C, linked through both of her register cases, is one person
            "victims.forced_labour": 0,
            "victims.sexual_exploitation": 1,
            "victims.unknown": 0,
            "accused": 1,  # X again: counted in each year of initiation
            "accused.forced_labour": 0,
            "accused.sexual_exploitation": 1,
            "accused.unknown": 0,
        },
    },
    "table_10": {
        "2019": {
            "total": 0,
            "form.forced_labour": 0,
            "form.sexual_exploitation": 0,
            "form.unknown": 0,
            "child_victim.yes": 0,
            "child_victim.no": 0,
            "child_victim.unknown": 0,
            "sentence.custodial": 0,
            "sentence.fine": 0,
            "sentence.suspended": 0,
            "sentence.unknown": 0,
            "duration.under-1": 0,
            "duration.1-7": 0,
            "duration.7-12": 0,
            "duration.over-12": 0,
            "duration.unknown": 0,
            "citizenship.AZ": 0,
            "citizenship.RU": 0,
            "citizenship.unknown": 0,
            "age.child": 0,
            "age.18-25": 0,
            "age.25-35": 0,
            "age.35-55": 0,
            "age.55-plus": 0,
            "age.unknown": 0,
            "sex.female": 0,
            "sex.male": 0,
            "sex.unknown": 0,
            "judgments": 0,
            "confiscation": 0,
            "legal_person": 0,
        },
        # Three sentences in two judgments: X in June (custodial, 8 years, confiscation) and in
        # November (a fine), Y in June (suspended, 3 years, a legal person liable).
        "2020": {
            "total": 3,  # X counts once per judgment
            "form.forced_labour": 1,
            "form.sexual_exploitation": 2,
            "form.unknown": 0,
            "child_victim.yes": 2,  # Y (B was 17 when found) and X's November sentence (C)
            "child_victim.no": 1,
            "child_victim.unknown": 0,
            "sentence.custodial": 1,
            "sentence.fine": 1,
            "sentence.suspended": 1,
            "sentence.unknown": 0,
            "duration.under-1": 0,
            "duration.1-7": 1,  # 36 months
            "duration.7-12": 1,  # 96 months
            "duration.over-12": 0,
            "duration.unknown": 1,  # a fine has no length
            "citizenship.AZ": 2,
            "citizenship.RU": 1,
            "citizenship.unknown": 0,
            "age.child": 0,
            "age.18-25": 0,
            # X is 24 on both days, but the age is the judgment's year less the birth year
            # (docs/decisions.md: "with age at the judgment's year"): 2020 - 1995 = 25.
            "age.25-35": 2,
            "age.35-55": 1,  # Y, 2020 - 1970 = 50
            "age.55-plus": 0,
            "age.unknown": 0,
            "sex.female": 1,
            "sex.male": 2,
            "sex.unknown": 0,
            "judgments": 2,
            "confiscation": 1,
            "legal_person": 1,
        },
    },
    "residence_permits": {
        "2019": {
            "total": 0,
            "type.cooperation_with_investigation": 0,
            "type.other": 0,
            "type.personal_situation": 0,
            "type.unknown": 0,
            "first": 0,
            "renewals": 0,
            "persons": 0,
        },
        "2020": {  # E's permit and its renewal, after a gap of five days
            "total": 2,
            "type.cooperation_with_investigation": 1,
            "type.other": 0,
            "type.personal_situation": 1,
            "type.unknown": 0,
            "first": 1,
            "renewals": 1,
            "persons": 1,
        },
    },
    "assisted": {
        # A (payment, legal aid), B (payment), C (shelter stay); D's service does not count,
        # D was never identified.
        "2019": {
            "total": 3,
            "sex.female": 2,
            "sex.male": 1,
            "sex.unknown": 0,
            "age.child": 1,
            "age.18-25": 1,
            "age.25-35": 1,
            "age.35-55": 0,
            "age.55-plus": 0,
            "age.unknown": 0,
            "form.forced_labour": 2,
            "form.sexual_exploitation": 2,
            "form.unknown": 0,
            "citizenship.AZ": 2,
            "citizenship.TJ": 0,
            "citizenship.UZ": 1,
            "citizenship.unknown": 0,
            "place.domestic": 1,
            "place.transnational": 2,
            "place.unknown": 0,
        },
        # C's 2020 case (legal aid) and E (payments); G has no help recorded.
        "2020": {
            "total": 2,
            "sex.female": 1,
            "sex.male": 1,
            "sex.unknown": 0,
            "age.child": 1,
            "age.18-25": 0,
            "age.25-35": 0,
            "age.35-55": 1,
            "age.55-plus": 0,
            "age.unknown": 0,
            "form.forced_labour": 1,
            "form.sexual_exploitation": 1,
            "form.unknown": 0,
            "citizenship.AZ": 1,
            "citizenship.TJ": 1,
            "citizenship.UZ": 0,
            "citizenship.unknown": 0,
            "place.domestic": 1,
            "place.transnational": 1,
            "place.unknown": 0,
        },
    },
}


def test_every_cell_of_every_table_is_as_worked_out_by_hand(full_register: Register) -> None:
    report = build_greta(2019, 2020)
    assert report["violations"] == []
    assert [table["id"] for table in report["tables"]] == list(EXPECTED)
    for table_id, rows in EXPECTED.items():
        assert _table(report, table_id) == rows, table_id


# Each test below adds one record to full_register that must change no cell.


def test_a_service_to_a_victims_child_is_no_help_to_the_victim(
    full_register: Register, ngo_worker: User
) -> None:
    mother = full_register["mother"]
    daughter = _record(
        ngo_worker,
        "/api/v1/family-members/",
        "2020-09-01",
        case=mother["reference"],
        birth_year=2015,
        sex="female",
    )
    _record(
        ngo_worker,
        "/api/v1/services-delivered/",
        "2020-09-01",
        case=mother["reference"],
        family_member=daughter["id"],
        service_type="child_school_supplies",
        provider="ngo-clean-world",
        delivered_on="2020-09-01",
    )
    # G is still not assisted: 2020 stays C and E.
    assert _table(build_greta(2019, 2020), "assisted") == EXPECTED["assisted"]


def test_a_witness_is_not_counted_as_a_victim_in_table_9(
    full_register: Register, investigator: User
) -> None:
    criminal_case = full_register["criminal_case_2019"]
    with _at("2019-12-02"):
        _post(
            investigator,
            f"/api/v1/criminal-cases/{criminal_case['id']}/victims/",
            {"case": full_register["never_identified"]["reference"], "role": "witness"},
            200,
        )
    # Still A and B only: a witness is not a victim.
    assert _table(build_greta(2019, 2020), "table_9") == EXPECTED["table_9"]


def test_the_command_writes_all_tables_as_json(
    register: Register, statistician: User, tmp_path: Path
) -> None:
    target = tmp_path / "greta.json"
    call_command(
        "report", "greta", "--from", "2019", "--to", "2020",
        "--user", STATISTICIAN, "--output", str(target),
    )  # fmt: skip
    written = json.loads(target.read_text(encoding="utf-8"))
    ids = [table["id"] for table in written["tables"]]
    assert [f"table_{n}" for n in range(1, 11)] == [i for i in ids if i[6:].isdigit()]
    assert written["violations"] == []
    assert _table(written, "table_1")["2019"]["total"] == 3


def _hand_made(path: Path, **changes: Any) -> Path:
    report = {
        "report": "greta",
        "tables": [
            {
                "id": "table_1",
                "rows": ["2023"],
                "columns": [
                    {"id": "total", "label": "Total"},
                    {"id": "form.sexual", "label": "Sexual exploitation", "group": "form"},
                    {"id": "form.labour", "label": "Forced labour", "group": "form"},
                    {"id": "age.child", "label": "Child", "group": "age"},
                    {"id": "age.adult", "label": "Adult", "group": "age"},
                    {
                        "id": "form.sexual.percent",
                        "label": "Sexual exploitation, %",
                        "percent": {"part": "form.sexual", "of": "total"},
                    },
                ],
                "groups": [
                    {"id": "form", "label": "Form", "kind": "exclusive", "total": "total"},
                    {"id": "age", "label": "Age", "kind": "exclusive", "total": "total"},
                ],
                "cells": {
                    "2023": {
                        "total": 91,
                        "form.sexual": changes.get("sexual", 89),
                        "form.labour": 2,
                        "age.child": 3,
                        "age.adult": 88,
                        "form.sexual.percent": changes.get("percent", "97.8"),  # 89 of 91
                    }
                },
            },
            {
                "id": "table_3",
                "rows": ["2023"],
                "columns": [{"id": "total", "label": "Children"}],
                "groups": [],
                "cells": {"2023": {"total": changes.get("children", 3)}},
            },
        ],
    }
    path.write_text(json.dumps(report), encoding="utf-8")
    return path


def _validate(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "lantern", "validate", "tables", str(path), "--report", "greta"],
        capture_output=True,
        text=True,
        check=False,
    )


def test_validate_lists_each_contradiction_and_exits_non_zero(tmp_path: Path) -> None:
    wrong = _validate(_hand_made(tmp_path / "wrong.json", sexual=90, children=5))
    assert wrong.returncode != 0
    lines = wrong.stdout.splitlines()
    assert any(
        line.startswith("table_1\t2023\ttotal,form.sexual,form.labour\t")
        and "92 ≠ total 91" in line
        for line in lines
    ), wrong.stdout
    assert any(
        line.startswith("table_3\t2023\ttotal\t") and "exceeds table_1 age.child = 3" in line
        for line in lines
    ), wrong.stdout
    # 97.8% was right for 89 of 91, not for the 90 typed over it.
    assert any(
        line.startswith("table_1\t2023\tform.sexual.percent,form.sexual,total\t")
        and "97.8% is not 90 of 91 (98.9%)" in line
        for line in lines
    ), wrong.stdout
    assert "3 contradictions" in wrong.stderr
    consistent = _validate(_hand_made(tmp_path / "right.json"))
    assert consistent.returncode == 0, consistent.stdout + consistent.stderr
    assert "every table is consistent" in consistent.stdout
    # A percentage is right to the precision it is printed with.
    for printed, right in (("98", True), (97.8, True), ("97", False), ("97.9", False)):
        checked = _validate(_hand_made(tmp_path / "p.json", percent=printed))
        assert (checked.returncode == 0) == right, (printed, checked.stdout)


def test_a_suspect_not_yet_charged_is_not_counted_among_the_accused_in_table_9(
    full_register: Register, investigator: User
) -> None:
    criminal_case = full_register["criminal_case_2019"]
    with _at("2019-12-02"):
        _post(
            investigator,
            f"/api/v1/criminal-cases/{criminal_case['id']}/accused/",
            {
                "family_name": "Quliyev",
                "birth_year": 1980,
                "sex": "male",
                "citizenship": "AZ",
                "role": "suspect",
            },
            200,
        )
    # Still the recruiter and the employer: GRETA's column is accused persons.
    assert _table(build_greta(2019, 2020), "table_9") == EXPECTED["table_9"]
