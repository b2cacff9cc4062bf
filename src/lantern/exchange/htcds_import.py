"""HTCDS 2.0 cases taken into the importing user's own register, through the native import engine.

The file is the HTCDS toolkit's Excel template (or the workbook Lantern's HTCDS export writes):
HTCDS field names in the first row, their labels in the second, one case per row. Every row ends
created, updated, unchanged or rejected with its reasons in a stored report, as in Lantern's own
case import; the ``lantern_case`` column is the case's ID in the source, so importing the file
again finds the cases it created.

Each HTCDS column of the person, victim-context, case and consent entities falls in one of three
groups (`docs/htcds.md`, "Importing HTCDS"):

- **kept**: read into the case, the person or (for names, birth date, identity number, phones and
  mailing address) the identity vault;
- **not kept**: the sending organisation's own handling of the case (its case owner, its referrals,
  the consent to its interview, who decided the trafficking status) or what Lantern derives itself
  (the relationship to the trafficker): read, not stored, and named after the import;
- **no place in Lantern**: a value there rejects the row, because it would be lost.
"""

from __future__ import annotations

import dataclasses
import re
import tempfile
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from lantern.access import policy
from lantern.core.models import User
from lantern.exchange import htcds
from lantern.exchange.models import ImportRun, RunStatus
from lantern.exchange.native import values as read
from lantern.exchange.native.cases import PERSON_ID, CaseRows
from lantern.exchange.native.engine import ImportNotAllowed, import_file
from lantern.exchange.native.identity_columns import identity_values
from lantern.exchange.native.kinds import Column, Context, ExportContext
from lantern.exchange.native.reading import (
    XLSX_MAGIC,
    FileRefused,
    file_digest,
    open_table,
)
from lantern.exchange.native.values import (
    MULTI_SEPARATOR,
    CellError,
    Lookups,
    Reader,
    as_text,
    refuse_formula,
)
from lantern.register.identity import Identity, IdentityDocument, open_identity, store_identity
from lantern.register.models import Case, CaseStatus, CaseStatusChange

CASE_COLUMN = "lantern_case"
PERSON_COLUMN = "lantern_person"
# HTCDS does not say how a person first came to attention; Lantern's register requires it.
CONTACT_CHANNEL = "other"
NATIONAL_ID = "national_id_card"
ADDRESS_PARTS = (
    "prs_MailingStreet",
    "prs_MailingCity",
    "prs_MailingState",
    "prs_MailingPostalCode",
    "prs_MailingCountry",
)
ADDRESS_LENGTH = 300

# HTCDS value names to Lantern codes (docs/htcds.md, "Value crosswalks").
GENDER = {
    "Feminine": "female",
    "Masculine": "male",
    "TransgenderFeminine": "unknown",
    "TransgenderMasculine": "unknown",
    "NonConforming": "unknown",
    "NonSpecifiedUnknown": "unknown",
}
RECRUITMENT = {
    **{value: code for code, value in htcds.RECRUITMENT.items() if value},
    "ThroughATelevisionAdvert": "job_advertisement",
    "ThroughANewspaperAdvert": "job_advertisement",
    "Other": "other",
}
PLATFORMS = {
    **{value: code for code, value in htcds.PLATFORMS.items()},
    **dict.fromkeys(
        ("FacebookMessenger", "Viber", "SnapChat", "Line", "4Sale", "WeChat", "QQ", "QZone"),
        "other",
    ),
    "Twitter": "other",
    "Other": "other",
}
METHODS_OF_CONTROL = {value: code for code, value in htcds.METHODS_OF_CONTROL.items()}
EXPLOITATION = {
    "ForcedLabour": "forced_labour",
    "SexualExploitation": "sexual_exploitation",
    "ChildLabour": "forced_labour",
    "ForcedMarriage": "forced_marriage",
    "Servitude": "other",
    "ForcedMilitaryByNonStateActors": "other",
    "OrganRemoval": "organ_removal",
    "ForcedBegging": "begging",
    "ForcedAdoption": "other",
    "Surrogacy": "other",
    "Other": "other",
}
POSSIBLE, ACTUAL, NOT_A_VICTIM = (
    "PossibleVictimOfTrafficking",
    "ActualVictimOfTrafficking",
    "NotAVictimOfTrafficking",
)
# Only Lantern's own identification decision identifies a victim, so an actual victim of the
# source comes in presumed (docs/htcds.md, vic_TraffickingStatus).
TRAFFICKING_STATUS = {POSSIBLE: CaseStatus.POTENTIAL, ACTUAL: CaseStatus.PRESUMED}
CASE_STATUS = ("Active", "FollowUp", "Closed", "ClosedReferred")
CLOSED_STATUSES = {"Closed", "ClosedReferred"}
# Labels of the toolkit's drop-downs that are not their value name spelt with spaces.
VALUE_LABELS = {
    "Not Specified/Unknown": "NonSpecifiedUnknown",
    "Threats of law enforcement": "ThreatsLawEnforcement",
}

# The sending organisation's handling of the case, or what Lantern derives itself.
NOT_KEPT = (
    "cas_CaseOwner", "vic_TraffickingStatusDecisionMakingOrg",
    "vic_TraffickinStatusDecisionMakingOrg", "vic_RelationshipToTrafficker", "con_Consent",
    "vic_AgreementToManagePersonalData", *htcds.REFERRAL_DETAIL_FIELDS,
)  # fmt: skip
NO_PLACE = (
    "prs_Salutation", "prs_MaritalStatus", "prs_PrimaryLanguage", "prs_SecondaryLanguage",
    "prs_HighestLevelOfEducation", "prs_Title", "vic_AgeWhenTrafficked",
    "vic_LocationOfRecruitment", "vic_ForcedLabourIndustry", "vic_TypeOfSexExploitation",
    "vic_LocationOfExploitation", "vic_ExploitationWebsitesAndApps", "vic_Vulnerabilities",
    "vic_DetailsOfVulnerabilities",
)  # fmt: skip
NO_PLACE_CHECKBOXES = ("prs_Deceased",)
# Contact details with no place in Lantern: as secret as those it keeps.
NO_PLACE_IDENTITY = ("prs_Email", "prs_MailingLongitude", "prs_MailingLatitude")

# Where a problem with one of CaseRows' values is shown: the HTCDS column it came from.
COLUMN_OF = {
    "birth_date": "prs_Birthdate",
    "given_name": "prs_FirstName",
    "family_name": "prs_SecondName",
    "patronymic": "prs_MiddleName",
    "citizenship": "prs_Citizenship",
    "sex": "prs_Gender",
    "document_type": "prs_IdentityNumber",
    "document_number": "prs_IdentityNumber",
    "phone": "prs_MobilePhone",
    "address": "prs_MailingStreet",
    "status": "vic_TraffickingStatus",
}


def column(field: str) -> str:
    """The engine's name of an HTCDS field's column: headers are matched in lower case."""
    return field.lower()


def _key(text: str) -> str:
    """A spelling reduced to its letters and digits, so that "Forced military (by non-state
    actors)" finds ForcedMilitaryByNonStateActors."""
    return re.sub(r"[^0-9a-z]", "", text.lower())


def _spellings(names: Mapping[str, Any] | tuple[str, ...]) -> dict[str, str]:
    found = {_key(name): name for name in names}
    found.update({_key(label): name for label, name in VALUE_LABELS.items() if name in names})
    return found


def _value_name(field: str, names: Mapping[str, Any] | tuple[str, ...], value: str) -> str:
    """The HTCDS value name ``value`` spells (by its name or its label), or a CellError."""
    refuse_formula(value)
    name = _spellings(names).get(_key(value))
    if name is None:
        raise CellError(
            _("“%(value)s” is not an HTCDS value of %(field)s; the values are: %(allowed)s.")
            % {"value": value, "field": field, "allowed": ", ".join(names)}
        )
    return name


def _parts(raw: Any) -> list[str]:
    return [part.strip() for part in as_text(raw).split(MULTI_SEPARATOR) if part.strip()]


def htcds_value(field: str, names: tuple[str, ...]) -> Reader:
    """One value of a picklist, as its HTCDS value name."""

    def read_value(raw: Any) -> str:
        value = as_text(raw)
        return _value_name(field, names, value) if value else ""

    return read_value


def lantern_code(field: str, mapping: Mapping[str, str], checked: Reader) -> Reader:
    """One HTCDS value, as the Lantern code it maps to (``checked`` against the pack)."""

    def read_code(raw: Any) -> str:
        value = as_text(raw)
        return checked(mapping[_value_name(field, mapping, value)]) if value else ""

    return read_code


def lantern_codes(field: str, mapping: Mapping[str, str], checked: Reader) -> Reader:
    """Several HTCDS values separated by semicolons, as their Lantern codes."""

    def read_codes(raw: Any) -> tuple[str, ...]:
        names = [_value_name(field, mapping, part) for part in _parts(raw)]
        return tuple(sorted({checked(mapping[name]) for name in names}))

    return read_codes


def one_of_many(field: str, many: Reader) -> Reader:
    """An HTCDS multi-select that Lantern keeps as one value: several values are for a person
    to choose between, never for the import to pick."""

    def read_one(raw: Any) -> str:
        codes = many(raw)
        if len(codes) > 1:
            raise CellError(
                _("Lantern keeps one value for %(field)s; choose one of: %(values)s.")
                % {"field": field, "values": ", ".join(_parts(raw))}
            )
        return codes[0] if codes else ""

    return read_one


def not_kept(raw: Any) -> None:
    return None


def no_place(raw: Any) -> None:
    if as_text(raw):
        raise CellError(
            _(
                "Lantern has no place for this field, so the value would be lost. Keep it "
                "elsewhere and empty the cell to import the row."
            )
        )
    return None


def no_place_checkbox(raw: Any) -> None:
    """A ticked box is a value Lantern would lose; an empty or unticked one says nothing."""
    if read.yes_no(raw):
        no_place(raw)
    return None


class HtcdsCaseRows(CaseRows):
    """A case row in HTCDS field names and values, written as Lantern's own case rows are."""

    name = "htcds"
    id_column = CASE_COLUMN

    def columns(self, lookups: Lookups) -> list[Column]:
        def codes(field: str, mapping: Mapping[str, str], code_list: str) -> Reader:
            return lantern_codes(field, mapping, lookups.code(code_list))

        citizenship = lookups.codes("countries")
        kept = [
            Column(CASE_COLUMN, read.text(64), required=True),
            Column(PERSON_COLUMN, read.text(64)),
            Column(column("prs_Gender"), lantern_code("prs_Gender", GENDER, lookups.code("sexes"))),
            Column(column("prs_Citizenship"), one_of_many("prs_Citizenship", citizenship)),
            Column(column("prs_NumberOfChildren"), read.whole_number(0, 99)),
            Column(
                column("vic_TraffickingStatus"),
                htcds_value("vic_TraffickingStatus", (POSSIBLE, ACTUAL, NOT_A_VICTIM)),
            ),
            Column(
                column("vic_MethodOfRecruitment"),
                one_of_many(
                    "vic_MethodOfRecruitment",
                    codes("vic_MethodOfRecruitment", RECRUITMENT, "recruitment_channels"),
                ),
            ),
            Column(
                column("vic_RecruitmentWebsitesAndApps"),
                one_of_many(
                    "vic_RecruitmentWebsitesAndApps",
                    codes("vic_RecruitmentWebsitesAndApps", PLATFORMS, "ict_platforms"),
                ),
            ),
            Column(
                column("vic_MethodsOfControl"),
                codes("vic_MethodsOfControl", METHODS_OF_CONTROL, "means_of_control"),
            ),
            Column(
                column("vic_TypeOfExploitation"),
                codes("vic_TypeOfExploitation", EXPLOITATION, "forms_of_exploitation"),
            ),
            Column(column("cas_Status"), htcds_value("cas_Status", CASE_STATUS)),
            Column(column("cas_ReasonForCaseClosure"), read.text(500)),
        ]
        identity = [
            Column(column("prs_FirstName"), read.text(100), identity=True),
            Column(column("prs_MiddleName"), read.text(100), identity=True),
            Column(column("prs_SecondName"), read.text(100), identity=True),
            Column(column("prs_Birthdate"), read.date, identity=True),
            Column(column("prs_IdentityNumber"), read.text(64), identity=True),
            Column(column("prs_HomePhone"), read.text(40), identity=True),
            Column(column("prs_MobilePhone"), read.text(40), identity=True),
            *(
                Column(column(part), read.text(ADDRESS_LENGTH), identity=True)
                for part in ADDRESS_PARTS
            ),
        ]
        return [
            *kept,
            *identity,
            *(Column(column(field), not_kept) for field in NOT_KEPT),
            *(Column(column(field), no_place) for field in NO_PLACE),
            *(Column(column(field), no_place_checkbox) for field in NO_PLACE_CHECKBOXES),
            *(Column(column(field), no_place, identity=True) for field in NO_PLACE_IDENTITY),
        ]

    def check(self, values: dict[str, Any], context: Context) -> dict[str, str]:
        row = _Row(values)
        problems = {
            column(COLUMN_OF[name]) if name in COLUMN_OF else "": message
            for name, message in super()
            .check({**row.case_values(), "registered_at": context.now}, context)
            .items()
        }
        if row.get("vic_TraffickingStatus") == NOT_A_VICTIM:
            problems[column("vic_TraffickingStatus")] = _(
                "Lantern registers possible and actual victims of trafficking; a person found "
                "not to be one is not registered. Leave the row out or correct the status."
            )
        if not row.get("prs_Citizenship"):
            problems[column("prs_Citizenship")] = _(
                "Give the citizenship as an ISO 3166 code: ZZ if it is unknown, XX for a "
                "stateless person."
            )
        mobile, home = row.get("prs_MobilePhone"), row.get("prs_HomePhone")
        if mobile and home and mobile != home:
            problems[column("prs_HomePhone")] = _(
                "Lantern keeps one phone number: keep the mobile or the home phone, not both."
            )
        if len(row.address()) > ADDRESS_LENGTH:
            problems[column("prs_MailingStreet")] = _(
                "The mailing address, joined into one line, is longer than %(max)s characters."
            ) % {"max": ADDRESS_LENGTH}
        if row.get("cas_ReasonForCaseClosure") and row.status() != CaseStatus.CLOSED:
            problems[column("cas_ReasonForCaseClosure")] = _(
                "A reason for closing the case is given, but its cas_Status is not Closed."
            )
        if _is_own_reference(values[CASE_COLUMN], self.name, context):
            problems[CASE_COLUMN] = _(
                "This is the reference of a case already in your register, not an ID of the "
                "file's source: importing it would register the case a second time."
            )
        if CONTACT_CHANNEL not in context.lookups.code_map("contact_channels").values():
            problems[""] = _("The code list contact_channels has no entry “other” for HTCDS cases.")
        return problems

    def create(self, values: dict[str, Any], context: Context) -> int:
        since = _last_status_change()
        case_pk = super().create(_new_case_values(values, context), context)
        _keep_closure_reason(case_pk, _Row(values), since)
        return case_pk

    def create_many(self, rows: list[dict[str, Any]], context: Context) -> list[int]:
        since = _last_status_change()
        case_pks = super().create_many([_new_case_values(row, context) for row in rows], context)
        for case_pk, values in zip(case_pks, rows, strict=True):
            _keep_closure_reason(case_pk, _Row(values), since)
        return case_pks

    def update(self, object_id: int, values: dict[str, Any], context: Context) -> None:
        """The row's columns replace what they map to; what HTCDS does not carry stays as it is
        in Lantern, and so does every identity detail the row leaves empty."""
        row = _Row(values)
        case = Case.objects.select_related("person").get(pk=object_id)
        identity = row.merged_identity(open_identity(case.person))
        case_values = {**_stored_values(case), **row.case_values(with_identity=False)}
        case_values.update(identity_values(identity))
        case_values["status"] = _status_after(case.status, case_values["status"])
        since = _last_status_change()
        super().update(object_id, case_values, context)
        # CaseRows keeps only the identity its columns hold; the vault keeps all of it.
        store_identity(case.person, identity)
        _keep_closure_reason(object_id, row, since)

    def export_rows(
        self, records: QuerySet[Any], context: ExportContext
    ) -> Iterator[dict[str, Any]]:
        raise NotImplementedError("The HTCDS export is lantern.exchange.htcds.export_htcds.")


class _Row:
    """One read row, by HTCDS field name, and what it says in CaseRows' terms."""

    def __init__(self, values: dict[str, Any]) -> None:
        self.values = values

    def has(self, field: str) -> bool:
        return column(field) in self.values

    def get(self, field: str) -> Any:
        return self.values.get(column(field))

    def status(self) -> str:
        if self.get("cas_Status") in CLOSED_STATUSES:
            return CaseStatus.CLOSED
        return TRAFFICKING_STATUS.get(self.get("vic_TraffickingStatus"), CaseStatus.POTENTIAL)

    def address(self) -> str:
        return ", ".join(part for part in (self.get(name) for name in ADDRESS_PARTS) if part)

    def phone(self) -> str:
        return str(self.get("prs_MobilePhone") or self.get("prs_HomePhone") or "")

    def case_values(self, *, with_identity: bool = True) -> dict[str, Any]:
        """CaseRows' values for what the row's columns give; a column not in the file gives none."""
        found: dict[str, Any] = {}
        renamed = {
            PERSON_COLUMN: PERSON_ID,
            column("prs_Gender"): "sex",
            column("prs_Citizenship"): "citizenship",
            column("vic_MethodOfRecruitment"): "recruitment_channel",
            column("vic_RecruitmentWebsitesAndApps"): "online_platform",
            column("vic_MethodsOfControl"): "control_means",
            column("vic_TypeOfExploitation"): "exploitation_forms",
        }
        for name, lantern_name in renamed.items():
            if name in self.values:
                found[lantern_name] = self.values[name]
        if self.has("prs_NumberOfChildren"):
            children = self.get("prs_NumberOfChildren")
            found["has_children"] = None if children is None else children > 0
        if self.has("cas_Status") or self.has("vic_TraffickingStatus"):
            found["status"] = self.status()
        if with_identity:
            found.update(self.identity_values())
        return found

    def identity_values(self) -> dict[str, Any]:
        number = self.get("prs_IdentityNumber") or ""
        return {
            "given_name": self.get("prs_FirstName") or "",
            "family_name": self.get("prs_SecondName") or "",
            "patronymic": self.get("prs_MiddleName") or "",
            "birth_date": self.get("prs_Birthdate"),
            "phone": self.phone(),
            "address": self.address(),
            "document_type": NATIONAL_ID if number else "",
            "document_number": number,
        }

    def merged_identity(self, stored: Identity) -> Identity:
        """The stored identity with what the row gives in place of what it held."""
        given = {name: value for name, value in self.identity_values().items() if value}
        replaced = ("given_name", "family_name", "patronymic", "birth_date", "phone", "address")
        merged = dataclasses.replace(
            stored, **{name: value for name, value in given.items() if name in replaced}
        )
        if "document_number" in given:
            others = [document for document in stored.documents if document.type != NATIONAL_ID]
            national = IdentityDocument(type=NATIONAL_ID, number=given["document_number"])
            merged.documents = [national, *others]
        return merged


def _new_case_values(values: dict[str, Any], context: Context) -> dict[str, Any]:
    """CaseRows' values for a new case: registered now, by the importing user, and through a
    channel HTCDS does not record."""
    return {
        "status": CaseStatus.POTENTIAL,
        **_Row(values).case_values(),
        "registered_at": context.now,
        "contact_channel": CONTACT_CHANNEL,
    }


def _stored_values(case: Case) -> dict[str, Any]:
    """The case as CaseRows' values, for what an HTCDS row does not carry."""
    person = case.person
    return {
        "registered_at": case.registered_at,
        "contact_channel": case.contact_channel,
        "status": case.status,
        "sex": person.sex,
        "citizenship": person.citizenship,
        "region": person.region,
        "has_disability": person.has_disability,
        "has_children": person.has_children,
        "birth_year": person.birth_year,
        "birth_month": person.birth_month,
        "estimated_age": person.estimated_age,
        "age_estimated_on": person.age_estimated_on,
        "is_unaccompanied": case.is_unaccompanied,
        "exploitation_scope": case.exploitation_scope,
        "exploitation_from": case.exploitation_from,
        "exploitation_to": case.exploitation_to,
        "exploitation_forms": tuple(case.exploitation_forms.values_list("code", flat=True)),
        "exploitation_countries": tuple(
            case.exploitation_countries.values_list("country", flat=True)
        ),
        "control_means": tuple(case.control_means.values_list("code", flat=True)),
        "recruitment_channel": case.recruitment_channel,
        "online_platform": case.online_platform,
        "identified_on": case.identified_on,
        "identifying_organisation": case.identifying_organisation_id,
        "identification_method": case.identification_method,
    }


LADDER: dict[str, int] = {
    CaseStatus.POTENTIAL: 0,
    CaseStatus.PRESUMED: 1,
    CaseStatus.IDENTIFIED: 2,
    CaseStatus.NOT_IDENTIFIED: 2,
}


def _status_after(current: str, wanted: str) -> str:
    """A file opens and closes a case, but never takes it down Lantern's ladder: a case
    presumed or identified in Lantern since its import stays so."""
    if CaseStatus.CLOSED in (current, wanted):
        return wanted
    return wanted if LADDER[wanted] >= LADDER[current] else current


def _is_own_reference(case_id: str, kind: str, context: Context) -> bool:
    if context.source_object(kind, case_id) is not None:
        return False
    return Case.objects.filter(
        reference=case_id, registering_organisation=context.organisation
    ).exists()


def _last_status_change() -> int:
    return CaseStatusChange.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def _keep_closure_reason(case_pk: int, row: _Row, since: int) -> None:
    """The reason goes with the change to closed that this row made."""
    reason = row.get("cas_ReasonForCaseClosure")
    if reason:
        CaseStatusChange.objects.filter(
            case_id=case_pk, pk__gt=since, to_status=CaseStatus.CLOSED
        ).update(reason=reason)


HTCDS_KIND = HtcdsCaseRows()


@dataclass(frozen=True)
class HtcdsImport:
    run: ImportRun
    # HTCDS fields that held values Lantern read and did not keep, as HTCDS spells them.
    not_kept: list[str]


def import_htcds(
    path: Path, actor: User, *, dry_run: bool = False, atomic: bool = False
) -> HtcdsImport:
    """Import an HTCDS workbook (or CSV) of cases into ``actor``'s organisation's register."""
    if not policy.can_import_register_data(actor):
        raise ImportNotAllowed(_("You may not import records into a register."))
    with tempfile.TemporaryDirectory(prefix="lantern-htcds-") as folder:
        source = _engine_sheet(path, Path(folder) / "htcds.xlsx") or path
        run = import_file(
            HTCDS_KIND, source, actor, file_name=path.name, dry_run=dry_run, atomic=atomic
        )
        if source != path:
            run.file_sha256 = file_digest(path)
            run.save(update_fields=["file_sha256"])
        unkept = [] if run.status == RunStatus.REFUSED else _not_kept_in(source)
    return HtcdsImport(run=run, not_kept=unkept)


def _engine_sheet(path: Path, target: Path) -> Path | None:
    """The workbook's HTCDS sheet as the engine reads a sheet, or None to let the engine read
    (or refuse) the file as it is.

    Every row keeps its number, so the report's rows are the workbook's. The template's second
    row of labels becomes an empty row, and its column A, which numbers the rows, is left out:
    otherwise every numbered empty row of the template would count as a case.
    """
    with path.open("rb") as stream:
        if stream.read(4) != XLSX_MAGIC:
            return None
    from openpyxl import Workbook, load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        return None
    try:
        sheet = _htcds_sheet(workbook)
        if sheet is None:
            return None
        rows = sheet.iter_rows(values_only=True)
        header = list(next(rows, ()))
        second = next(rows, None)
        labels = second is not None and _is_label_row(second)
        if labels and second is not None:
            header = _named(header, list(second))
        numbered = bool(header) and _blank(header[0])
        start = 1 if numbered else 0
        written = Workbook(write_only=True)
        out = written.create_sheet(HTCDS_KIND.name)
        out.append(header[start:])
        if second is not None:
            out.append([None] if labels else list(second)[start:])
        for cells in rows:
            out.append(list(cells)[start:] or [None])
        written.save(target)
    finally:
        workbook.close()
    return target


def _htcds_sheet(workbook: Any) -> Any:
    """The template's case sheet: by its name, or the first sheet whose first row names an
    HTCDS field."""
    if htcds.CASE_SHEET in workbook.sheetnames:
        return workbook[htcds.CASE_SHEET]
    fields = {column(field) for field in htcds.LABELS}
    for sheet in workbook.worksheets:
        first = next(sheet.iter_rows(max_row=1, values_only=True), ())
        if any(column(as_text(cell)) in fields for cell in first):
            return sheet
    return None


def _blank(cell: Any) -> bool:
    return not as_text(cell)


LABEL_FIELDS = {
    _key(label): field
    for field, label in htcds.LABELS.items()
    if field not in htcds.TEMPLATE_SPELLINGS
}


def _is_label_row(cells: tuple[Any, ...]) -> bool:
    """Whether a row holds the template's field labels rather than a case. The template's own
    labels sit under the wrong mailing fields, so any field's label counts."""
    filled = [as_text(cell) for cell in cells if not _blank(cell)]
    return len(filled) >= 2 and all(_key(cell) in LABEL_FIELDS for cell in filled)


def _named(header: list[Any], labels: list[Any]) -> list[Any]:
    """The header with a missing field name taken from its label: the template names no field
    above its "Reason for Outgoing Referral"."""
    named = list(header)
    for index, label in enumerate(labels[: len(named)]):
        if _blank(named[index]) and not _blank(label):
            named[index] = LABEL_FIELDS.get(_key(as_text(label)), named[index])
    return named


def _not_kept_in(path: Path) -> list[str]:
    """The not-kept fields that hold a value on some row of ``path``."""
    names = {column(field): field for field in NOT_KEPT}
    try:
        table = open_table(path, sheet=HTCDS_KIND.name)
    except FileRefused:
        return []
    present = [name for name in table.header if name in names]
    found: set[str] = set()
    for _number, row in table.rows:
        found.update(name for name in present if as_text(row.get(name)))
    return [names[name] for name in present if name in found]
