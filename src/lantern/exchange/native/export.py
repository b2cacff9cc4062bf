"""Everything a user may see, in Lantern's own format: the files the native import reads back.

One CSV per kind (``cases.csv``, ``payments.csv``, ...) or one workbook with a sheet per kind,
in the registry's order, which is the order of import. Identity is written only when asked
for, when the user may export identities, and then only for the persons whose identity the
user may reveal; the caller writes the access-log entry.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from openpyxl import Workbook

from lantern.access import policy
from lantern.core.models import Organisation, User
from lantern.exchange.files import safe_cell, saved_in_place, written_in_place
from lantern.exchange.native.kinds import ExportContext, RecordKind
from lantern.exchange.native.proceedings import PROCEEDINGS_ROWS
from lantern.exchange.native.registry import CASE_KIND, KINDS
from lantern.exchange.native.values import Lookups
from lantern.register.models import Case

FILE_FORMATS = ("csv", "xlsx")
WORKBOOK_NAME = "lantern-export.xlsx"


class ExportNotAllowed(Exception):
    """The user may not export cases."""


@dataclass
class NativeExport:
    """What an export wrote: rows per kind in the order written, and what it left out."""

    folder: Path
    file_format: str
    files: list[str] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)
    # Kinds the user may not see (criminal proceedings, for most), so not written at all.
    left_out: list[str] = field(default_factory=list)
    identities_asked: bool = False
    # Victims' and accused persons' identities, counted by row; which ones is never said.
    identities_written: int = 0
    identities_withheld: int = 0
    identity_columns: list[str] = field(default_factory=list)

    @property
    def cases(self) -> int:
        return self.rows.get(CASE_KIND.name, 0)


def export_native(
    actor: User, folder: Path, *, with_identity: bool = False, file_format: str = "csv"
) -> NativeExport:
    """Write the cases ``actor`` may see and every record of theirs into ``folder``."""
    if not policy.can_export_cases(actor):
        raise ExportNotAllowed(_("You may not export cases."))
    if file_format not in FILE_FORMATS:
        raise ValueError(_("The export is written as CSV or XLSX."))
    cases = policy.visible_cases(actor, Case.objects.all())
    context = ExportContext(
        actor=actor,
        with_identity=with_identity and policy.can_export_identities(actor),
        organisation_codes=dict(Organisation.objects.values_list("pk", "code")),
    )
    summary = NativeExport(folder=folder, file_format=file_format, identities_asked=with_identity)
    kinds = [kind for kind in KINDS.values() if _may_see(actor, kind)]
    summary.left_out = [kind.name for kind in KINDS.values() if kind not in kinds]
    tables = [(kind, _header(kind), _rows(kind, cases, context)) for kind in kinds]
    if file_format == "xlsx":
        summary.rows = _write_workbook(folder / WORKBOOK_NAME, tables)
        summary.files = [WORKBOOK_NAME]
    else:
        for kind, header, rows in tables:
            file_name = f"{kind.name}.csv"
            summary.rows[kind.name] = _write_csv(folder / file_name, header, rows)
            summary.files.append(file_name)
    if context.with_identity:
        _count_identities(summary, kinds, context)
    return summary


def _may_see(actor: User, kind: RecordKind) -> bool:
    """Cases and their events follow the cases; criminal proceedings, and any record outside a
    case, only for those who may see proceedings (a victim's link to a criminal case too)."""
    if kind is CASE_KIND:
        return True
    if kind.belongs_to_case and kind not in PROCEEDINGS_ROWS:
        return True
    return policy.can_see_proceedings(actor)


def _count_identities(
    summary: NativeExport, kinds: list[RecordKind], context: ExportContext
) -> None:
    """Each row of a kind with identity columns carries one identity, written or withheld."""
    with_identity = {
        kind.name: [column.name for column in kind.columns(Lookups()) if column.identity]
        for kind in kinds
    }
    carrying = sum(summary.rows[name] for name, columns in with_identity.items() if columns)
    summary.identities_withheld = context.withheld_identities
    summary.identities_written = carrying - context.withheld_identities
    summary.identity_columns = sorted(
        {name for columns in with_identity.values() for name in columns}
    )


def _header(kind: RecordKind) -> list[str]:
    return [column.name for column in kind.columns(Lookups())]


def _rows(
    kind: RecordKind, cases: QuerySet[Any], context: ExportContext
) -> Iterator[dict[str, Any]]:
    """Read only when written, so that one kind's records are never all held at once."""
    yield from kind.export_rows(kind.records_for(cases), context)


def _cells(header: list[str], row: dict[str, Any]) -> list[str]:
    return [safe_cell(_text(row.get(name))) for name in header]


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _write_csv(path: Path, header: list[str], rows: Iterable[dict[str, Any]]) -> int:
    written = 0
    with written_in_place(path) as stream:
        writer = csv.writer(stream)
        writer.writerow(header)
        for row in rows:
            writer.writerow(_cells(header, row))
            written += 1
    return written


def _write_workbook(
    path: Path, tables: list[tuple[RecordKind, list[str], Iterator[dict[str, Any]]]]
) -> dict[str, int]:
    """One sheet per kind, named as the import looks for it; every cell text, as in the CSV."""
    workbook = Workbook(write_only=True)
    written: dict[str, int] = {}
    for kind, header, rows in tables:
        sheet = workbook.create_sheet(title=kind.name)
        sheet.append(header)
        written[kind.name] = 0
        for row in rows:
            # An empty cell stays empty rather than becoming an empty string.
            sheet.append([cell or None for cell in _cells(header, row)])
            written[kind.name] += 1
    saved_in_place(workbook, path)
    return written
