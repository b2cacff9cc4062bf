"""What a row of each kind holds, and how it becomes (or updates) a record of the register.

A kind names its columns and how each is read (``values``), checks what only the whole row can
tell, writes the record, and turns a record back into a row for the export. The engine does
everything else: reading, source IDs, outcomes and the report.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar

from django.db.models import Model, QuerySet
from django.utils import timezone

from lantern.core.models import Organisation, User
from lantern.exchange.models import SourceRecord
from lantern.exchange.native.values import Lookups, Reader
from lantern.register.models import Case

SOURCE_ID = "source_id"
CASE_ID = "case_id"
EVENT_ID = "event_id"


@dataclass(frozen=True)
class Column:
    name: str
    read: Reader
    required: bool = False
    # Identity goes to the vault and is exported only when identities are asked for and allowed.
    identity: bool = False
    # Shown in the XLSX template as a drop-down of this code list.
    code_list: str = ""


@dataclass
class Context:
    """What every row of one import shares."""

    actor: User
    organisation: Organisation
    lookups: Lookups
    now: datetime.datetime
    run_id: int
    # Source IDs already resolved in this import, by kind, to the record's primary key.
    resolved: dict[tuple[str, str], int | None] = field(default_factory=dict)

    @property
    def today(self) -> datetime.date:
        return timezone.localdate(self.now)

    def source_object(self, kind: str, source_id: str) -> int | None:
        """The record this organisation imported as ``source_id`` of ``kind``, if any."""
        key = (kind, source_id)
        if key not in self.resolved:
            self.resolved[key] = (
                SourceRecord.objects.filter(
                    organisation=self.organisation, kind=kind, source_id=source_id
                )
                .values_list("object_id", flat=True)
                .first()
            )
        return self.resolved[key]

    def source_objects(self, kind: str, source_ids: set[str]) -> dict[str, int | None]:
        """``source_object`` for many IDs in one query."""
        missing = [source_id for source_id in source_ids if (kind, source_id) not in self.resolved]
        found = dict(
            SourceRecord.objects.filter(
                organisation=self.organisation, kind=kind, source_id__in=missing
            ).values_list("source_id", "object_id")
        )
        for source_id in missing:
            self.resolved[(kind, source_id)] = found.get(source_id)
        return {source_id: self.resolved[(kind, source_id)] for source_id in source_ids}

    def remember(self, kind: str, source_id: str, object_id: int, digest: str = "") -> None:
        SourceRecord.objects.create(
            organisation=self.organisation,
            kind=kind,
            source_id=source_id,
            object_id=object_id,
            digest=digest,
            created_by_id=self.run_id,
        )
        self.resolved[(kind, source_id)] = object_id

    def remember_all(self, kind: str, object_ids: dict[str, int]) -> None:
        SourceRecord.objects.bulk_create(
            [
                SourceRecord(
                    organisation=self.organisation,
                    kind=kind,
                    source_id=source_id,
                    object_id=object_id,
                    digest="",
                    created_by_id=self.run_id,
                )
                for source_id, object_id in object_ids.items()
            ]
        )
        for source_id, object_id in object_ids.items():
            self.resolved[(kind, source_id)] = object_id

    def own_case(self, case_id: str) -> int | None:
        """The case a row names: one this organisation imported, or its own Lantern reference."""
        found = self.source_object("cases", case_id)
        if found is not None:
            return found
        key = ("reference", case_id)
        if key not in self.resolved:
            self.resolved[key] = (
                Case.objects.filter(reference=case_id, registering_organisation=self.organisation)
                .values_list("pk", flat=True)
                .first()
            )
        return self.resolved[key]


class RowRefused(Exception):
    """The row cannot be written; ``problems`` maps a column ('' for the row) to messages."""

    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__("; ".join(problems.values()))
        self.problems = problems


class RecordKind:
    """One kind of row. Subclasses set ``name``, ``model`` and the columns."""

    name: ClassVar[str]
    model: ClassVar[type[Model]]
    # Whether rows name the case they belong to (every event does; a case row is the case).
    belongs_to_case: ClassVar[bool] = True
    # The column holding the source system's ID of the row's record.
    id_column: ClassVar[str] = EVENT_ID

    def columns(self, lookups: Lookups) -> list[Column]:
        raise NotImplementedError

    def allowed(self, actor: User) -> bool:
        """Whether ``actor`` may import this kind, beyond importing into a register at all."""
        return True

    def check(self, values: dict[str, Any], context: Context) -> dict[str, str]:
        """Problems only the whole row shows, by column; none by default."""
        return {}

    def create(self, values: dict[str, Any], context: Context) -> int:
        """Write a new record for the row; return its primary key."""
        raise NotImplementedError

    def update(self, object_id: int, values: dict[str, Any], context: Context) -> None:
        """Bring an imported record in line with a changed row."""
        raise NotImplementedError

    def export_rows(
        self, records: QuerySet[Any], context: ExportContext
    ) -> Iterator[dict[str, Any]]:
        """The rows that would import as ``records``."""
        raise NotImplementedError

    def existing_by_key(self, source_ids: set[str], context: Context) -> dict[str, int]:
        """Records a row names as Lantern's export names records entered in Lantern itself
        (``<kind>-<number>``), among those of the importer's own register: importing such an
        export again finds them instead of creating them twice."""
        prefix = f"{self.name}-"
        numbered = {
            int(source_id.removeprefix(prefix)): source_id
            for source_id in source_ids
            if source_id.startswith(prefix) and source_id.removeprefix(prefix).isdigit()
        }
        if not numbered:
            return {}
        own_cases = Case.objects.filter(registering_organisation=context.organisation)
        found = self.records_for(own_cases).filter(pk__in=numbered).values_list("pk", flat=True)
        return {numbered[pk]: pk for pk in found}

    def records_for(self, cases: QuerySet[Any]) -> QuerySet[Any]:
        """This kind's records belonging to ``cases``."""
        return self.model._default_manager.filter(case__in=cases).order_by("pk")


@dataclass
class ExportContext:
    """What an export's rows share: whose they are and whether identity may be written."""

    actor: User
    with_identity: bool
    organisation_codes: dict[int, str]
    # Identities left out because the user may not reveal them (a seal, for example).
    withheld_identities: int = 0


def cell(value: Any) -> str:
    """A stored value as the export writes it: the form the import reads back."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime.datetime):
        # Whole precision: an export read back must give the very same moment.
        return timezone.localtime(value).isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Iterable) and not isinstance(value, str):
        return "; ".join(str(part) for part in value)
    return str(value)


def exported_case_ids(case_pks: Iterable[int], organisation_id: int | None) -> dict[int, str]:
    """How an export names each case: by the ID the exporting organisation imported it under,
    so that its own export imports back unchanged, else by its Lantern reference."""
    wanted = set(case_pks)
    names = dict(Case.objects.filter(pk__in=wanted).values_list("pk", "reference"))
    if organisation_id is not None:
        imported = SourceRecord.objects.filter(
            organisation_id=organisation_id, kind="cases", object_id__in=wanted
        ).values_list("object_id", "source_id")
        names.update(dict(imported))
    return names
