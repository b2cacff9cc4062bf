"""The reports Lantern produces, and writing one in a format, exact or safe for publication."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from django.utils.translation import gettext_lazy as _

from lantern.core.models import Jurisdiction
from lantern.statistics.disclosure import make_public
from lantern.statistics.greta import build_greta
from lantern.statistics.writers import write_docx, write_xlsx

FORMATS = ("json", "xlsx", "docx")


@dataclass(frozen=True)
class ReportKind:
    code: str
    title: Any
    build: Callable[[int, int], dict[str, Any]]


REPORTS = {
    "greta": ReportKind(
        "greta", _("GRETA questionnaire, Part III: statistics (Tables 1-10)"), build_greta
    ),
}


def publishable(report: dict[str, Any]) -> dict[str, Any]:
    """The report with the pack's disclosure control applied."""
    jurisdiction = Jurisdiction.objects.first()
    threshold = jurisdiction.disclosure_threshold if jurisdiction else 4
    text = jurisdiction.suppressed_text if jurisdiction else "<5"
    return make_public(report, threshold=threshold, text=text)


def write_report(report: dict[str, Any], output_format: str, target: BinaryIO | Path) -> None:
    if output_format == "json":
        data = json.dumps(report, ensure_ascii=False, indent=2, default=str).encode()
        if isinstance(target, Path):
            target.write_bytes(data)
        else:
            target.write(data)
    elif output_format == "xlsx":
        write_xlsx(report, target)
    elif output_format == "docx":
        write_docx(report, target)
    else:
        raise ValueError(f"unknown format {output_format!r}")
