"""The annual report (Law Art. 7.5, seed 000): headline figures compared with the year before,
their validation, the charts, the Word document and publication.

The first tests use a small register of 2011 and 2012 whose every headline figure is worked out
by hand below; the others use the demo history (2022 and 2023), built once for the module.
"""

from __future__ import annotations

import copy
import datetime
import io
import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from docx import Document

from lantern.assistance.demo import generate_demo_assistance
from lantern.assistance.models import (
    FamilyMember,
    LegalAid,
    Payment,
    ServiceDelivered,
    ShelterStay,
)
from lantern.core.demo import ensure_demo_accounts
from lantern.core.models import BenefitType, Organisation, Role, User
from lantern.hotline.demo import generate_demo_hotline
from lantern.hotline.models import Contact
from lantern.justice.demo import generate_demo_justice
from lantern.justice.models import (
    AccusedPerson,
    Conviction,
    CriminalCase,
    CriminalCaseAccused,
    DetectedFact,
    FactPlatform,
    Judgment,
    WantedNotice,
)
from lantern.nrm.demo import generate_demo_referrals
from lantern.nrm.models import Referral, ReflectionPeriod
from lantern.register.demo import generate_demo_history
from lantern.register.models import Case, CaseExploitationCountry, Person
from lantern.statistics.annual import build_annual, build_annual_period, change_text, figures
from lantern.statistics.annual_docx import figure_line
from lantern.statistics.charts import annual_charts
from lantern.statistics.reports import publishable, write_report
from lantern.statistics.validation import validate
from tests.register.conftest import staff
from tests.statistics.conftest import STATISTICIAN

pytestmark = pytest.mark.django_db

BAKU = ZoneInfo("Asia/Baku")
YEAR = 2012
PNG = b"\x89PNG\r\n\x1a\n"


# --- A small register, worked out by hand -------------------------------------------------------


def _day(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


def _moment(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text).replace(hour=11, tzinfo=BAKU)


class _Register:
    """Rows written straight to the tables the report reads: it counts, it does not check."""

    def __init__(self, actor: User) -> None:
        self.actor = actor
        self.police = Organisation.objects.get(code="mia-ctht")
        self.shelter = Organisation.objects.get(code="mia-shelter")
        self.numbers = iter(range(1, 1000))

    def _reference(self, prefix: str) -> str:
        return f"T-{prefix}-{next(self.numbers):04d}"

    def fact(self, day: str, fact_type: str, *platforms: str, case: Any = None) -> None:
        fact = DetectedFact.objects.create(
            reference=self._reference("F"),
            fact_type=fact_type,
            detected_on=_day(day),
            detecting_organisation=self.police,
            through_ict=bool(platforms),
            criminal_case=case,
            recorded_by=self.actor,
            recorded_at=_moment(day),
        )
        for platform in platforms:
            FactPlatform.objects.create(fact=fact, code=platform)

    def criminal_case(self, day: str, sent: str | None = None) -> CriminalCase:
        return CriminalCase.objects.create(
            number=self._reference("CC"),
            initiating_organisation=self.police,
            initiated_on=_day(day),
            sent_to_court_on=_day(sent) if sent else None,
            recorded_by=self.actor,
            recorded_at=_moment(day),
        )

    def accused(self, sex: str) -> AccusedPerson:
        return AccusedPerson.objects.create(
            reference=self._reference("A"),
            sex=sex,
            citizenship="AZ",
            recording_organisation=self.police,
            recorded_by=self.actor,
            recorded_at=_moment("2011-01-01"),
        )

    def charge(self, case: CriminalCase, accused: AccusedPerson, *, to_court: bool) -> None:
        CriminalCaseAccused.objects.create(
            criminal_case=case,
            accused=accused,
            sent_to_court=to_court,
            linked_at=_moment(str(case.initiated_on)),
        )

    def convict(self, case: CriminalCase, day: str, *accused: AccusedPerson) -> None:
        judgment = Judgment.objects.create(
            criminal_case=case,
            court=self.police,
            number=self._reference("J"),
            delivered_on=_day(day),
            recorded_by=self.actor,
            recorded_at=_moment(day),
        )
        for person in accused:
            Conviction.objects.create(
                judgment=judgment,
                accused=person,
                form_of_exploitation="sexual_exploitation",
                sentence_type="custodial",
                duration_months=60,
            )

    def wanted(
        self,
        accused: AccusedPerson,
        scope: str,
        offence: str,
        listed: str,
        detained: str | None = None,
        country: str = "",
    ) -> None:
        WantedNotice.objects.create(
            accused=accused,
            scope=scope,
            offence=offence,
            believed_country=country,
            listed_on=_day(listed),
            detained_on=_day(detained) if detained else None,
            recorded_by=self.actor,
            recorded_at=_moment(listed),
        )

    def victim(
        self,
        identified: str,
        *,
        sex: str,
        citizenship: str,
        region: str,
        age: int,
        countries: tuple[str, ...],
        exploited_from: str,
    ) -> Case:
        person = Person.objects.create(
            reference=self._reference("P"),
            sex=sex,
            citizenship=citizenship,
            region=region,
            registering_organisation=self.police,
            registered_at=_moment(identified),
        )
        case = Case.objects.create(
            reference=self._reference("C"),
            person=person,
            status="identified",
            registering_organisation=self.police,
            registered_by=self.actor,
            registered_at=_moment(identified),
            contact_channel="police_operation",
            exploitation_scope="transnational",
            exploitation_from=_day(exploited_from),
            identified_on=_day(identified),
            identifying_organisation=self.police,
            identification_method="proactive",
            child_at_identification=age < 18,
            age_at_identification=age,
            updated_at=_moment(identified),
        )
        for country in countries:
            CaseExploitationCountry.objects.create(case=case, country=country)
        return case

    def pay(self, case: Case, benefit: str, day: str, amount: str) -> None:
        Payment.objects.create(
            case=case,
            benefit=BenefitType.objects.get(code=benefit),
            paid_on=_day(day),
            amount=Decimal(amount),
            currency="AZN",
            payer=self.police,
            legal_basis="test",
            recorded_by=self.actor,
            recorded_at=_moment(day),
        )

    def shelter_stay(self, case: Case, day: str, *, child: bool) -> None:
        ShelterStay.objects.create(
            case=case,
            shelter=self.shelter,
            is_child=child,
            admitted_on=_day(day),
            admission_reason="test",
            recorded_by=self.actor,
            recorded_at=_moment(day),
        )

    def service(
        self, case: Case, service: str, day: str, family_member: FamilyMember | None = None
    ) -> None:
        ServiceDelivered.objects.create(
            case=case,
            family_member=family_member,
            service_type=service,
            provider=self.shelter,
            delivered_on=_day(day),
            recorded_by=self.actor,
            recorded_at=_moment(day),
        )

    def refer(self, case: Case, day: str) -> None:
        Referral.objects.create(
            case=case,
            sender=self.police,
            provider=self.shelter,
            service_type="shelter_accommodation",
            sent_at=_moment(day),
            sent_by=self.actor,
            updated_at=_moment(day),
            updated_by=self.actor,
        )

    def legal_aid(self, case: Case, day: str, stage: str) -> None:
        LegalAid.objects.create(
            case=case, provider_kind="bar_member", stage=stage, started_on=_day(day),
            recorded_by=self.actor,
        )  # fmt: skip

    def reflection(self, case: Case, day: str) -> None:
        ReflectionPeriod.objects.create(
            case=case,
            decided_on=_day(day),
            decided_by=self.actor,
            legal_basis="Art. 14-1.1",
            starts_at=_moment(day),
            ends_at=_moment(day) + datetime.timedelta(days=30),
        )

    def call(self, day: str, line: str) -> None:
        Contact.objects.create(
            reference=self._reference("H"),
            line=line,
            contacted_at=_moment(day),
            caller_type="victim",
            topic="trafficking",
            outcome="advice",
            operator=self.actor,
            organisation=self.police,
        )


@pytest.fixture
def register(az_pack: Path) -> None:
    """Two years of records; the expected figures are in EXPECTED."""
    world = _Register(staff("mia-ctht", Role.INVESTIGATOR, username="annual-police"))
    a, b = world.criminal_case("2011-02-01", sent="2011-06-01"), world.criminal_case("2011-03-01")
    c = world.criminal_case("2012-02-01")
    world.criminal_case("2012-04-01")
    b.sent_to_court_on = _day("2012-02-15")
    b.save()
    world.fact("2011-01-10", "human_trafficking", "whatsapp")
    world.fact("2011-01-11", "human_trafficking")
    world.fact("2011-01-12", "forced_labour")
    world.fact("2012-01-10", "human_trafficking", "tiktok", case=c)
    world.fact("2012-01-11", "human_trafficking", "tiktok", "telegram")
    world.fact("2012-01-12", "human_trafficking")
    world.fact("2012-01-13", "forced_labour")
    first, second, third, fourth = (
        world.accused("female"),
        world.accused("male"),
        world.accused("female"),
        world.accused("male"),
    )
    world.charge(a, first, to_court=True)
    world.charge(a, second, to_court=True)
    world.charge(b, third, to_court=True)
    world.charge(c, first, to_court=False)
    world.convict(a, "2012-03-01", first, second)
    world.wanted(second, "local", "human_trafficking", "2011-01-05", detained="2012-04-01")
    world.wanted(third, "local", "brothel_running", "2012-01-05", detained="2012-05-01")
    world.wanted(fourth, "international", "human_trafficking", "2012-02-05", country="TR")

    v1 = world.victim(
        "2011-05-01", sex="female", citizenship="AZ", region="baku", age=30,
        countries=("TR",), exploited_from="2010-05-01",
    )  # fmt: skip
    v2 = world.victim(
        "2011-06-01", sex="female", citizenship="AZ", region="ganja-dashkasan", age=20,
        countries=("RU",), exploited_from="2011-01-01",
    )  # fmt: skip
    v3 = world.victim(
        "2012-05-01", sex="male", citizenship="UZ", region="", age=40,
        countries=("RU",), exploited_from="2012-02-01",
    )  # fmt: skip
    v4 = world.victim(
        "2012-06-01", sex="female", citizenship="AZ", region="baku", age=16,
        countries=("AE", "TR"), exploited_from="2009-01-01",
    )  # fmt: skip
    world.pay(v1, "one_time_allowance", "2011-05-10", "700.00")
    world.pay(v3, "one_time_allowance", "2012-05-10", "700.00")
    world.pay(v4, "one_time_allowance", "2012-06-10", "700.00")
    world.pay(v1, "assistance_fund_payment", "2012-01-10", "50.00")
    world.shelter_stay(v1, "2011-05-02", child=False)
    world.shelter_stay(v4, "2012-06-02", child=True)
    world.service(v1, "psychological", "2011-05-03")
    world.service(v1, "legal", "2012-01-03")
    world.service(v3, "legal", "2012-05-03")
    child = FamilyMember.objects.create(case=v1, birth_year=2008, sex="female")
    world.service(v1, "child_school_supplies", "2012-09-01", family_member=child)
    world.refer(v3, "2012-05-02")
    world.legal_aid(v1, "2011-07-01", "court")
    world.reflection(v2, "2011-06-02")
    world.reflection(v3, "2012-05-02")
    for day, line in [
        ("2011-02-01", "line_152"),
        ("2011-03-01", "line_152"),
        ("2011-04-01", "line_152"),
        ("2011-05-01", "line_919"),
        ("2012-02-01", "line_152"),
        ("2012-03-01", "line_152"),
    ]:
        world.call(day, line)


# figure id: (2012, 2011, change text), worked out from the register above.
EXPECTED = {
    "facts.total": (4, 3, "(+1)"),
    "facts.type.human_trafficking": (3, 2, "(+1)"),
    "facts.type.forced_labour": (1, 1, "(no change)"),
    "facts.ict": (2, 1, "(+1)"),
    "ict_facts.platform.tiktok": (2, 0, "(+2)"),
    "ict_facts.platform.telegram": (1, 0, "(+1)"),
    "ict_facts.platform.whatsapp": (0, 1, "(-1)"),
    "criminal_cases.total": (2, 2, "(no change)"),
    "criminal_cases.ict": (1, 0, "(+1)"),
    "defendants.total": (1, 3, "(-2)"),
    "defendants.sex.female": (1, 2, "(-1)"),
    "defendants.sex.male": (0, 1, "(-1)"),
    "cases_to_court.total": (1, 1, "(no change)"),
    "persons_to_court.total": (1, 2, "(-1)"),
    "convicted.total": (2, 0, "(+2)"),
    "convicted.sex.female": (1, 0, "(+1)"),
    "convicted.sex.male": (1, 0, "(+1)"),
    "wanted_local.total": (1, 1, "(no change)"),
    "wanted_local.offence.human_trafficking": (0, 1, "(-1)"),
    "wanted_local.offence.brothel_running": (1, 0, "(+1)"),
    "wanted_detained.total": (2, 0, "(+2)"),
    "wanted_detained.offence.human_trafficking": (1, 0, "(+1)"),
    "wanted_international.total": (1, 0, "(+1)"),
    "wanted_international.country.TR": (1, 0, "(+1)"),
    "victims.total": (2, 2, "(no change)"),
    "victims.sex.female": (1, 2, "(-1)"),
    "victims.sex.male": (1, 0, "(+1)"),
    "victims_citizenship.citizenship.AZ": (1, 2, "(-1)"),
    "victims_citizenship.citizenship.UZ": (1, 0, "(+1)"),
    "victims_countries.country.RU": (1, 1, "(no change)"),
    "victims_countries.country.TR": (1, 1, "(no change)"),
    "victims_countries.country.AE": (1, 0, "(+1)"),
    "victims.age.child": (1, 0, "(+1)"),
    "victims.age.18-25": (0, 1, "(-1)"),
    "victims.age.25-35": (0, 1, "(-1)"),
    "victims.age.35-plus": (1, 0, "(+1)"),
    "victims.residence.capital": (1, 1, "(no change)"),
    "victims.residence.regions": (0, 1, "(-1)"),
    "victims.residence.unknown": (1, 0, "(+1)"),
    "victims.exploited.before": (1, 1, "(no change)"),
    "victims.exploited.during": (1, 1, "(no change)"),
    "payments.benefit.one_time_allowance": (2, 1, "(+1)"),
    "payment_amounts.benefit.one_time_allowance": ("1400.00", "700.00", "(+700.00)"),
    "payments.benefit.assistance_fund_payment": (1, 0, "(+1)"),
    "payment_amounts.benefit.assistance_fund_payment": ("50.00", "0.00", "(+50.00)"),
    "shelter.total": (1, 1, "(no change)"),
    "shelter.children": (1, 0, "(+1)"),
    "services.total": (2, 1, "(+1)"),
    "services.service.legal": (2, 0, "(+2)"),
    "services.service.psychological": (0, 1, "(-1)"),
    "referrals.total": (1, 0, "(+1)"),
    "legal_aid.total": (0, 1, "(-1)"),
    "legal_aid.stage.court": (0, 1, "(-1)"),
    "children_supported.total": (1, 0, "(+1)"),
    "children_supported.service.child_school_supplies": (1, 0, "(+1)"),
    "reflection_periods.total": (1, 1, "(no change)"),
    "hotline.line.line_152": (2, 3, "(-1)"),
    "hotline.total": (2, 4, "(-2)"),
}


def _figures(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {figure["id"]: figure for figure in figures(report)}


def test_each_headline_figure_is_compared_with_the_year_before(register: None) -> None:
    report = build_annual(YEAR)
    assert report["report"] == "annual"
    assert report["period"] == {"from": YEAR, "to": YEAR}
    assert report["compared_with"] == YEAR - 1
    assert report["violations"] == []
    found = _figures(report)
    assert {
        figure_id: (found[figure_id]["value"], found[figure_id]["previous"], found[figure_id]["change_text"])
        for figure_id in EXPECTED
    } == EXPECTED  # fmt: skip
    # Every headline (not only those above) is printed, and carries a comparison.
    headlines = [figure for figure in figures(report) if not figure.get("part_of")]
    assert {figure["id"] for figure in headlines} <= set(EXPECTED)
    assert all(figure["change_text"] for figure in figures(report))
    assert found["persons_to_court.sex.female"]["part_of"] == "persons_to_court.total"
    assert found["victims.sex.female"]["group"] == "Sex"
    # A part empty in both years is left out: nobody was exploited in Iran.
    assert "victims_countries.country.IR" not in found


def test_the_tables_run_from_the_first_year_of_data_and_agree_with_the_figures(
    register: None,
) -> None:
    report = build_annual(YEAR)
    tables = {table["id"]: table for table in report["tables"]}
    assert tables["victims"]["rows"] == ["2011", "2012"]
    assert tables["victims"]["cells"]["2012"]["sex.male"] == 1
    for figure in figures(report):
        cells = tables[figure["table"]]["cells"]
        assert cells[str(YEAR)][figure["column"]] == figure["value"], figure["id"]
        assert cells[str(YEAR - 1)][figure["column"]] == figure["previous"], figure["id"]
    # A year with no records still has its row of zeros, and the year before it.
    assert build_annual(2009)["sections"][0]["figures"][0]["change_text"] == "(no change)"


def test_change_texts() -> None:
    assert change_text(2) == "(+2)"
    assert change_text(-3) == "(-3)"
    assert change_text(0) == "(no change)"
    assert change_text(Decimal("-50.00")) == "(-50.00)"


def test_year_on_year_validation_catches_a_tampered_figure(register: None) -> None:
    report = build_annual(YEAR)
    tampered = copy.deepcopy(report)
    figure = _figures(tampered)["victims.total"]
    figure["value"] += 1  # 3 victims printed, still "(no change)" from 2
    wrong_text = _figures(tampered)["facts.total"]
    wrong_text["change_text"] = "(+2)"  # the change is +1
    amount = _figures(tampered)["payment_amounts.benefit.one_time_allowance"]
    amount["change"] = "600.00"
    found = validate(tampered)
    assert {(v["rule"], v["table"], v["row"]) for v in found} == {
        ("year_on_year", "victims", "victims.total"),
        ("year_on_year", "detection", "facts.total"),
        ("year_on_year", "protection", "payment_amounts.benefit.one_time_allowance"),
    }
    assert any("3 less 2 is not 0" in v["message"] for v in found)
    # A hidden figure cannot be checked and is not reported.
    figure["value"], figure["change"], figure["change_text"] = "<5", None, ""
    assert ("year_on_year", "victims", "victims.total") not in {
        (v["rule"], v["table"], v["row"]) for v in validate(tampered)
    }
    # "No change" is recognised in any language; the number is not.
    other = copy.deepcopy(report)
    _figures(other)["criminal_cases.total"]["change_text"] = "(dəyişiklik yoxdur)"
    assert validate(other) == []
    _figures(other)["criminal_cases.total"]["change_text"] = "(+0)"
    assert validate(other) == []
    _figures(other)["criminal_cases.total"]["change_text"] = ""
    assert [v["row"] for v in validate(other)] == ["criminal_cases.total"]


def test_public_output_hides_small_figures_and_their_changes(register: None) -> None:
    public = publishable(build_annual(YEAR))
    assert public["public"] is True
    assert public["violations"] == []
    for figure in figures(public):
        for key in ("value", "previous"):
            value = figure[key]
            assert not (isinstance(value, int) and 1 <= value <= 4), figure["id"]
        hidden = any(figure[key] in ("<5", "x") for key in ("value", "previous"))
        if hidden:
            assert figure["change"] is None and figure["change_text"] == "", figure["id"]
    found = _figures(public)
    assert found["facts.total"]["value"] == "<5"
    assert figure_line(found["facts.total"]) == "Facts detected: <5"
    assert found["ict_facts.platform.whatsapp"]["value"] == 0  # zeros are shown
    # The allowance paid to 2 persons would tell how many they were: hidden with them.
    assert found["payment_amounts.benefit.one_time_allowance"]["value"] == "x"
    amounts = next(t for t in public["tables"] if t["id"] == "payment_amounts")
    assert amounts["cells"][str(YEAR)]["benefit.one_time_allowance"] == "x"
    assert amounts["cells"][str(YEAR)]["total"] == "x"


def test_the_annual_report_covers_one_year(register: None) -> None:
    # The web form asks for a period: the report is the last year's, and says so.
    report = build_annual_period(YEAR - 1, YEAR)
    assert report["period"] == {"from": YEAR, "to": YEAR}
    assert any("covers one year" in note for note in report["notes"])
    assert not any("covers one year" in note for note in build_annual_period(YEAR, YEAR)["notes"])
    with pytest.raises(CommandError, match="--year"):
        call_command("report", "annual", "--from", "2022", "--to", "2023")
    with pytest.raises(CommandError, match="--year"):
        call_command("report", "annual")


def test_narrative_blocks_from_a_file(register: None, statistician: User, tmp_path: Path) -> None:
    narrative = tmp_path / "narrative.yaml"
    narrative.write_text(
        "legislation: |\n  The Law was amended on 1 March.\n\n  A second paragraph.\n"
        "victims:\n  title: Victims of trafficking\n  text: [Most victims were women.]\n",
        encoding="utf-8",
    )
    target = tmp_path / "annual.json"
    call_command(
        "report", "annual", "--year", str(YEAR), "--narrative", str(narrative),
        "--user", STATISTICIAN, "--output", str(target),
    )  # fmt: skip
    report = json.loads(target.read_text(encoding="utf-8"))
    blocks = {block["id"]: block for block in report["narrative"]}
    assert blocks["legislation"]["paragraphs"] == [
        "The Law was amended on 1 March.",
        "A second paragraph.",
    ]
    assert blocks["legislation"]["placeholder"] is False
    assert blocks["victims"]["title"] == "Victims of trafficking"
    assert blocks["training"]["placeholder"] is True
    assert "secretariat" in blocks["training"]["paragraphs"][0]
    assert blocks["detection"] == {
        "id": "detection",
        "title": "Detection and prosecution",
        "paragraphs": [],
        "placeholder": False,
        "figures": True,
    }
    narrative.write_text("legislaton: typo\n", encoding="utf-8")
    with pytest.raises(CommandError, match="unknown narrative blocks: legislaton"):
        call_command("report", "annual", "--year", str(YEAR), "--narrative", str(narrative))
    with pytest.raises(CommandError, match="no narrative"):
        call_command(
            "report", "greta", "--from", "2011", "--to", "2012", "--narrative", str(narrative)
        )


# --- The demo history ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def annual(django_db_setup: None, django_db_blocker: Any) -> Iterator[dict[str, Any]]:
    """Two years of demo history with everything built on it, reported once for the module."""
    with django_db_blocker.unblock(), transaction.atomic():
        ensure_demo_accounts()
        generate_demo_history(years=[2022, 2023], demo_staff=True)
        generate_demo_referrals()
        generate_demo_assistance()
        generate_demo_justice()
        generate_demo_hotline(years=[2022, 2023], scale=0.05)
        yield build_annual(2023)
        transaction.set_rollback(True)


def test_the_demo_report_has_no_violations(annual: dict[str, Any], az_pack: Path) -> None:
    assert annual["violations"] == []
    assert [section["id"] for section in annual["sections"]] == [
        "detection",
        "victims",
        "protection",
    ]
    found = _figures(annual)
    assert found["victims.total"]["value"] > 0 and found["hotline.total"]["value"] > 0
    for figure in figures(annual):
        assert figure["change_text"] == change_text(
            Decimal(figure["change"]) if figure["unit"] == "amount" else figure["change"]
        )
    json.dumps(annual)  # every value is plain JSON


def test_the_charts_are_png_in_the_annex(annual: dict[str, Any], az_pack: Path) -> None:
    charts = annual_charts(annual)
    assert len(charts) >= 9
    for caption, png in charts:
        assert caption and png.startswith(PNG) and len(png) < 200_000
    public = annual_charts(publishable(annual))
    assert len(public) == len(charts)
    # A hand-typed report without some tables gets the charts it can have.
    assert annual_charts({"period": {"to": 2023}, "tables": []}) == []


def test_the_docx_prints_each_figure_with_its_change_and_embeds_the_charts(
    annual: dict[str, Any], az_pack: Path
) -> None:
    buffer = io.BytesIO()
    write_report(annual, "docx", buffer)
    assert buffer.tell() < 3_000_000
    document = Document(io.BytesIO(buffer.getvalue()))
    paragraphs = [paragraph.text for paragraph in document.paragraphs]
    for figure in figures(annual):
        line = f"{figure['label']}: {figure['value']} {figure['change_text']}"
        assert line in paragraphs, line
    assert (
        "Identified victims: {} {}".format(
            _figures(annual)["victims.total"]["value"],
            _figures(annual)["victims.total"]["change_text"],
        )
        in paragraphs
    )
    assert len(document.inline_shapes) >= 6
    assert any(text.startswith("Chart 1. ") for text in paragraphs)
    assert any("secretariat" in text for text in paragraphs)  # the placeholders
    assert len(document.tables) >= len(annual["tables"])


def test_the_command_writes_each_format_and_public_hides_small_figures(
    annual: dict[str, Any], statistician: User, tmp_path: Path
) -> None:
    for output_format in ("json", "xlsx", "docx"):
        target = tmp_path / f"annual.{output_format}"
        call_command(
            "report", "annual", "--year", "2023", "--format", output_format,
            "--output", str(target), "--public",
        )  # fmt: skip
        assert target.stat().st_size > 1000
    written = json.loads((tmp_path / "annual.json").read_text(encoding="utf-8"))
    assert written["public"] is True and written["violations"] == []
    small = 0
    for figure in figures(written):
        for key in ("value", "previous"):
            assert not (isinstance(figure[key], int) and 1 <= figure[key] <= 4), figure["id"]
        small += figure["value"] in ("<5", "x")
    assert small > 0
    exact = _figures(annual)
    for figure in figures(written):
        if figure["value"] not in ("<5", "x"):
            assert figure["value"] == exact[figure["id"]]["value"]
    document = Document(str(tmp_path / "annual.docx"))
    assert len(document.inline_shapes) >= 6
    # The GRETA report is produced as before.
    call_command(
        "report", "greta", "--from", "2022", "--to", "2023", "--user", STATISTICIAN,
        "--output", str(tmp_path / "g.json"),
    )  # fmt: skip
    assert json.loads((tmp_path / "g.json").read_text(encoding="utf-8"))["report"] == "greta"
