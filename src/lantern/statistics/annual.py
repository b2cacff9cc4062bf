"""The annual report on combating trafficking in human beings (Law Art. 7.5), modelled on the
Ministry of Internal Affairs' report for 2023 (seed 000:126-168, charts 000:189-309).

Everything the register knows is declared here once as a table of years (``engine.TableSpec``,
aggregated in SQL); the report's headline figures are cells of those tables, read for the year
and the year before, so that "159 (+2)" in the text, the table of years and the chart agree by
construction. What the register cannot know (legislation, prevention, training, cooperation) is
narrative text the secretariat writes, read from a file (``read_narrative``) or left as a
placeholder saying it is still to be written. The shape is in ``docs/reports.md``.
"""

from __future__ import annotations

import copy
import datetime
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import partial
from pathlib import Path
from typing import Any

import yaml
from django.db.models import Case as CaseWhen
from django.db.models import Count, F, Min, Q, QuerySet, Sum, Value, When
from django.db.models.functions import ExtractYear
from django.db.models.lookups import LessThan
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from lantern.assistance.models import Payment, ServiceDelivered, ShelterStay
from lantern.core.models import BenefitType, Jurisdiction, Organisation
from lantern.hotline.models import Contact
from lantern.justice.models import (
    Conviction,
    CriminalCase,
    CriminalCaseAccused,
    DetectedFact,
    WantedNotice,
)
from lantern.nrm.models import Referral, ReflectionPeriod
from lantern.register.models import Case
from lantern.statistics.disclosure import SECONDARY_TEXT
from lantern.statistics.engine import (
    UNKNOWN,
    Breakdown,
    Measure,
    TableSpec,
    age_band_expression,
    age_band_values,
    build_table,
    distinct,
)
from lantern.statistics.greta import legal_aid_table
from lantern.statistics.parallel import build_all
from lantern.statistics.validation import validate

ANNUAL_AGES = "annual_report"
# The Azerbaijan pack's code for the capital in the ``regions`` list (regions.yaml): the report
# splits victims' residence into "the capital city" and "the other towns and provinces" (000:144).
CAPITAL_REGION = "baku"
ONE_TIME_ALLOWANCE = "one_time_allowance"
FUND_PAYMENT = "assistance_fund_payment"
HOTLINE_152 = "line_152"
TRAFFICKING = "human_trafficking"


# --- The tables -----------------------------------------------------------------------------------


def _sex(path: str) -> Breakdown:
    return Breakdown(
        "sex",
        _("Sex"),
        "exclusive",
        lambda: path,
        code_list="sexes",
        values=[("female", _("Female")), ("male", _("Male"))],
    )


def _identified() -> QuerySet[Case]:
    return Case.objects.filter(identified_on__isnull=False)


def _residence() -> Any:
    return CaseWhen(
        When(person__region="", then=Value(UNKNOWN)),
        When(person__region=CAPITAL_REGION, then=Value("capital")),
        default=Value("regions"),
    )


def _exploitation_period() -> Any:
    """Exploitation that began before the year of identification, or in it (000:144)."""
    return CaseWhen(
        When(exploitation_from__isnull=True, then=Value(UNKNOWN)),
        When(LessThan(ExtractYear("exploitation_from"), F("row")), then=Value("before")),
        default=Value("during"),
    )


def _organisation_names() -> dict[str, str]:
    return {org.code: org.name for org in Organisation.objects.all()}


def _benefits() -> list[tuple[str, str]]:
    return [(benefit.code, benefit.name) for benefit in BenefitType.objects.order_by("code")]


def _victims() -> TableSpec:
    return TableSpec(
        id="victims",
        title=_("Identified victims"),
        population_text=_(
            "Persons identified as victims, by year of identification; age at identification "
            "in the annual report's bands; residence in the capital or elsewhere; exploitation "
            "that began before that year or in it."
        ),
        population=_identified,
        period="identified_on",
        unit="persons",
        count=distinct("person"),
        breakdowns=[
            _sex("person__sex"),
            Breakdown(
                "age",
                _("Age"),
                "exclusive",
                age_band_expression(ANNUAL_AGES, "age_at_identification"),
                values=age_band_values(ANNUAL_AGES),
            ),
            Breakdown(
                "residence",
                _("Residence"),
                "exclusive",
                _residence,
                values=[("capital", _("The capital")), ("regions", _("Other towns and regions"))],
            ),
            Breakdown(
                "exploited",
                _("Exploitation began"),
                "exclusive",
                _exploitation_period,
                values=[("before", _("In earlier years")), ("during", _("In the year"))],
            ),
        ],
    )


def _victims_citizenship() -> TableSpec:
    return TableSpec(
        id="victims_citizenship",
        title=_("Identified victims by citizenship"),
        population_text=_("Persons identified as victims, by year of identification."),
        population=_identified,
        period="identified_on",
        unit="persons",
        count=distinct("person"),
        breakdowns=[
            Breakdown(
                "citizenship",
                _("Citizenship"),
                "exclusive",
                lambda: "person__citizenship",
                code_list="countries",
            )
        ],
    )


def _victims_countries() -> TableSpec:
    return TableSpec(
        id="victims_countries",
        title=_("Identified victims by country of exploitation"),
        population_text=_(
            "Persons identified as victims, by year of identification; a person exploited in "
            "several countries is counted in each."
        ),
        population=_identified,
        period="identified_on",
        unit="persons",
        count=distinct("person"),
        breakdowns=[
            Breakdown(
                "country",
                _("Country of exploitation"),
                "multi",
                lambda: "exploitation_countries__country",
                code_list="countries",
            )
        ],
    )


def _victims_regions() -> TableSpec:
    return TableSpec(
        id="victims_regions",
        title=_("Identified victims by region of residence"),
        population_text=_("Persons identified as victims, by year of identification."),
        population=_identified,
        period="identified_on",
        unit="persons",
        count=distinct("person"),
        breakdowns=[
            Breakdown(
                "region",
                _("Region"),
                "exclusive",
                lambda: "person__region",
                code_list="regions",
                show_all_codes=True,
            )
        ],
    )


def _facts() -> TableSpec:
    return TableSpec(
        id="facts",
        title=_("Detected facts"),
        population_text=_("Facts detected by the police, by year of detection."),
        population=lambda: DetectedFact.objects.all(),
        period="detected_on",
        unit="facts",
        count=distinct("pk"),
        breakdowns=[
            Breakdown("type", _("Type"), "exclusive", lambda: "fact_type", code_list="fact_types")
        ],
        measures=lambda: [
            Measure(
                "ict",
                _("Committed through information technologies"),
                lambda: Count("pk", distinct=True, filter=Q(through_ict=True)),
            )
        ],
    )


def _ict_facts() -> TableSpec:
    return TableSpec(
        id="ict_facts",
        title=_("Facts committed through information technologies, by platform"),
        population_text=_(
            "Facts committed through information technologies, by year of detection; a fact on "
            "several platforms is counted on each."
        ),
        population=lambda: DetectedFact.objects.filter(through_ict=True),
        period="detected_on",
        unit="facts",
        count=distinct("pk"),
        breakdowns=[
            Breakdown(
                "platform",
                _("Platform"),
                "multi",
                lambda: "platforms__code",
                code_list="ict_platforms",
            )
        ],
    )


def _criminal_cases() -> TableSpec:
    return TableSpec(
        id="criminal_cases",
        title=_("Criminal cases initiated"),
        population_text=_(
            "Criminal cases, by year of initiation; a case under several articles is counted "
            "under each."
        ),
        population=lambda: CriminalCase.objects.all(),
        period="initiated_on",
        unit="criminal cases",
        count=distinct("pk"),
        breakdowns=[
            Breakdown(
                "article",
                _("Article of the Criminal Code"),
                "multi",
                lambda: "articles__code",
                code_list="criminal_code_articles",
            )
        ],
        measures=lambda: [
            Measure(
                "ict",
                _("On facts committed through information technologies"),
                lambda: Count("pk", distinct=True, filter=Q(facts__through_ict=True)),
            )
        ],
    )


def _defendants() -> TableSpec:
    return TableSpec(
        id="defendants",
        title=_("Defendants"),
        population_text=_(
            "Suspects and accused persons of the criminal cases initiated in the year, by year "
            "of initiation."
        ),
        population=lambda: CriminalCaseAccused.objects.all(),
        period="criminal_case__initiated_on",
        unit="persons",
        count=distinct("accused"),
        breakdowns=[_sex("accused__sex")],
    )


def _cases_to_court() -> TableSpec:
    return TableSpec(
        id="cases_to_court",
        title=_("Criminal cases sent to court"),
        population_text=_("Criminal cases, by year they were sent to court."),
        population=lambda: CriminalCase.objects.filter(sent_to_court_on__isnull=False),
        period="sent_to_court_on",
        unit="criminal cases",
        count=distinct("pk"),
    )


def _persons_to_court() -> TableSpec:
    return TableSpec(
        id="persons_to_court",
        title=_("Persons sent to court"),
        population_text=_(
            "Accused persons sent to court with their criminal case, by year the case was sent."
        ),
        population=lambda: CriminalCaseAccused.objects.filter(
            sent_to_court=True, criminal_case__sent_to_court_on__isnull=False
        ),
        period="criminal_case__sent_to_court_on",
        unit="persons",
        count=distinct("accused"),
        breakdowns=[_sex("accused__sex")],
    )


def _convicted() -> TableSpec:
    return TableSpec(
        id="convicted",
        title=_("Persons found guilty"),
        population_text=_(
            "Persons convicted, by year of the judgment (a person convicted again on appeal in "
            "a later year is counted in that year too)."
        ),
        population=lambda: Conviction.objects.all(),
        period="judgment__delivered_on",
        unit="persons",
        count=distinct("accused"),
        breakdowns=[_sex("accused__sex")],
    )


def _wanted() -> TableSpec:
    return TableSpec(
        id="wanted",
        title=_("Suspects put on a wanted list"),
        population_text=_(
            "Wanted notices, by year of listing; a person listed locally and through Interpol "
            "has a notice on each list."
        ),
        population=lambda: WantedNotice.objects.all(),
        period="listed_on",
        unit="notices",
        count=distinct("pk"),
        breakdowns=[
            Breakdown(
                "scope",
                _("List"),
                "exclusive",
                lambda: "scope",
                values=[("local", _("Wanted locally")), ("international", _("Through Interpol"))],
            )
        ],
    )


def _wanted_local() -> TableSpec:
    return TableSpec(
        id="wanted_local",
        title=_("Suspects wanted locally, by offence"),
        population_text=_("Local wanted notices, by year of listing."),
        population=lambda: WantedNotice.objects.filter(scope="local"),
        period="listed_on",
        unit="notices",
        count=distinct("pk"),
        breakdowns=[
            Breakdown(
                "offence", _("Offence"), "exclusive", lambda: "offence", code_list="wanted_offences"
            )
        ],
    )


def _wanted_detained() -> TableSpec:
    return TableSpec(
        id="wanted_detained",
        title=_("Suspects wanted locally who were detained"),
        population_text=_("Local wanted notices ended by detention, by year of detention."),
        population=lambda: WantedNotice.objects.filter(scope="local", detained_on__isnull=False),
        period="detained_on",
        unit="notices",
        count=distinct("pk"),
        breakdowns=[
            Breakdown(
                "offence", _("Offence"), "exclusive", lambda: "offence", code_list="wanted_offences"
            )
        ],
    )


def _wanted_international() -> TableSpec:
    return TableSpec(
        id="wanted_international",
        title=_("Suspects wanted through Interpol, by country where they are believed to hide"),
        population_text=_("International wanted notices, by year of listing."),
        population=lambda: WantedNotice.objects.filter(scope="international"),
        period="listed_on",
        unit="notices",
        count=distinct("pk"),
        breakdowns=[
            Breakdown(
                "country",
                _("Country of hiding"),
                "exclusive",
                lambda: "believed_country",
                code_list="countries",
            )
        ],
    )


def _payments_persons() -> TableSpec:
    return TableSpec(
        id="payments",
        title=_("Victims paid a benefit"),
        population_text=_("Persons paid a benefit, by year of payment."),
        population=lambda: Payment.objects.all(),
        period="paid_on",
        unit="persons",
        count=distinct("case__person"),
        breakdowns=[
            Breakdown("benefit", _("Benefit"), "multi", lambda: "benefit__code", values=_benefits())
        ],
    )


def _payments_amounts() -> TableSpec:
    currency = Jurisdiction.objects.values_list("currency", flat=True).first() or ""
    return TableSpec(
        id="payment_amounts",
        title=_("Benefits paid (amounts)"),
        population_text=_("Amounts paid, by year of payment (%(currency)s).")
        % {"currency": currency},
        population=lambda: Payment.objects.all(),
        period="paid_on",
        unit="amount",
        amounts=True,
        count=lambda: Sum("amount"),
        breakdowns=[
            Breakdown(
                "benefit", _("Benefit"), "exclusive", lambda: "benefit__code", values=_benefits()
            )
        ],
    )


def _shelter() -> TableSpec:
    return TableSpec(
        id="shelter",
        title=_("Victims placed in a shelter"),
        population_text=_("Persons admitted to a shelter, by year of admission."),
        population=lambda: ShelterStay.objects.all(),
        period="admitted_on",
        unit="persons",
        count=distinct("case__person"),
        measures=lambda: [
            Measure(
                "children",
                _("Children"),
                lambda: Count("case__person", distinct=True, filter=Q(is_child=True)),
            ),
            Measure("stays", _("Admissions"), distinct("pk")),
        ],
    )


def _services() -> TableSpec:
    return TableSpec(
        id="services",
        title=_("Victims given services"),
        population_text=_(
            "Victims given a service, by year it was delivered; a person given several services "
            "is counted under each."
        ),
        population=lambda: ServiceDelivered.objects.filter(family_member__isnull=True),
        period="delivered_on",
        unit="persons",
        count=distinct("case__person"),
        breakdowns=[
            Breakdown(
                "service",
                _("Service"),
                "multi",
                lambda: "service_type",
                code_list="service_types",
            )
        ],
        measures=lambda: [Measure("deliveries", _("Services delivered"), distinct("pk"))],
    )


def _referrals() -> TableSpec:
    return TableSpec(
        id="referrals",
        title=_("Victims referred to service providers"),
        population_text=_(
            "Victims referred, by year the referral was sent; a person referred to several "
            "providers is counted under each."
        ),
        population=lambda: Referral.objects.all(),
        period="sent_at",
        unit="persons",
        count=distinct("case__person"),
        breakdowns=[
            Breakdown(
                "provider",
                _("Provider"),
                "multi",
                lambda: "provider__code",
                labels=_organisation_names,
            )
        ],
        measures=lambda: [Measure("referrals", _("Referrals"), distinct("pk"))],
    )


def _legal_aid() -> TableSpec:
    return legal_aid_table("legal_aid", _("Victims given free legal aid"))


def _children_supported() -> TableSpec:
    return TableSpec(
        id="children_supported",
        title=_("Victims' children supported"),
        population_text=_(
            "Victims' children given a service, by year it was delivered; a child given several "
            "services is counted under each."
        ),
        population=lambda: ServiceDelivered.objects.filter(family_member__isnull=False),
        period="delivered_on",
        unit="persons",
        count=distinct("family_member"),
        breakdowns=[
            Breakdown(
                "service",
                _("Service"),
                "multi",
                lambda: "service_type",
                code_list="service_types",
            )
        ],
    )


def _reflection_periods() -> TableSpec:
    return TableSpec(
        id="reflection_periods",
        title=_("Victims granted a recovery and reflection period"),
        population_text=_("Persons granted a reflection period, by year of the decision."),
        population=lambda: ReflectionPeriod.objects.all(),
        period="decided_on",
        unit="persons",
        count=distinct("case__person"),
    )


def _hotline() -> TableSpec:
    return TableSpec(
        id="hotline",
        title=_("Hotline contacts"),
        population_text=_("Calls and messages to the hotlines, by year of contact."),
        population=lambda: Contact.objects.all(),
        period="contacted_at",
        unit="contacts",
        count=distinct("pk"),
        breakdowns=[
            Breakdown(
                "line",
                _("Line"),
                "exclusive",
                lambda: "line",
                code_list="hotline_lines",
                show_all_codes=True,
            )
        ],
    )


TABLES: tuple[Callable[[], TableSpec], ...] = (
    _facts,
    _ict_facts,
    _criminal_cases,
    _defendants,
    _cases_to_court,
    _persons_to_court,
    _convicted,
    _wanted,
    _wanted_local,
    _wanted_detained,
    _wanted_international,
    _victims,
    _victims_citizenship,
    _victims_countries,
    _victims_regions,
    _payments_persons,
    _payments_amounts,
    _shelter,
    _services,
    _referrals,
    _legal_aid,
    _children_supported,
    _reflection_periods,
    _hotline,
)


def relations() -> list[dict[str, Any]]:
    """What must hold between the annual report's tables."""
    return [
        {
            "kind": "equal",
            "table": "victims_citizenship",
            "of": "victims",
            "columns": {"total": "total"},
        },
        {
            "kind": "equal",
            "table": "victims_countries",
            "of": "victims",
            "columns": {"total": "total"},
        },
        {
            "kind": "equal",
            "table": "victims_regions",
            "of": "victims",
            "columns": {"total": "total"},
        },
        {"kind": "equal", "table": "ict_facts", "of": "facts", "columns": {"total": "ict"}},
        {"kind": "subset", "table": "facts", "of": "facts", "columns": {"ict": "total"}},
        {
            "kind": "subset",
            "table": "criminal_cases",
            "of": "criminal_cases",
            "columns": {"ict": "total"},
        },
        {
            "kind": "equal",
            "table": "wanted_local",
            "of": "wanted",
            "columns": {"total": "scope.local"},
        },
        {
            "kind": "equal",
            "table": "wanted_international",
            "of": "wanted",
            "columns": {"total": "scope.international"},
        },
        {"kind": "subset", "table": "shelter", "of": "shelter", "columns": {"children": "total"}},
    ]


# --- The headline figures -------------------------------------------------------------------------


@dataclass(frozen=True)
class Headline:
    """A figure the report prints: one cell of a table, for the year and the year before.

    ``parts`` are (table, group) pairs whose columns are printed beneath it ("15 women, 3 men");
    ``hidden_with`` names the figure whose suppression in public output also hides this one
    (an amount paid to fewer persons than the threshold would tell how many they were).
    """

    table: str
    column: str
    label: Callable[[], str]
    parts: Sequence[tuple[str, str]] = ()
    hidden_with: str = ""

    @property
    def id(self) -> str:
        return f"{self.table}.{self.column}"


@dataclass(frozen=True)
class Section:
    id: str
    title: Callable[[], str]
    headlines: Sequence[Headline]


SECTIONS = (
    Section(
        "detection",
        lambda: _("Detection and prosecution"),
        [
            Headline("facts", "total", lambda: _("Facts detected"), [("facts", "type")]),
            Headline(
                "facts",
                "ict",
                lambda: _("Facts committed through information technologies"),
                [("ict_facts", "platform")],
            ),
            Headline("criminal_cases", "total", lambda: _("Criminal cases initiated")),
            Headline(
                "criminal_cases",
                "ict",
                lambda: _("Criminal cases on facts committed through information technologies"),
            ),
            Headline("defendants", "total", lambda: _("Defendants"), [("defendants", "sex")]),
            Headline("cases_to_court", "total", lambda: _("Criminal cases sent to court")),
            Headline(
                "persons_to_court",
                "total",
                lambda: _("Persons sent to court"),
                [("persons_to_court", "sex")],
            ),
            Headline(
                "convicted", "total", lambda: _("Persons found guilty"), [("convicted", "sex")]
            ),
            Headline(
                "wanted_local",
                "total",
                lambda: _("Suspects wanted locally"),
                [("wanted_local", "offence")],
            ),
            Headline(
                "wanted_detained",
                "total",
                lambda: _("Suspects wanted locally who were detained"),
                [("wanted_detained", "offence")],
            ),
            Headline(
                "wanted_international",
                "total",
                lambda: _("Suspects wanted through Interpol"),
                [("wanted_international", "country")],
            ),
        ],
    ),
    Section(
        "victims",
        lambda: _("Victims"),
        [
            Headline(
                "victims",
                "total",
                lambda: _("Identified victims"),
                [
                    ("victims", "sex"),
                    ("victims_citizenship", "citizenship"),
                    ("victims_countries", "country"),
                    ("victims", "age"),
                    ("victims", "residence"),
                    ("victims", "exploited"),
                ],
            )
        ],
    ),
    Section(
        "protection",
        lambda: _("Protection and assistance"),
        [
            Headline(
                "payments",
                f"benefit.{ONE_TIME_ALLOWANCE}",
                lambda: _("Victims paid the one-time allowance"),
            ),
            Headline(
                "payment_amounts",
                f"benefit.{ONE_TIME_ALLOWANCE}",
                lambda: _("One-time allowances paid (amount)"),
                hidden_with=f"payments.benefit.{ONE_TIME_ALLOWANCE}",
            ),
            Headline(
                "payments",
                f"benefit.{FUND_PAYMENT}",
                lambda: _("Victims paid from the Assistance Fund"),
            ),
            Headline(
                "payment_amounts",
                f"benefit.{FUND_PAYMENT}",
                lambda: _("Assistance Fund payments (amount)"),
                hidden_with=f"payments.benefit.{FUND_PAYMENT}",
            ),
            Headline("shelter", "total", lambda: _("Victims placed in a shelter")),
            Headline("shelter", "children", lambda: _("Children placed in a shelter")),
            Headline(
                "services", "total", lambda: _("Victims given services"), [("services", "service")]
            ),
            Headline(
                "referrals",
                "total",
                lambda: _("Victims referred to service providers"),
                [("referrals", "provider")],
            ),
            Headline(
                "legal_aid",
                "total",
                lambda: _("Victims given free legal aid"),
                [("legal_aid", "stage")],
            ),
            Headline(
                "children_supported",
                "total",
                lambda: _("Victims' children supported"),
                [("children_supported", "service")],
            ),
            Headline(
                "reflection_periods",
                "total",
                lambda: _("Victims granted a recovery and reflection period"),
            ),
            Headline("hotline", f"line.{HOTLINE_152}", lambda: _("Calls to the 152 hotline")),
            Headline("hotline", "total", lambda: _("Contacts with all hotlines")),
        ],
    ),
)


# Groups whose columns have an order of their own (bands, sexes, stages); the others are printed
# largest first.
ORDERED_GROUPS = frozenset({"sex", "age", "residence", "exploited", "stage", "scope"})


def _number(value: Any) -> int | Decimal | None:
    """A count or an amount; None for a hidden, empty or non-numeric cell."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        try:
            return Decimal(value)
        except InvalidOperation:
            return None
    return None


def change_text(change: int | Decimal) -> str:
    """The report's comparison with the year before: "(+2)", "(-3)", "(no change)"."""
    if change == 0:
        return _("(no change)")
    shown = f"{change:.2f}" if isinstance(change, Decimal) else str(change)
    return f"(+{shown})" if change > 0 else f"({shown})"


def _comparison(value: Any, previous: Any) -> dict[str, Any]:
    current, before = _number(value), _number(previous)
    if current is None or before is None:
        return {"change": None, "change_text": ""}
    if isinstance(current, Decimal) or isinstance(before, Decimal):
        difference = Decimal(current) - Decimal(before)
        return {"change": f"{difference:.2f}", "change_text": change_text(difference)}
    return {"change": current - before, "change_text": change_text(current - before)}


def _cell(table: Mapping[str, Any], row: int, column: str) -> Any:
    cells = table.get("cells", {}).get(str(row), {})
    if column in cells:
        return cells[column]
    return "0.00" if table.get("unit") == "amount" else 0


def _figure(
    table: Mapping[str, Any],
    column: str,
    year: int,
    label: str,
    **extra: Any,
) -> dict[str, Any]:
    value, previous = _cell(table, year, column), _cell(table, year - 1, column)
    return {
        "id": f"{table['id']}.{column}",
        "label": label,
        "value": value,
        "previous": previous,
        **_comparison(value, previous),
        "unit": table.get("unit", ""),
        "table": table["id"],
        "column": column,
        **extra,
    }


def _is_zero(value: Any) -> bool:
    number = _number(value)
    return number is not None and number == 0


def _parts(table: Mapping[str, Any], group_id: str, year: int, parent: str) -> list[dict[str, Any]]:
    """A figure per column of the group, leaving out columns empty in both years."""
    group = next((g for g in table.get("groups", []) if g["id"] == group_id), None)
    if group is None:
        return []
    figures: list[dict[str, Any]] = []
    for column in table.get("columns", []):
        if column.get("group") != group_id:
            continue
        if _is_zero(_cell(table, year, column["id"])) and _is_zero(
            _cell(table, year - 1, column["id"])
        ):
            continue
        figures.append(
            _figure(
                table,
                column["id"],
                year,
                str(column["label"]),
                part_of=parent,
                group=str(group["label"]),
            )
        )
    if group_id not in ORDERED_GROUPS:
        # Countries, services, providers...: the largest first, as the report prints them.
        figures.sort(
            key=lambda figure: (
                figure["column"].endswith(f".{UNKNOWN}"),
                -(_number(figure["value"]) or 0),
                str(figure["label"]).casefold(),
            )
        )
    return figures


def _sections(tables: Mapping[str, Mapping[str, Any]], year: int) -> list[dict[str, Any]]:
    sections = []
    for section in SECTIONS:
        figures: list[dict[str, Any]] = []
        for headline in section.headlines:
            table = tables[headline.table]
            figure = _figure(table, headline.column, year, headline.label())
            if headline.hidden_with:
                figure["hidden_with"] = headline.hidden_with
            figures.append(figure)
            for table_id, group_id in headline.parts:
                figures += _parts(tables[table_id], group_id, year, headline.id)
        sections.append({"id": section.id, "title": section.title(), "figures": figures})
    return sections


# --- Narrative ------------------------------------------------------------------------------------

# Each block of the report in the order of seed 000 (domain catalogue, section 10.4); the three
# ids that are also sections carry the register's figures after their text.
NARRATIVE: tuple[tuple[str, Callable[[], str]], ...] = (
    ("introduction", lambda: _("Legal basis and sources")),
    ("context", lambda: _("Global context")),
    ("legislation", lambda: _("Changes to legislation and institutions")),
    ("prevention", lambda: _("Prevention and awareness")),
    ("training", lambda: _("Training")),
    ("children", lambda: _("Prevention among children")),
    ("ngo_cooperation", lambda: _("Cooperation with non-governmental organisations")),
    ("international", lambda: _("International cooperation")),
    ("forced_labour", lambda: _("Prevention of forced labour")),
    ("detection", lambda: _("Detection and prosecution")),
    ("victims", lambda: _("Victims")),
    ("protection", lambda: _("Protection and assistance")),
    ("outlook", lambda: _("Achievements and outlook")),
)
REGISTER_SECTIONS = frozenset(section.id for section in SECTIONS)


class NarrativeError(ValueError):
    """A narrative file that cannot be used; the message says what to change."""


def read_narrative(path: Path) -> Mapping[str, Any]:
    """The narrative file (JSON or YAML, shape in docs/reports.md), checked, for build_annual."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise NarrativeError(f"{path}: {error.strerror}") from None
    try:
        data = json.loads(text) if path.suffix.lower() == ".json" else yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as error:
        raise NarrativeError(f"{path}: {error}") from None
    data = data or {}
    check_narrative(data)
    return data


def _paragraphs(value: Any, where: str) -> list[str]:
    if isinstance(value, str):
        return [" ".join(part.split()) for part in value.split("\n\n") if part.strip()]
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return [item.strip() for item in value if item.strip()]
    raise NarrativeError(f"{where}: give the text as a string or a list of paragraphs")


def check_narrative(data: Any) -> dict[str, Any]:
    """``{block id: {"title": str | None, "paragraphs": [str]}}`` from a narrative mapping."""
    if not isinstance(data, Mapping):
        raise NarrativeError("a narrative file maps block ids to their text")
    known = [block for block, _title in NARRATIVE]
    unknown = sorted(str(key) for key in data if key not in known)
    if unknown:
        raise NarrativeError(
            f"unknown narrative blocks: {', '.join(unknown)}; the blocks are {', '.join(known)}"
        )
    blocks: dict[str, Any] = {}
    for key, value in data.items():
        title = None
        if isinstance(value, Mapping):
            extra = sorted(str(name) for name in value if name not in ("title", "text"))
            if extra:
                raise NarrativeError(f"{key}: a block has only 'title' and 'text', not {extra}")
            title = value.get("title")
            if title is not None and not isinstance(title, str):
                raise NarrativeError(f"{key}: the title is a string")
            value = value.get("text", "")
        blocks[str(key)] = {"title": title, "paragraphs": _paragraphs(value, str(key))}
    return blocks


def _narrative(given: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    blocks = check_narrative(given or {}) if given is not None else {}
    narrative = []
    for block_id, title in NARRATIVE:
        block = blocks.get(block_id, {})
        paragraphs = list(block.get("paragraphs", []))
        placeholder = not paragraphs and block_id not in REGISTER_SECTIONS
        if placeholder:
            paragraphs = [
                _("To be written by the secretariat of the National Coordinator: %(topic)s.")
                % {"topic": title()}
            ]
        narrative.append(
            {
                "id": block_id,
                "title": block.get("title") or title(),
                "paragraphs": paragraphs,
                "placeholder": placeholder,
                "figures": block_id in REGISTER_SECTIONS,
            }
        )
    return narrative


# --- The report -----------------------------------------------------------------------------------


def _first_year(spec: TableSpec) -> int | None:
    first = spec.population().aggregate(first=Min(spec.period))["first"]
    if first is None:
        return None
    if isinstance(first, datetime.datetime):
        first = timezone.localtime(first) if timezone.is_aware(first) else first
    return int(first.year)


def _years(spec: TableSpec, year: int) -> list[int]:
    """From the first year with records (at the latest the year before) to the report's year."""
    first = _first_year(spec)
    start = year - 1 if first is None else min(first, year - 1)
    return list(range(start, year + 1))


def build_annual(year: int, narrative: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The annual report for ``year`` compared with the year before, validated."""
    specs = [table() for table in TABLES]
    tables = build_all([partial(build_table, spec, _years(spec, year)) for spec in specs])
    by_id = {table["id"]: table for table in tables}
    report: dict[str, Any] = {
        "report": "annual",
        "title": _("Report on combating trafficking in human beings in %(year)s") % {"year": year},
        "period": {"from": year, "to": year},
        "compared_with": year - 1,
        "generated_at": timezone.localtime().isoformat(timespec="seconds"),
        "jurisdiction": Jurisdiction.objects.values_list("country", flat=True).first() or "",
        "public": False,
        "sections": _sections(by_id, year),
        "narrative": _narrative(narrative),
        "tables": tables,
        "relations": relations(),
        "notes": [
            _(
                "Every figure is computed from the register's case-level records; the change in "
                "brackets compares it with the same figure for %(previous)s."
            )
            % {"previous": year - 1}
        ],
    }
    report["violations"] = validate(report)
    return report


def build_annual_period(first_year: int, last_year: int) -> dict[str, Any]:
    """The registry's entry. The annual report covers one year: given a longer period (the web
    form asks for two years), it is the report of the period's last year, and says so; its
    tables run from the first year of data in any case. `lantern report annual` refuses a
    period and asks for --year."""
    report = build_annual(last_year)
    if first_year != last_year:
        report["notes"].append(
            _(
                "The annual report covers one year: this is the report for %(year)s (the period "
                "asked for was %(first)s-%(last)s)."
            )
            % {"year": last_year, "first": first_year, "last": last_year}
        )
    return report


# --- Publication ----------------------------------------------------------------------------------

# Amount tables whose cells tell the number of persons paid when that number is small.
AMOUNTS_OF = {"payment_amounts": "payments"}


def _hidden(value: Any) -> bool:
    """A cell or figure that public output hides ("<5", "x"): a text that is not a number."""
    return isinstance(value, str) and _number(value) is None


def _hide_amounts(report: dict[str, Any]) -> None:
    """Hide an amount where the count of persons it was paid to is hidden, and then its row's
    total too if it alone is hidden, so that it cannot be worked out by subtraction. A hidden
    amount is marked ``SECONDARY_TEXT``: it is not a small count."""
    tables = {table.get("id"): table for table in report.get("tables", [])}
    for amounts_id, persons_id in AMOUNTS_OF.items():
        amounts, persons = tables.get(amounts_id), tables.get(persons_id)
        if amounts is None or persons is None:
            continue
        members = [c["id"] for c in amounts.get("columns", []) if c.get("group")]
        for row, cells in amounts.get("cells", {}).items():
            counts = persons.get("cells", {}).get(row, {})
            for column in cells:
                if _hidden(counts.get(column)):
                    cells[column] = SECONDARY_TEXT
            hidden = [column for column in members if _hidden(cells.get(column))]
            if len(hidden) == 1 and "total" in cells:
                cells["total"] = SECONDARY_TEXT


def publish_figures(report: dict[str, Any]) -> dict[str, Any]:
    """Read every headline figure again from the report's public tables (``make_public``'s).

    A figure hidden in its table is hidden here too, and so are its change and change text (the
    change of a shown figure from a hidden one would give the hidden one away). Amounts follow
    the count of persons they were paid to (``hidden_with``).
    """
    public = copy.deepcopy(report)
    _hide_amounts(public)
    tables = {table.get("id"): table for table in public.get("tables", [])}
    year = int(public["period"]["to"])
    by_id: dict[str, dict[str, Any]] = {}
    for section in public.get("sections", []):
        for figure in section.get("figures", []):
            table = tables.get(figure.get("table"))
            if table is None:
                continue
            value = _cell(table, year, figure["column"])
            previous = _cell(table, year - 1, figure["column"])
            figure.update(value=value, previous=previous, **_comparison(value, previous))
            by_id[figure["id"]] = figure
    for figure in by_id.values():
        leader = by_id.get(figure.get("hidden_with", ""))
        if leader is None:
            continue
        for key in ("value", "previous"):
            if _hidden(leader[key]):
                figure[key] = SECONDARY_TEXT
        figure.update(_comparison(figure["value"], figure["previous"]))
    note = _(
        "A headline figure hidden in its table is hidden in the text too, without its change; "
        "an amount paid to a number of persons that is hidden is shown as %(mark)s."
    ) % {"mark": SECONDARY_TEXT}
    notes = public.setdefault("notes", [])
    if note not in notes:
        notes.append(note)
    return public


def figures(report: Mapping[str, Any]) -> Iterable[dict[str, Any]]:
    """Every headline figure of a report, section by section."""
    for section in report.get("sections", []):
        yield from section.get("figures", [])


def figure_tables(report: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Each section's headline figures as a table (a row per figure; the year, the year before
    and the change), for renderings that show only tables, such as the XLSX workbook. They are
    not part of the report's JSON and are not validated as tables."""
    year = (report.get("period") or {}).get("to", "")
    previous = report.get("compared_with", "")
    made = []
    for section in report.get("sections", []):
        labels = {figure["id"]: figure["label"] for figure in section.get("figures", [])}
        rows: list[str] = []
        cells: dict[str, dict[str, Any]] = {}
        for figure in section.get("figures", []):
            row = str(figure["label"])
            if figure.get("part_of"):
                parent = labels.get(figure["part_of"], "")
                row = f"{parent} — {figure.get('group', '')}: {figure['label']}"
            base, copy_number = row, 2
            while row in cells:
                row, copy_number = f"{base} ({copy_number})", copy_number + 1
            rows.append(row)
            cells[row] = {
                "value": figure.get("value"),
                "previous": figure.get("previous"),
                "change": figure.get("change_text") or None,
            }
        made.append(
            {
                "id": f"figures_{section['id']}",
                "title": _("%(section)s: headline figures") % {"section": section["title"]},
                "population": _("The figures the report prints, with the year before."),
                "unit": "",
                "row_label": _("Figure"),
                "rows": rows,
                "columns": [
                    {"id": "value", "label": str(year)},
                    {"id": "previous", "label": str(previous)},
                    {"id": "change", "label": pgettext("compared with the year before", "Change")},
                ],
                "groups": [],
                "cells": cells,
                "notes": [],
            }
        )
    return made
