"""GRETA questionnaire, Part III, question 42 (seed 001:1170-1346): Tables 1-10 and the items
the reply answers in words, each declared once and computed from the records.

Who is counted, and in which year, is written in each table's ``population`` line so that the
reader of the output knows without reading this file.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from django.db.models import Case as CaseWhen
from django.db.models import (
    Count,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    Sum,
    Value,
    When,
)
from django.utils import timezone
from django.utils.translation import gettext as _

from lantern.assistance.models import (
    CompensationClaim,
    CompensationReceipt,
    LegalAid,
    Payment,
    Repatriation,
    ResidencePermit,
    ServiceDelivered,
    ShelterStay,
)
from lantern.core.models import Jurisdiction, Organisation
from lantern.justice.models import (
    Conviction,
    CriminalCase,
    ProceduralRole,
    VictimRole,
)
from lantern.nrm.models import LegalRepresentative, ReflectionPeriod
from lantern.register.models import Case
from lantern.statistics.engine import (
    Breakdown,
    LinkedCount,
    Measure,
    TableSpec,
    age_band_expression,
    age_band_values,
    build_table,
    distinct,
)
from lantern.statistics.parallel import build_all
from lantern.statistics.validation import validate

GRETA_AGES = "greta"
# GRETA Table 10's bands: "1 to 7 years" up to 84 months, "7 to 12 years" from 84 to 144.
YEAR_MONTHS = 12
SHORT_SENTENCE_MONTHS = 84
LONG_SENTENCE_MONTHS = 144


def _victim_breakdowns(prefix: str = "", *, scope: bool = True) -> list[Breakdown]:
    """Sex, age band at identification, form of exploitation, citizenship, place of exploitation."""
    breakdowns = [
        Breakdown(
            "sex",
            _("Sex"),
            "exclusive",
            lambda: f"{prefix}person__sex",
            code_list="sexes",
            values=[("female", _("Female")), ("male", _("Male"))],
        ),
        Breakdown(
            "age",
            _("Age"),
            "exclusive",
            age_band_expression(GRETA_AGES, f"{prefix}age_at_identification"),
            values=age_band_values(GRETA_AGES),
        ),
        Breakdown(
            "form",
            _("Form of exploitation"),
            "multi",
            lambda: f"{prefix}exploitation_forms__code",
            code_list="forms_of_exploitation",
        ),
        Breakdown(
            "citizenship",
            _("Citizenship"),
            "exclusive",
            lambda: f"{prefix}person__citizenship",
            code_list="countries",
        ),
    ]
    if scope:
        breakdowns.append(
            Breakdown(
                "place",
                _("Place of exploitation"),
                "exclusive",
                lambda: f"{prefix}exploitation_scope",
                code_list="exploitation_scopes",
                show_all_codes=True,
            )
        )
    return breakdowns


def _identified() -> Any:
    return Case.objects.filter(identified_on__isnull=False)


def _table_1() -> TableSpec:
    return TableSpec(
        id="table_1",
        title=_("Table 1. Presumed and identified victims"),
        population_text=_(
            "Persons identified as victims, by year of identification; a person identified in "
            "two years is counted in each."
        ),
        population=_identified,
        period="identified_on",
        unit="persons",
        count=distinct("person"),
        breakdowns=[
            *_victim_breakdowns(),
            Breakdown(
                "identified_by",
                _("Identifying body"),
                "exclusive",
                lambda: "identifying_organisation__code",
                labels=lambda: {org.code: org.name for org in Organisation.objects.all()},
            ),
            Breakdown(
                "method",
                _("Identification method"),
                "exclusive",
                lambda: "identification_method",
                code_list="identification_methods",
                show_all_codes=True,
            ),
        ],
    )


def _table_2() -> TableSpec:
    return TableSpec(
        id="table_2",
        title=_("Table 2. Victims identified in the asylum procedure"),
        population_text=_(
            "Identified victims whose first contact was the migration or asylum procedure, by "
            "year of identification."
        ),
        population=lambda: _identified().filter(contact_channel="migration_asylum"),
        period="identified_on",
        unit="persons",
        count=distinct("person"),
        breakdowns=_victim_breakdowns(scope=False),
    )


def _table_3() -> TableSpec:
    has_representative = Exists(LegalRepresentative.objects.filter(case=OuterRef("pk")))
    return TableSpec(
        id="table_3",
        title=_("Table 3. Child victims given a legal representative"),
        population_text=_(
            "Children identified as victims who have a legal representative, by year of "
            "identification."
        ),
        population=lambda: (
            _identified().filter(child_at_identification=True).filter(has_representative)
        ),
        period="identified_on",
        unit="persons",
        count=distinct("person"),
        breakdowns=_victim_breakdowns()[:1],
    )


def _table_4() -> TableSpec:
    return TableSpec(
        id="table_4",
        title=_("Table 4. Victims granted a recovery and reflection period"),
        population_text=_("Persons granted a reflection period, by year of the decision."),
        population=lambda: ReflectionPeriod.objects.all(),
        period="decided_on",
        unit="persons",
        count=distinct("case__person"),
        breakdowns=_victim_breakdowns("case__", scope=False),
    )


def _table_5() -> TableSpec:
    return TableSpec(
        id="table_5",
        title=_("Table 5. Compensation"),
        population_text=_("Compensation claims, by year of submission."),
        population=lambda: CompensationClaim.objects.all(),
        period="submitted_on",
        unit="claims",
        count=distinct("pk"),
        total_label=_("Claims submitted"),
        breakdowns=[
            Breakdown(
                "against",
                _("Claimed from"),
                "exclusive",
                lambda: "against",
                values=[("offender", _("The offender")), ("state", _("The State"))],
            )
        ],
        measures=lambda: [
            Measure(
                "awarded",
                _("Awarded"),
                lambda: Count("pk", distinct=True, filter=Q(awarded_on__isnull=False)),
            ),
            Measure(
                "received",
                _("Received (at least in part)"),
                lambda: Count("pk", distinct=True, filter=Q(receipts__isnull=False)),
            ),
        ],
    )


def _compensation_amounts() -> TableSpec:
    return TableSpec(
        id="compensation_amounts",
        title=_("Compensation amounts"),
        population_text=_("Amounts awarded, by year of submission of the claim."),
        population=lambda: CompensationClaim.objects.all(),
        period="submitted_on",
        unit="amount",
        amounts=True,
        count=lambda: Sum("awarded_amount"),
        total_label=_("Awarded"),
        breakdowns=[
            Breakdown(
                "against",
                _("Claimed from"),
                "exclusive",
                lambda: "against",
                values=[("offender", _("The offender")), ("state", _("The State"))],
            )
        ],
    )


def _compensation_received() -> TableSpec:
    return TableSpec(
        id="compensation_received",
        title=_("Compensation received"),
        population_text=_("Amounts received, by year of receipt."),
        population=lambda: CompensationReceipt.objects.all(),
        period="received_on",
        unit="amount",
        amounts=True,
        count=lambda: Sum("amount"),
        total_label=_("Received"),
        breakdowns=[
            Breakdown(
                "against",
                _("Paid by"),
                "exclusive",
                lambda: "claim__against",
                values=[("offender", _("The offender")), ("state", _("The State"))],
            )
        ],
    )


def _table_6() -> TableSpec:
    return TableSpec(
        id="table_6",
        title=_("Table 6. Other financial support from the State"),
        population_text=_("Persons paid a benefit, by year of payment."),
        population=lambda: Payment.objects.all(),
        period="paid_on",
        unit="persons",
        count=distinct("case__person"),
        breakdowns=[
            Breakdown("benefit", _("Benefit"), "multi", lambda: "benefit__code"),
        ],
    )


def _table_6_amounts() -> TableSpec:
    return TableSpec(
        id="table_6_amounts",
        title=_("Table 6 (amounts). Financial support paid"),
        population_text=_("Amounts paid, by year of payment."),
        population=lambda: Payment.objects.all(),
        period="paid_on",
        unit="amount",
        amounts=True,
        count=lambda: Sum("amount"),
        breakdowns=[Breakdown("benefit", _("Benefit"), "exclusive", lambda: "benefit__code")],
    )


def legal_aid_table(table_id: str, title: str) -> TableSpec:
    """Persons given free legal aid by year it started, by stage; GRETA and the annual report."""
    return TableSpec(
        id=table_id,
        title=title,
        population_text=_("Persons given free legal aid, by year it started."),
        population=lambda: LegalAid.objects.all(),
        period="started_on",
        unit="persons",
        count=distinct("case__person"),
        breakdowns=[
            Breakdown(
                "stage",
                _("Stage"),
                "multi",
                lambda: "stage",
                values=[("investigation", _("Investigation")), ("court", _("Court"))],
            ),
        ],
    )


def _table_7() -> TableSpec:
    return legal_aid_table("table_7", _("Table 7. Free legal assistance"))


def _table_8() -> TableSpec:
    return TableSpec(
        id="table_8",
        title=_("Table 8. Returned or repatriated victims"),
        population_text=_(
            "Victims returned to their country, by year of return (readmissions to this country "
            "are not counted here)."
        ),
        population=lambda: Repatriation.objects.filter(is_readmission=False),
        period="repatriated_on",
        unit="persons",
        count=distinct("case__person"),
        breakdowns=[
            *_victim_breakdowns("case__", scope=False),
            Breakdown(
                "destination",
                _("Destination"),
                "exclusive",
                lambda: "destination",
                code_list="countries",
            ),
        ],
    )


def _victims_in_case() -> LinkedCount:
    """Victims, not witnesses, of the criminal case."""
    return LinkedCount("victims", "case__person", Q(victims__role=VictimRole.VICTIM))


def _accused_in_case() -> LinkedCount:
    """Accused persons: GRETA's column; suspects not yet charged are not counted."""
    return LinkedCount("accused", "accused", Q(accused__role=ProceduralRole.ACCUSED))


def _table_9() -> TableSpec:
    def by_form(group: str, label: str, count: LinkedCount) -> Breakdown:
        return Breakdown(
            group,
            label,
            "multi",
            lambda: "exploitation_forms__code",
            code_list="forms_of_exploitation",
            count=count,
            total=group,
        )

    return TableSpec(
        id="table_9",
        title=_("Table 9. Investigations and prosecutions"),
        population_text=_(
            "Criminal cases, by year of initiation, with the victims and accused persons linked "
            "to them."
        ),
        population=lambda: CriminalCase.objects.all(),
        period="initiated_on",
        unit="criminal cases",
        count=distinct("pk"),
        total_label=_("Criminal cases"),
        breakdowns=[
            Breakdown(
                "cases",
                _("Criminal cases by form of exploitation"),
                "multi",
                lambda: "exploitation_forms__code",
                code_list="forms_of_exploitation",
            ),
            by_form("victims", _("Victims by form of exploitation"), _victims_in_case()),
            by_form("accused", _("Accused persons by form of exploitation"), _accused_in_case()),
        ],
        measures=lambda: [
            Measure("victims", _("Victims"), _victims_in_case()),
            Measure("accused", _("Accused persons"), _accused_in_case()),
        ],
    )


def _table_10() -> TableSpec:
    age = ExpressionWrapper(
        F("judgment__delivered_on__year") - F("accused__birth_year"), output_field=IntegerField()
    )
    return TableSpec(
        id="table_10",
        title=_("Table 10. Persons convicted and judgments"),
        population_text=_(
            "Sentences of persons convicted, by year of the judgment (a person convicted in two "
            "judgments is counted in each)."
        ),
        population=lambda: Conviction.objects.annotate(age_at_judgment=age),
        period="judgment__delivered_on",
        unit="persons",
        count=distinct("pk"),
        total_label=_("Persons convicted"),
        breakdowns=[
            Breakdown(
                "form",
                _("Form of exploitation"),
                "exclusive",
                lambda: "form_of_exploitation",
                code_list="forms_of_exploitation",
            ),
            Breakdown(
                "child_victim",
                _("Child victim"),
                "exclusive",
                _child_victim,
                values=[("yes", _("Yes")), ("no", _("No"))],
            ),
            Breakdown(
                "sentence",
                _("Type of sentence"),
                "exclusive",
                lambda: "sentence_type",
                code_list="sentence_types",
            ),
            Breakdown(
                "duration",
                _("Duration"),
                "exclusive",
                _duration_band,
                values=[
                    ("under-1", _("Under 1 year")),
                    ("1-7", _("1 to 7 years")),
                    ("7-12", _("7 to 12 years")),
                    ("over-12", _("Over 12 years")),
                ],
            ),
            Breakdown(
                "citizenship",
                _("Citizenship"),
                "exclusive",
                lambda: "accused__citizenship",
                code_list="countries",
            ),
            Breakdown(
                "age",
                _("Age"),
                "exclusive",
                age_band_expression(GRETA_AGES, "age_at_judgment"),
                values=age_band_values(GRETA_AGES),
            ),
            Breakdown(
                "sex",
                _("Sex"),
                "exclusive",
                lambda: "accused__sex",
                values=[("female", _("Female")), ("male", _("Male"))],
            ),
        ],
        measures=lambda: [
            Measure("judgments", _("Judgments"), distinct("judgment")),
            Measure(
                "confiscation",
                _("With confiscation of property"),
                lambda: Count("pk", filter=Q(property_confiscated=True)),
            ),
            Measure(
                "legal_person",
                _("With liability of a legal person"),
                lambda: Count("pk", filter=Q(legal_person_liable=True)),
            ),
        ],
    )


def _child_victim() -> Any:
    return CaseWhen(When(child_victim=True, then=Value("yes")), default=Value("no"))


def _duration_band() -> Any:
    """GRETA's bands, "1 to 7 years" and "7 to 12 years", and the lengths on either side of
    them, so that a six-month or a fifteen-year sentence is not printed in a band it is not in;
    a sentence with no length (a fine) is "not recorded"."""
    return CaseWhen(
        When(duration_months__lt=YEAR_MONTHS, then=Value("under-1")),
        When(duration_months__lt=SHORT_SENTENCE_MONTHS, then=Value("1-7")),
        When(duration_months__lte=LONG_SENTENCE_MONTHS, then=Value("7-12")),
        When(duration_months__gt=LONG_SENTENCE_MONTHS, then=Value("over-12")),
        default=Value("unknown"),
    )


def _residence_permits() -> TableSpec:
    first_permits = Q(renews__isnull=True)
    return TableSpec(
        id="residence_permits",
        title=_("Residence permits granted to victims"),
        population_text=_("Residence permits issued, by year the permit starts."),
        population=lambda: ResidencePermit.objects.all(),
        period="valid_from",
        unit="permits",
        count=distinct("pk"),
        breakdowns=[
            Breakdown(
                "type",
                _("Type"),
                "exclusive",
                lambda: "permit_type",
                code_list="residence_permit_types",
                show_all_codes=True,
            )
        ],
        measures=lambda: [
            Measure("first", _("First permits"), lambda: Count("pk", filter=first_permits)),
            Measure("renewals", _("Renewals"), lambda: Count("pk", filter=~first_permits)),
            Measure("persons", _("Persons"), distinct("case__person")),
        ],
    )


def _assisted() -> TableSpec:
    return TableSpec(
        id="assisted",
        title=_("Identified victims who received assistance"),
        population_text=_(
            "Identified victims paid a benefit, given a service, a shelter place or legal aid, by "
            "year of identification."
        ),
        population=lambda: _identified().filter(_received_assistance()),
        period="identified_on",
        unit="persons",
        count=distinct("person"),
        breakdowns=_victim_breakdowns(),
    )


def _received_assistance() -> Q:
    """Any help recorded for the case, tested per case: joining the four kinds of help would
    multiply each case by its payments times its services times its stays before counting."""
    help_to_the_victim = (
        Payment.objects.all(),
        # A service to the victim's child is the child's (the annual report counts it apart).
        ServiceDelivered.objects.filter(family_member__isnull=True),
        ShelterStay.objects.all(),
        LegalAid.objects.all(),
    )
    found = Q()
    for kind in help_to_the_victim:
        found |= Q(Exists(kind.filter(case=OuterRef("pk"))))
    return found


TABLES = (
    _table_1,
    _table_2,
    _table_3,
    _table_4,
    _table_5,
    _compensation_amounts,
    _compensation_received,
    _table_6,
    _table_6_amounts,
    _table_7,
    _table_8,
    _table_9,
    _table_10,
    _residence_permits,
    _assisted,
)


def relations() -> list[dict[str, Any]]:
    """What must hold between tables, for Lantern's output and for a table typed by hand."""
    return [
        {"kind": "subset", "table": "table_2", "of": "table_1", "columns": "shared"},
        {"kind": "subset", "table": "table_3", "of": "table_1", "columns": {"total": "age.child"}},
        {"kind": "subset", "table": "assisted", "of": "table_1", "columns": "shared"},
        {"kind": "subset", "table": "table_5", "of": "table_5", "columns": {"awarded": "total"}},
        {"kind": "subset", "table": "table_5", "of": "table_5", "columns": {"received": "total"}},
        {
            "kind": "subset",
            "table": "table_10",
            "of": "table_10",
            "columns": {"judgments": "total", "confiscation": "total", "legal_person": "total"},
        },
    ]


def build_greta(first_year: int, last_year: int) -> dict[str, Any]:
    """The whole of Part III for ``first_year``-``last_year``, validated."""
    if first_year > last_year:
        raise ValueError(_("The first year comes after the last year."))
    years = list(range(first_year, last_year + 1))
    tables = build_all([partial(build_table, spec(), years) for spec in TABLES])
    report: dict[str, Any] = {
        "report": "greta",
        "title": _("GRETA questionnaire, Part III: statistics"),
        "period": {"from": first_year, "to": last_year},
        "generated_at": timezone.localtime().isoformat(timespec="seconds"),
        "jurisdiction": Jurisdiction.objects.values_list("country", flat=True).first() or "",
        "public": False,
        "tables": tables,
        "relations": relations(),
        "notes": [
            _(
                "Every table is computed from the same case-level records; ages are the pack's "
                "GRETA bands at identification (at judgment for convicted persons)."
            )
        ],
    }
    report["violations"] = validate(report)
    return report
