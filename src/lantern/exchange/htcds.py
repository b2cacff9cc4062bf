"""The cases an organisation may see, in the Human Trafficking Case Data Standard (HTCDS 2.0).

Four CSV files with HTCDS field names and values, as `docs/htcds.md` maps them: persons
(``prs_``), victim contexts (``vic_``, one per case), cases (``cas_``, with the details of the
case's latest referral) and every referral and transfer of the cases. The same content goes into
an Excel workbook laid out like the HTCDS toolkit's template, which the HTCDS import reads back.
The rows are linked by the register's pseudonymous references; no identity leaves — the ``prs_``
name, birth date, document and contact fields stay empty.
"""

from __future__ import annotations

import csv
import datetime
import zoneinfo
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone

from lantern.core.models import CodeEntry, Jurisdiction
from lantern.exchange.files import safe_cell, saved_in_place, written_in_place
from lantern.nrm.models import Referral, ReferralEvent, ReferralStatus, Transfer
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
# A Lantern referral is always for a service; a transfer hands a presumed victim to the
# specialised police for identification, which HTCDS has no reason for.
REFERRAL_REASON = "AdditionalServicesRequired"
TRANSFER_REASON = "Other"

# The HTCDS 2.0 labels of the person, victim-context, case and consent fields (the field list's
# "Field Label"), as the toolkit's template shows them in its second row.
LABELS = {
    "prs_Salutation": "Salutation",
    "prs_FirstName": "First Name",
    "prs_MiddleName": "Middle Name",
    "prs_SecondName": "Second Name",
    "prs_Birthdate": "Birthdate",
    "prs_Gender": "Gender",
    "prs_Deceased": "Deceased",
    "prs_MaritalStatus": "Marital Status",
    "prs_NumberOfChildren": "Number of Children",
    "prs_PrimaryLanguage": "Primary Language",
    "prs_SecondaryLanguage": "Secondary Language",
    "prs_HighestLevelOfEducation": "Highest Level of Education",
    "prs_Citizenship": "Citizenship",
    "prs_IdentityNumber": "Identity Number",
    "prs_Title": "Title",
    "prs_Email": "Email",
    "prs_HomePhone": "Home Phone",
    "prs_MobilePhone": "Mobile Phone",
    "prs_MailingCity": "Mailing City",
    "prs_MailingCountry": "Mailing Country",
    "prs_MailingState": "Mailing State/Province",
    "prs_MailingStreet": "Mailing Street",
    "prs_MailingPostalCode": "Mailing Zip/Postal Code",
    "prs_MailingLongitude": "Longitude",
    "prs_MailingLatitude": "Latitude",
    "vic_AgreementToManagePersonalData": "Agreement to Manage Personal Data",
    "vic_TraffickingStatus": "Trafficking Status",
    "vic_TraffickingStatusDecisionMakingOrg": "Trafficking Status Decision Making Organization",
    "vic_RelationshipToTrafficker": "Relationship to Trafficker",
    "vic_AgeWhenTrafficked": "Age when Trafficked",
    "vic_RecruitmentWebsitesAndApps": "Recruitment Websites and Apps",
    "vic_MethodOfRecruitment": "Method of Recruitment",
    "vic_LocationOfRecruitment": "Location of Recruitment",
    "vic_MethodsOfControl": "Methods of Control",
    "vic_TypeOfExploitation": "Type of Exploitation",
    "vic_ForcedLabourIndustry": "Forced Labour Industry",
    "vic_TypeOfSexExploitation": "Type of Sex Exploitation",
    "vic_LocationOfExploitation": "Location of Exploitation",
    "vic_ExploitationWebsitesAndApps": "Exploitation Websites and Apps",
    "vic_Vulnerabilities": "Vulnerabilities",
    "vic_DetailsOfVulnerabilities": "Details Of Vulnerabilities",
    "cas_Status": "Status",
    "cas_ReasonForCaseClosure": "Reason for Case Closure",
    "cas_CaseOwner": "Case Owner",
    "cas_ReferringOrganisation": "Referring Organisation",
    "cas_IncomingReferralDate": "Incoming Referral Date",
    "cas_ReferringPrimaryCaseWorker": "Referring Primary Case Worker",
    "cas_ReasonForIncomingReferral": "Reason for Incoming Referral",
    "cas_IncomingReferralDetails": "Incoming Referral Details",
    "cas_ReferredOrganisation": "Referred Organisation",
    "cas_ReferredPrimaryCaseWorker": "Referred Primary Case Worker",
    "cas_ReasonForOutgoingReferral": "Reason for Outgoing Referral",
    "cas_OutgoingReferralDate": "Outgoing Referral Date",
    "cas_OutgoingReferralDetails": "Outgoing Referral Details",
    "con_Consent": "Consent",
    # Not HTCDS fields: the record identifiers HTCDS lacks, and a referral's kind and status.
    "lantern_case": "Lantern case",
    "lantern_person": "Lantern person",
    "lantern_referral_kind": "Lantern referral kind",
    "lantern_referral_status": "Lantern referral status",
}
# The toolkit's template misspells this field's name; its workbook column keeps the spelling
# so that a mapping built on the template finds it.
TEMPLATE_SPELLINGS = {
    "vic_TraffickinStatusDecisionMakingOrg": "vic_TraffickingStatusDecisionMakingOrg",
}
LABELS.update({spelling: LABELS[field] for spelling, field in TEMPLATE_SPELLINGS.items()})

REFERRAL_DETAIL_FIELDS = (
    "cas_ReferringOrganisation", "cas_IncomingReferralDate", "cas_ReferringPrimaryCaseWorker",
    "cas_ReasonForIncomingReferral", "cas_IncomingReferralDetails", "cas_ReferredOrganisation",
    "cas_ReferredPrimaryCaseWorker", "cas_ReasonForOutgoingReferral", "cas_OutgoingReferralDate",
    "cas_OutgoingReferralDetails",
)  # fmt: skip
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
CASE_FIELDS = (
    "lantern_case", "lantern_person", "cas_Status", "cas_CaseOwner", *REFERRAL_DETAIL_FIELDS,
)  # fmt: skip
REFERRAL_FIELDS = (
    "lantern_case", "lantern_referral_kind", "lantern_referral_status", *REFERRAL_DETAIL_FIELDS,
)  # fmt: skip

# The columns B onwards of the toolkit's "HTCDS Excel Spreadsheet v2.0.xlsx", in its order; the
# template leaves the name of cas_ReasonForOutgoingReferral out and only labels that column.
TEMPLATE_FIELDS = (
    "cas_CaseOwner", "prs_Salutation", "prs_FirstName", "prs_SecondName", "con_Consent",
    "prs_Birthdate", "prs_Gender", "prs_Citizenship", "prs_Title", "prs_Email", "prs_HomePhone",
    "prs_MobilePhone", "prs_MailingCity", "prs_MailingCountry", "prs_MailingState",
    "prs_MailingStreet", "prs_MailingPostalCode", "vic_TraffickingStatus",
    "vic_TraffickinStatusDecisionMakingOrg", "vic_MethodOfRecruitment",
    "vic_LocationOfRecruitment", "vic_MethodsOfControl", "vic_TypeOfExploitation",
    "vic_ForcedLabourIndustry", "vic_TypeOfSexExploitation", "vic_LocationOfExploitation",
    "cas_Status", "cas_ReferringOrganisation", "cas_IncomingReferralDate",
    "cas_ReferringPrimaryCaseWorker", "cas_ReasonForIncomingReferral",
    "cas_IncomingReferralDetails", "cas_ReferredOrganisation", "cas_ReferredPrimaryCaseWorker",
    "cas_ReasonForOutgoingReferral", "cas_OutgoingReferralDate", "cas_OutgoingReferralDetails",
    "cas_ReasonForCaseClosure",
)  # fmt: skip
# Appended after the template's columns, so that each template column keeps its place (the
# toolkit's multi-select macro addresses columns by number).
CASE_SHEET_FIELDS = (
    *TEMPLATE_FIELDS,
    "prs_MiddleName", "vic_RelationshipToTrafficker", "vic_RecruitmentWebsitesAndApps",
    "lantern_case", "lantern_person",
)  # fmt: skip
CASE_SHEET = "Case Sheet"
REFERRALS_SHEET = "Referrals"
ABOUT_SHEET = "about"
WORKBOOK = "htcds.xlsx"

FILES = {
    "htcds_persons.csv": PERSON_FIELDS,
    "htcds_victim_contexts.csv": VICTIM_FIELDS,
    "htcds_cases.csv": CASE_FIELDS,
    "htcds_referrals.csv": REFERRAL_FIELDS,
    WORKBOOK: CASE_SHEET_FIELDS,
}
ATTRIBUTION = (
    "Human Trafficking Case Data Standard (HTCDS) v2.0 by IOM, licensed under CC BY 4.0 "
    "(http://creativecommons.org/licenses/by/4.0/). IOM does not endorse Lantern."
)

Record = dict[str, str]


@dataclass(frozen=True)
class Written:
    persons: int
    cases: int
    referrals: int = 0


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


def _decision_maker(case: dict[str, Any], status: str) -> str:
    """The kind of body that decided: the identifying one, or the one that did not identify."""
    if status == "ActualVictimOfTrafficking":
        kind = case["identifying_organisation__kind"] or case["last_decider_kind"]
    elif status == "NotAVictimOfTrafficking":
        kind = case["last_decider_kind"]
    else:
        return ""
    return DECIDING_ORGANISATION.get(kind or "", "Other")


def export_htcds(cases: QuerySet[Any], folder: Path) -> Written:
    """Write the HTCDS files and workbook for ``cases`` (already narrowed by the access policy)."""
    records = _case_records(cases)
    referrals = _referral_records(cases)
    latest = {referral["lantern_case"]: referral for referral in referrals}  # oldest first
    for record in records:
        if record["lantern_case"] in latest:
            referral = latest[record["lantern_case"]]
            record.update({field: referral[field] for field in REFERRAL_DETAIL_FIELDS})
    persons = {record["lantern_person"]: record for record in records}
    _write(folder / "htcds_persons.csv", PERSON_FIELDS, persons.values())
    _write(folder / "htcds_victim_contexts.csv", VICTIM_FIELDS, records)
    _write(folder / "htcds_cases.csv", CASE_FIELDS, records)
    _write(folder / "htcds_referrals.csv", REFERRAL_FIELDS, referrals)
    _write_workbook(folder / WORKBOOK, records, referrals)
    return Written(persons=len(persons), cases=len(records), referrals=len(referrals))


def _case_records(cases: QuerySet[Any]) -> list[Record]:
    """One record per case: its person's, victim context's and case's HTCDS fields."""
    last_decision = IdentificationDecision.objects.filter(case=OuterRef("pk")).order_by(
        "-decided_on", "-pk"
    )
    rows = (
        cases.annotate(
            last_outcome=Subquery(last_decision.values("outcome")[:1]),
            last_decider_kind=Subquery(last_decision.values("deciding_organisation__kind")[:1]),
        )
        .values(
            "pk", "reference", "person__reference", "person__sex", "person__citizenship",
            "status", "identified_on", "identifying_organisation__kind", "recruitment_channel",
            "online_platform", "last_outcome", "last_decider_kind", "registered_by__username",
        )
        .order_by("pk")
    )  # fmt: skip
    forms = _codes(CaseExploitationForm, cases)
    controls = _codes(CaseControlMeans, cases)
    records = []
    for case in rows:
        status = _status(case)
        channel = case["recruitment_channel"]
        records.append(
            {
                "lantern_case": case["reference"],
                "lantern_person": case["person__reference"],
                "prs_Gender": GENDER.get(case["person__sex"] or "", "NonSpecifiedUnknown"),
                "prs_Citizenship": case["person__citizenship"] or "",
                "vic_TraffickingStatus": status,
                "vic_TraffickingStatusDecisionMakingOrg": _decision_maker(case, status),
                "vic_RelationshipToTrafficker": RELATIONSHIP.get(channel, ""),
                "vic_RecruitmentWebsitesAndApps": (
                    PLATFORMS.get(case["online_platform"], "Other")
                    if case["online_platform"]
                    else ""
                ),
                "vic_MethodOfRecruitment": RECRUITMENT.get(channel, "Other") if channel else "",
                "vic_MethodsOfControl": _joined(controls.get(case["pk"], ()), METHODS_OF_CONTROL),
                "vic_TypeOfExploitation": _joined(forms.get(case["pk"], ()), EXPLOITATION),
                "cas_Status": "Closed" if case["status"] == CaseStatus.CLOSED else "Active",
                "cas_CaseOwner": case["registered_by__username"] or "",
            }
        )
    return records


def _referral_records(cases: QuerySet[Any]) -> list[Record]:
    """Every referral and transfer of ``cases``, oldest first, as HTCDS referral details.

    Each is described from both ends: the sender's outgoing referral and the receiver's
    incoming one, dated when it was sent and when the receiver took it on.
    """
    services = dict(
        CodeEntry.objects.filter(code_list__code="service_types").values_list("code", "label_en")
    )
    accepted = ReferralEvent.objects.filter(
        referral=OuterRef("pk"), status=ReferralStatus.ACCEPTED
    ).order_by("at", "pk")
    referrals = (
        Referral.objects.filter(case__in=cases.values("pk"))
        .annotate(accepted_at=Subquery(accepted.values("at")[:1]))
        .values(
            "pk", "case__reference", "sender__name_en", "provider__name_en",
            "sent_by__username", "service_type", "status", "sent_at", "accepted_at",
        )
    )  # fmt: skip
    transfers = Transfer.objects.filter(case__in=cases.values("pk")).values(
        "pk", "case__reference", "sender__name_en", "receiver__name_en", "sent_by__username",
        "sent_at", "acknowledged_at",
    )  # fmt: skip
    local = _local_date()
    found: list[tuple[datetime.datetime, int, Record]] = []
    for referral in referrals:
        details = services.get(referral["service_type"], referral["service_type"])
        found.append(
            (
                referral["sent_at"],
                referral["pk"],
                _referral_record(
                    referral,
                    referral["provider__name_en"],
                    REFERRAL_REASON,
                    details,
                    local(referral["sent_at"]),
                    local(referral["accepted_at"]),
                    kind="referral",
                    status=referral["status"],
                ),
            )
        )
    for transfer in transfers:
        found.append(
            (
                transfer["sent_at"],
                -transfer["pk"],
                _referral_record(
                    transfer,
                    transfer["receiver__name_en"],
                    TRANSFER_REASON,
                    "",
                    local(transfer["sent_at"]),
                    local(transfer["acknowledged_at"]),
                    kind="transfer",
                    status=(
                        ReferralStatus.ACCEPTED
                        if transfer["acknowledged_at"] is not None
                        else ReferralStatus.SENT
                    ),
                ),
            )
        )
    found.sort(key=lambda item: (item[2]["lantern_case"], item[0], item[1]))
    return [record for _sent, _pk, record in found]


def _referral_record(
    row: Mapping[str, Any],
    receiver: str,
    reason: str,
    details: str,
    sent_on: str,
    taken_on: str,
    *,
    kind: str,
    status: str,
) -> Record:
    return {
        "lantern_case": row["case__reference"],
        "lantern_referral_kind": kind,
        "lantern_referral_status": str(status),
        "cas_ReferringOrganisation": row["sender__name_en"],
        "cas_IncomingReferralDate": taken_on,
        "cas_ReferringPrimaryCaseWorker": row["sent_by__username"] or "",
        "cas_ReasonForIncomingReferral": reason,
        "cas_IncomingReferralDetails": details,
        "cas_ReferredOrganisation": receiver,
        "cas_ReferredPrimaryCaseWorker": "",
        "cas_ReasonForOutgoingReferral": reason,
        "cas_OutgoingReferralDate": sent_on,
        "cas_OutgoingReferralDetails": details,
    }


def _local_date() -> Any:
    """A function giving a moment's date in the jurisdiction's time zone, '' for none."""
    name = Jurisdiction.objects.values_list("time_zone", flat=True).first() or settings.TIME_ZONE
    zone = zoneinfo.ZoneInfo(name)

    def local(moment: datetime.datetime | None) -> str:
        return "" if moment is None else timezone.localtime(moment, zone).date().isoformat()

    return local


def _codes(model: Any, cases: QuerySet[Any]) -> dict[int, list[str]]:
    found: dict[int, list[str]] = defaultdict(list)
    chosen = model.objects.filter(case__in=cases.values("pk")).values_list("case_id", "code")
    for case_id, code in chosen:
        found[case_id].append(code)
    return found


def _write(path: Path, header: Sequence[str], records: Iterable[Record]) -> None:
    with written_in_place(path) as stream:
        writer = csv.writer(stream)
        writer.writerow(header)
        for record in records:
            writer.writerow([safe_cell(record.get(field, "")) for field in header])


def _write_workbook(path: Path, records: list[Record], referrals: list[Record]) -> None:
    """The cases on the template's "Case Sheet", every referral on "Referrals", and "about"."""
    from openpyxl import Workbook

    workbook = Workbook()
    case_sheet = workbook.worksheets[0]
    case_sheet.title = CASE_SHEET
    _fill_sheet(case_sheet, CASE_SHEET_FIELDS, records)
    _fill_sheet(workbook.create_sheet(REFERRALS_SHEET), REFERRAL_FIELDS, referrals)
    about = workbook.create_sheet(ABOUT_SHEET)
    for line in ("HTCDS 2.0, written by Lantern", "https://github.com/UNMigration/HTCDS"):
        about.append([line])
    about.append([ATTRIBUTION])
    saved_in_place(workbook, path)


def _fill_sheet(sheet: Any, fields: Sequence[str], records: Iterable[Record]) -> None:
    """As the toolkit lays a sheet out: field names in a hidden first row, labels in the second,
    and each record numbered in column A."""
    sheet.append([None, *fields])
    sheet.append([None, *(LABELS[field] for field in fields)])
    sheet.row_dimensions[1].hidden = True
    sheet.freeze_panes = "B3"
    for number, record in enumerate(records, start=1):
        values = (record.get(TEMPLATE_SPELLINGS.get(field, field), "") for field in fields)
        sheet.append([number, *(safe_cell(value) or None for value in values)])
