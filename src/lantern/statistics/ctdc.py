"""The profile of CTDC's records taken in by `lantern import ctdc`, by year of registration:
the figures CTDC publishes, computed by the same engine as GRETA's tables.

Records without a year of registration have no row; the note says how many there are.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from lantern.core.codes import code_labels
from lantern.exchange.ctdc import AGE_BANDS, SOURCE
from lantern.exchange.models import ExternalRecord
from lantern.statistics.engine import Breakdown, TableSpec, build_table, distinct
from lantern.statistics.parallel import build_all
from lantern.statistics.validation import validate


def _records() -> Any:
    return ExternalRecord.objects.filter(source=SOURCE)


def _form_labels() -> dict[str, str]:
    return {
        **code_labels("forms_of_exploitation"),
        "forced_military": _("Forced military service"),
        "slavery_practices": _("Slavery and similar practices"),
    }


def _profile() -> TableSpec:
    return TableSpec(
        id="ctdc_profile",
        title=_("CTDC: victims by year of registration"),
        population_text=_(
            "Anonymous records of the Counter-Trafficking Data Collaborative, by year of "
            "registration; each record is one victim."
        ),
        population=_records,
        period="year_of_registration",
        unit="persons",
        count=distinct("pk"),
        breakdowns=[
            Breakdown(
                "gender",
                _("Gender"),
                "exclusive",
                lambda: "gender",
                values=[
                    ("female", _("Female")),
                    ("male", _("Male")),
                    ("transgender_nonconforming", _("Transgender or non-conforming")),
                ],
            ),
            Breakdown(
                "age",
                _("Age"),
                "exclusive",
                lambda: "age_band",
                values=[(band, band.replace("--", "–")) for band in AGE_BANDS],
            ),
            Breakdown(
                "citizenship", _("Citizenship"), "exclusive", lambda: "citizenship",
                code_list="countries",
            ),
            Breakdown(
                "form", _("Form of exploitation"), "multi", lambda: "forms__code",
                labels=_form_labels,
            ),
            Breakdown(
                "country", _("Country of exploitation"), "exclusive",
                lambda: "country_of_exploitation", code_list="countries",
            ),
            Breakdown(
                "control", _("Means of control"), "multi", lambda: "means_of_control__code",
                code_list="means_of_control",
            ),
        ],
    )  # fmt: skip


def build_ctdc_profile(first_year: int, last_year: int) -> dict[str, Any]:
    """The profile for ``first_year``-``last_year``, validated."""
    if first_year > last_year:
        raise ValueError(_("The first year comes after the last year."))
    years = list(range(first_year, last_year + 1))
    (table,) = build_all([lambda: build_table(_profile(), years)])
    releases = sorted(set(_records().values_list("release", flat=True)))
    without_year = _records().filter(year_of_registration__isnull=True).count()
    report: dict[str, Any] = {
        "report": "ctdc",
        "title": _("CTDC profile"),
        "period": {"from": first_year, "to": last_year},
        "generated_at": timezone.localtime().isoformat(timespec="seconds"),
        "public": False,
        "tables": [table],
        "relations": [],
        "notes": [
            _("Source: Counter-Trafficking Data Collaborative (CTDC), releases %(releases)s.")
            % {"releases": ", ".join(releases) or "—"},
            _("%(count)s records have no year of registration and are in no row.")
            % {"count": without_year},
        ],
    }
    report["violations"] = validate(report)
    return report
