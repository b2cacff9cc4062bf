"""The cases an organisation may see, in the Human Trafficking Case Data Standard (HTCDS 2.0).

Three CSV files with HTCDS field names and values, as `docs/htcds.md` maps them: persons
(``prs_``), victim contexts (``vic_``, one per case) and cases (``cas_``). The rows are linked
by the register's pseudonymous references; no identity leaves — the ``prs_`` name, birth date,
document and contact fields stay empty. Referral details are not written yet.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db.models import OuterRef, QuerySet, Subquery

from lantern.exchange.files import safe_cell, written_in_place
from lantern.register.models import (
    CaseControlMeans,
    CaseExploitationForm,
    CaseStatus,
    IdentificationDecision,
)

SEPARATOR = ";"  # between the values of a multi-select field

GENDER = {"female": "Feminine", "male": "Masculine"}
TRAFFICKING_STATUS = {
    CaseStatus.POTENTIAL: "PossibleVictimOfTrafficking",
    CaseStatus.PRESUMED: "PossibleVictimOfTrafficking",
    CaseStatus.IDENTIFIED: "ActualVictimOfTrafficking",
    CaseStatus.NOT_IDENTIFIED: "NotAVictimOfTrafficking",
}
DECIDING_ORGANISATION = {
    "specialised_police": "Police",
    "ngo": "NGO",
    "court": "CourtOrProsecution",
    "prosecution": "CourtOrProsecution",
    **dict.fromkeys(
        ("state_body", "local_authority", "guardianship", "employment", "medical", "education"),
        "NonPoliceGovernmentalOrganization",
    ),
}
RECRUITMENT = {
    "at_place_of_business": "AtAPlaceOfBusiness",
    "at_educational_institution": "AtAnEducationalInstitution",
    "at_work": "AtWork",
    "online_social_media": "ThroughOnlineSocialNetworks",
    "online_advertisement": "ThroughAnOnlineAdvertisement",
    "family_member": "ThroughFamilyOrFamilyEvents",
    "acquaintance_or_friend": "ThroughFriendsOrSocialEvents",
    "unknown": "",
}
PLATFORMS = {
    "facebook": "Facebook",
    "instagram": "Instagram",
    "whatsapp": "WhatsApp",
    "telegram": "Telegram",
    "tiktok": "TikTok",
}
RELATIONSHIP = {
    "family_member": "Familial",
    "acquaintance_or_friend": "Acquainted",
    "intimate_partner": "Acquainted",
}
METHODS_OF_CONTROL = {
    "physical_threats": "PhysicalThreats",
    "threats_law_enforcement": "ThreatsLawEnforcement",
    "threatens_children_family": "ThreatensChildrenFamily",
    "debt_bondage": "DebtBondage",
    "false_promises": "FalsePromises",
    "physical_abuse": "PhysicalAbuse",
    "sexual_abuse": "SexualAbuse",
    "takes_earnings": "TakesEarnings",
    "restricts_financial_access": "RestrictsFinancialAccess",
    "restricts_medical_care": "RestrictsMedicalCare",
    "withholds_necessities": "WithholdsNecessities",
    "psychological_abuse": "PsychologicalAbuse",
    "psychoactive_substance": "PsychoactiveSubstance",
    "excessive_working_hours": "ExcessiveWorkingHours",
    "withholds_documents": "WithholdsDocuments",
    "restricts_movement": "RestrictsMovement",
    "other": "Other",
}
EXPLOITATION = {
    "forced_labour": "ForcedLabour",
    "sexual_exploitation": "SexualExploitation",
    "forced_marriage": "ForcedMarriage",
    "organ_removal": "OrganRemoval",
    "begging": "ForcedBegging",
    "forced_criminal_activity": "Other",
    "other": "Other",
}

PERSON_FIELDS = (
    "lantern_person", "prs_FirstName", "prs_MiddleName", "prs_SecondName", "prs_Birthdate",
    "prs_Gender", "prs_Citizenship",
)  # fmt: skip
VICTIM_FIELDS = (
    "lantern_case", "lantern_person", "vic_TraffickingStatus",
    "vic_TraffickingStatusDecisionMakingOrg", "vic_RelationshipToTrafficker",
    "vic_RecruitmentWebsitesAndApps", "vic_MethodOfRecruitment", "vic_MethodsOfControl",
    "vic_TypeOfExploitation",
)  # fmt: skip
CASE_FIELDS = ("lantern_case", "lantern_person", "cas_Status", "cas_CaseOwner")
FILES = {
    "htcds_persons.csv": PERSON_FIELDS,
    "htcds_victim_contexts.csv": VICTIM_FIELDS,
    "htcds_cases.csv": CASE_FIELDS,
}


@dataclass(frozen=True)
class Written:
    persons: int
    cases: int


def _joined(codes: Iterable[str], mapping: dict[str, str]) -> str:
    values = sorted({mapping.get(code, "Other") for code in codes} - {""})
    return SEPARATOR.join(values)


def _status(case: dict[str, Any]) -> str:
    if case["status"] != CaseStatus.CLOSED:
        return TRAFFICKING_STATUS[case["status"]]
    if case["identified_on"] is not None:
        return "ActualVictimOfTrafficking"
    if case["last_outcome"] == "not_identified":
        return "NotAVictimOfTrafficking"
    return "PossibleVictimOfTrafficking"


def export_htcds(cases: QuerySet[Any], folder: Path) -> Written:
    """Write the three HTCDS files for ``cases`` (already narrowed by the access policy)."""
    last_outcome = (
        IdentificationDecision.objects.filter(case=OuterRef("pk"))
        .order_by("-decided_on", "-pk")
        .values("outcome")[:1]
    )
    rows = list(
        cases.annotate(last_outcome=Subquery(last_outcome))
        .values(
            "pk", "reference", "person__reference", "person__sex", "person__citizenship",
            "status", "identified_on", "identifying_organisation__kind", "recruitment_channel",
            "online_platform", "last_outcome", "registered_by__username",
        )
        .order_by("pk")
    )  # fmt: skip
    forms = _codes(CaseExploitationForm, cases)
    controls = _codes(CaseControlMeans, cases)
    persons: dict[str, list[str]] = {}
    victims, case_rows = [], []
    for case in rows:
        person = case["person__reference"]
        persons[person] = [
            person, "", "", "", "",
            GENDER.get(case["person__sex"] or "", "NonSpecifiedUnknown"),
            case["person__citizenship"] or "",
        ]  # fmt: skip
        identified = case["identified_on"] is not None
        victims.append(
            [
                case["reference"],
                person,
                _status(case),
                DECIDING_ORGANISATION.get(case["identifying_organisation__kind"] or "", "Other")
                if identified
                else "",
                RELATIONSHIP.get(case["recruitment_channel"], ""),
                PLATFORMS.get(case["online_platform"], "Other") if case["online_platform"] else "",
                RECRUITMENT.get(case["recruitment_channel"], "Other")
                if case["recruitment_channel"]
                else "",
                _joined(controls.get(case["pk"], ()), METHODS_OF_CONTROL),
                _joined(forms.get(case["pk"], ()), EXPLOITATION),
            ]
        )
        case_rows.append(
            [
                case["reference"],
                person,
                "Closed" if case["status"] == CaseStatus.CLOSED else "Active",
                case["registered_by__username"] or "",
            ]
        )
    _write(folder / "htcds_persons.csv", PERSON_FIELDS, persons.values())
    _write(folder / "htcds_victim_contexts.csv", VICTIM_FIELDS, victims)
    _write(folder / "htcds_cases.csv", CASE_FIELDS, case_rows)
    return Written(persons=len(persons), cases=len(rows))


def _codes(model: Any, cases: QuerySet[Any]) -> dict[int, list[str]]:
    found: dict[int, list[str]] = defaultdict(list)
    chosen = model.objects.filter(case__in=cases.values("pk")).values_list("case_id", "code")
    for case_id, code in chosen:
        found[case_id].append(code)
    return found


def _write(path: Path, header: Sequence[str], rows: Iterable[Sequence[str]]) -> None:
    with written_in_place(path) as stream:
        writer = csv.writer(stream)
        writer.writerow(header)
        for row in rows:
            writer.writerow([safe_cell(str(value)) for value in row])
