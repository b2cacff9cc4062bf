"""The register's identified victims in CTDC's format, k-anonymised for contribution.

CTDC takes contributions only when every combination of the quasi-identifiers — year, gender,
age band, citizenship, country of exploitation and the forms of exploitation — is shared by at
least k records (k = 11 by default, as CTDC's own release). Lantern first generalises, for
every record alike and one step at a time, until few enough records stand in groups smaller
than k (a step that would save no record from suppression is not taken):

1. age bands become minor or adult (CTDC's ``0--17`` and ``18+``);
2. a foreign citizenship becomes "another country" (``ZZ``);
3. a foreign country of exploitation becomes "another country" (``ZZ``);
4. the year becomes empty.

Whatever still stands in a group smaller than k is suppressed: left out of the file and
counted, so that exported + suppressed = the identified victims in the register. Nothing but
these fields leaves: no reference, no name, no organisation.
"""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import IO, Any

from lantern.core.models import Jurisdiction
from lantern.exchange.ctdc import AGE_BANDS, FORMS, REQUIRED
from lantern.exchange.files import safe_cell
from lantern.register.models import Case, CaseExploitationCountry, CaseExploitationForm

DEFAULT_K = 11
OTHER_COUNTRY = "ZZ"  # ISO 3166 user-assigned: "unknown or another country"
# Generalising further is worse than losing this share of the records.
SUPPRESSION_LIMIT = 0.05
QUASI_IDENTIFIERS = (
    "yearOfRegistration",
    "gender",
    "ageBroad",
    "citizenship",
    "CountryOfExploitation",
    *FORMS,
)
# The columns the import reads, in the same order: what Lantern writes, CTDC can read back.
HEADER = REQUIRED
GENDERS = {"female": "Female", "male": "Male"}

Row = dict[str, str]


@dataclass
class Release:
    k: int
    register_size: int
    exported: int = 0
    suppressed: int = 0
    steps: list[str] = field(default_factory=list)
    generalised_values: dict[str, int] = field(default_factory=dict)


def _age_band(age: int | None) -> str:
    if age is None:
        return ""
    bounds: tuple[tuple[int, str], ...] = (
        (8, "0--8"), (17, "9--17"), (20, "18--20"), (23, "21--23"), (26, "24--26"),
        (29, "27--29"), (38, "30--38"), (47, "39--47"),
    )  # fmt: skip
    return next((band for upper, band in bounds if age <= upper), AGE_BANDS[-1])


# CTDC counts begging and forced criminal activity as forced labour (its typeOfLabourBegging
# and typeOfLabourIllicitActivities); a form CTDC has no flag for is "other".
CTDC_FLAG_OF_FORM = {
    **{code: column for column, code in FORMS.items()},
    "begging": "isForcedLabour",
    "forced_criminal_activity": "isForcedLabour",
}


def form_flags(forms: set[str]) -> dict[str, str]:
    """CTDC's form flags for a case's forms of exploitation (the pack's codes)."""
    flags = dict.fromkeys(FORMS, "0")
    for code in forms:
        flags[CTDC_FLAG_OF_FORM.get(code, "isOtherExploit")] = "1"
    return flags


def register_rows() -> list[Row]:
    """One CTDC row per identified victim's case, at full detail."""
    forms: dict[int, set[str]] = defaultdict(set)
    for case_id, code in CaseExploitationForm.objects.values_list("case_id", "code"):
        forms[case_id].add(code)
    countries: dict[int, set[str]] = defaultdict(set)
    for case_id, country in CaseExploitationCountry.objects.values_list("case_id", "country"):
        countries[case_id].add(country)
    cases = (
        Case.objects.filter(identified_on__isnull=False)
        .values_list(
            "pk",
            "identified_on",
            "person__sex",
            "age_at_identification",
            "child_at_identification",
            "person__citizenship",
        )
        .order_by("identified_on", "pk")
    )
    rows = []
    for pk, identified_on, sex, age, child, citizenship in cases.iterator(chunk_size=5000):
        row: Row = {name: "" for name in HEADER}
        row["yearOfRegistration"] = str(identified_on.year) if identified_on else ""
        row["Datasource"] = "Case Management"
        row["gender"] = GENDERS.get(sex or "", "")
        row["ageBroad"] = _age_band(age)
        row["majorityStatus"] = "" if child is None else ("Minor" if child else "Adult")
        row["citizenship"] = citizenship or ""
        exploited_in = countries.get(pk, set())
        # CTDC has one country of exploitation; several are not one of them.
        row["CountryOfExploitation"] = next(iter(exploited_in)) if len(exploited_in) == 1 else ""
        row.update(form_flags(forms.get(pk, set())))
        rows.append(row)
    return rows


def _steps(home: str) -> list[tuple[str, str, Callable[[str], str]]]:
    def majority(band: str) -> str:
        if band in ("0--8", "9--17", "0--17"):
            return "0--17"
        return "18+" if band else ""

    def home_or_other(country: str) -> str:
        return country if country in ("", home) else OTHER_COUNTRY

    return [
        ("minor or adult", "ageBroad", majority),
        ("foreign citizenships as another country", "citizenship", home_or_other),
        ("foreign countries of exploitation as another country", "CountryOfExploitation",
         home_or_other),
        ("no year", "yearOfRegistration", lambda _year: ""),
    ]  # fmt: skip


def _key(row: Row) -> tuple[str, ...]:
    return tuple(row[name] for name in QUASI_IDENTIFIERS)


def _too_rare(rows: Sequence[Row], k: int) -> int:
    sizes = Counter(_key(row) for row in rows)
    return sum(size for size in sizes.values() if size < k)


def anonymise(rows: list[Row], k: int) -> tuple[list[Row], Release]:
    """Generalise step by step until few groups are smaller than k, then suppress those."""
    if k < 2:
        raise ValueError("k must be at least 2")
    release = Release(k=k, register_size=len(rows))
    home = Jurisdiction.objects.values_list("country", flat=True).first() or ""
    rare = _too_rare(rows, k)
    for description, column, generalise in _steps(home):
        if rare <= SUPPRESSION_LIMIT * len(rows):
            break
        candidate = [{**row, column: generalise(row[column])} for row in rows]
        candidate_rare = _too_rare(candidate, k)
        if candidate_rare >= rare:
            continue  # it would blur every record and save none from suppression
        changed = sum(1 for row, general in zip(rows, candidate, strict=True) if row != general)
        rows[:] = candidate
        rare = candidate_rare
        release.steps.append(description)
        release.generalised_values[column] = changed
        if column == "ageBroad":
            # The age band now says no more than the majority status: keep them agreeing.
            for row in rows:
                if row["ageBroad"]:
                    row["majorityStatus"] = "Minor" if row["ageBroad"] == "0--17" else "Adult"
    sizes = Counter(_key(row) for row in rows)
    kept = [row for row in rows if sizes[_key(row)] >= k]
    release.exported = len(kept)
    release.suppressed = len(rows) - len(kept)
    return kept, release


def write_ctdc(rows: Sequence[Row], target: IO[str]) -> None:
    writer = csv.writer(target)
    writer.writerow(HEADER)
    for row in rows:
        writer.writerow([safe_cell(row[name]) for name in HEADER])


def export_ctdc(target: IO[str], k: int = DEFAULT_K) -> Release:
    """Write the register's identified victims, k-anonymised, to ``target``; say what it took."""
    kept, release = anonymise(register_rows(), k)
    write_ctdc(kept, target)
    return release


def summary(release: Release) -> dict[str, Any]:
    return {
        "k": release.k,
        "register_size": release.register_size,
        "exported": release.exported,
        "suppressed": release.suppressed,
        "generalised": release.steps,
        "generalised_values": release.generalised_values,
    }
