"""Importing a file of one kind into an organisation's register, with every row accounted for.

Each row ends ``created``, ``updated``, ``unchanged`` or ``rejected``; a rejected row is written
nowhere and its every reason (row, column, value, message in the importing user's language) is
stored with the run. Rows are read as a stream and written in batches, each row under its own
savepoint so one bad row cannot spoil its neighbours. ``dry_run`` and ``atomic`` run the whole
file in one transaction that is rolled back when nothing may be written.
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from lantern.access import policy
from lantern.core.models import User
from lantern.exchange.files import safe_cell
from lantern.exchange.models import ImportProblem, ImportRun, RunStatus, SourceRecord
from lantern.exchange.native.kinds import CASE_ID, Column, Context, RecordKind, RowRefused
from lantern.exchange.native.reading import EXTRA_CELLS, FileRefused, Table, file_digest, open_table
from lantern.exchange.native.seen import FirstRows
from lantern.exchange.native.values import CellError, Lookups, as_text

BATCH = 500
# Beyond this many reasons a run keeps counting rejected rows but stores no more reasons.
MAX_PROBLEMS = 20000
HIDDEN = "•••"


class ImportNotAllowed(Exception):
    """The user may not import into a register."""


@dataclass
class Problem:
    row: int
    column: str
    value: str
    message: str


@dataclass
class NewRow:
    """A valid row of a record not yet imported, waiting to be created with its batch."""

    row_number: int
    values: dict[str, Any]
    source_id: str
    digest: str
    raw: dict[str, Any]


@dataclass
class Tally:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    problems: list[Problem] = field(default_factory=list)
    kept_problems: int = 0
    dropped_problems: int = 0

    @property
    def rows(self) -> int:
        return self.created + self.updated + self.unchanged + self.rejected

    def reject(self, problems: list[Problem]) -> None:
        self.rejected += 1
        kept = problems[: max(MAX_PROBLEMS - self.kept_problems, 0)]
        self.problems.extend(kept)
        self.kept_problems += len(kept)
        self.dropped_problems += len(problems) - len(kept)


def import_file(
    kind: RecordKind,
    path: Path,
    actor: User,
    *,
    file_name: str = "",
    dry_run: bool = False,
    atomic: bool = False,
    sheet: str = "",
    strict_sheet: bool = False,
) -> ImportRun:
    """Import ``path`` as rows of ``kind`` into ``actor``'s organisation's register."""
    if not policy.can_import_register_data(actor) or actor.organisation is None:
        raise ImportNotAllowed(_("You may not import records into a register."))
    if not kind.allowed(actor):
        raise ImportNotAllowed(_("You may not import %(kind)s.") % {"kind": kind.name})
    language = actor.preferred_language or translation.get_language()
    with translation.override(language):
        run = ImportRun.objects.create(
            kind=kind.name,
            file_name=(file_name or path.name)[:255],
            file_sha256=file_digest(path),
            started_at=timezone.now(),
            imported_by=actor,
            organisation=actor.organisation,
            dry_run=dry_run,
            atomic=atomic,
            status=RunStatus.RUNNING,
        )
        try:
            table = open_table(path, sheet=sheet or kind.name, strict=strict_sheet)
            _describe(run, table)
            columns = _check_header(kind, table, Lookups())
        except FileRefused as refused:
            return _refuse(run, str(refused))
        importer = _Importer(
            kind, columns, _context(actor, run), run, write=not (dry_run or atomic)
        )
        try:
            if not (dry_run or atomic):
                importer.write_in_batches(table.rows)
                return run
            # Every row is checked before anything is written: a dry run stops there, and so
            # does an all-or-nothing import with a rejected row.
            importer.check_all(table.rows)
            if dry_run or importer.tally.rejected:
                importer.finish(RunStatus.NOTHING_WRITTEN)
                return run
            importer = _Importer(kind, columns, _context(actor, run), run, write=True)
            table = open_table(path, sheet=sheet or kind.name, strict=strict_sheet)
            importer.write_all_or_nothing(table.rows)
        except FileRefused as refused:
            return _refuse(run, str(refused), importer.tally, nothing_written=dry_run or atomic)
        return run


def _context(actor: User, run: ImportRun) -> Context:
    assert actor.organisation is not None  # noqa: S101 - import_file refuses users without one
    return Context(
        actor=actor,
        organisation=actor.organisation,
        lookups=Lookups(),
        now=run.started_at,
        run_id=run.pk,
    )


def _describe(run: ImportRun, table: Table) -> None:
    run.file_format, run.encoding, run.separator = (
        table.file_format,
        table.encoding,
        table.separator,
    )
    run.save(update_fields=["file_format", "encoding", "separator"])


def _check_header(kind: RecordKind, table: Table, lookups: Lookups) -> list[Column]:
    columns = kind.columns(lookups)
    known = {column.name for column in columns}
    unknown = [name for name in table.header if name and name not in known]
    missing = [
        column.name for column in columns if column.required and column.name not in table.header
    ]
    repeated = sorted({name for name in table.header if name and table.header.count(name) > 1})
    reasons = []
    if unknown:
        reasons.append(_("unknown columns: %(names)s") % {"names": ", ".join(unknown)})
    if missing:
        reasons.append(_("missing columns: %(names)s") % {"names": ", ".join(missing)})
    if repeated:
        reasons.append(_("columns given twice: %(names)s") % {"names": ", ".join(repeated)})
    if reasons:
        raise FileRefused(
            _(
                "The header does not match the %(kind)s template (%(reasons)s). "
                "Download the template and copy your data into it."
            )
            % {"kind": kind.name, "reasons": "; ".join(reasons)}
        )
    return [column for column in columns if column.name in table.header]


def _refuse(
    run: ImportRun, message: str, tally: Tally | None = None, *, nothing_written: bool = True
) -> ImportRun:
    tally = tally or Tally()
    ImportProblem.objects.create(run=run, row=0, message=message[:500])
    _finish(run, tally, RunStatus.REFUSED if nothing_written else RunStatus.FAILED)
    return run


def _finish(run: ImportRun, tally: Tally, status: str) -> None:
    run.rows = tally.rows
    run.created, run.updated = tally.created, tally.updated
    run.unchanged, run.rejected = tally.unchanged, tally.rejected
    run.status = status
    run.finished_at = timezone.now()
    run.save()


class _Importer:
    """One pass over a file's rows; with ``write`` false it only works out each row's outcome."""

    def __init__(
        self,
        kind: RecordKind,
        columns: list[Column],
        context: Context,
        run: ImportRun,
        *,
        write: bool,
    ) -> None:
        self.kind, self.columns, self.context, self.run_record = kind, columns, context, run
        self.blank = _blank_values(kind, context.lookups)
        self.write = write
        self.tally = Tally()
        self.seen = FirstRows()
        self.id_column = kind.id_column

    def write_in_batches(self, rows: Iterator[tuple[int, dict[str, Any]]]) -> None:
        """Commit batch by batch, so progress shows and a crash keeps what was done."""
        for batch in _batches(rows):
            with transaction.atomic():
                self._take(batch)
                self._store_problems()
                _finish(self.run_record, self.tally, RunStatus.RUNNING)
        self.finish(RunStatus.FINISHED)

    def check_all(self, rows: Iterator[tuple[int, dict[str, Any]]]) -> None:
        for batch in _batches(rows):
            self._take(batch)

    def write_all_or_nothing(self, rows: Iterator[tuple[int, dict[str, Any]]]) -> None:
        """One transaction, rolled back if any row is refused while being written."""
        with transaction.atomic():
            for batch in _batches(rows):
                self._take(batch)
            written = self.tally.rejected == 0
            transaction.set_rollback(not written)
        self.finish(RunStatus.FINISHED if written else RunStatus.NOTHING_WRITTEN)

    def finish(self, status: str) -> None:
        self._store_problems()
        if self.tally.dropped_problems:
            ImportProblem.objects.create(
                run=self.run_record,
                row=0,
                message=_("%(count)s more reasons were not stored.")
                % {"count": self.tally.dropped_problems},
            )
        _finish(self.run_record, self.tally, status)

    def _store_problems(self) -> None:
        ImportProblem.objects.bulk_create(
            [
                ImportProblem(
                    run=self.run_record,
                    row=problem.row,
                    column=problem.column[:128],
                    value=problem.value[:200],
                    message=problem.message[:500],
                )
                for problem in self.tally.problems
            ]
        )
        self.tally.problems.clear()

    def _take(self, batch: list[tuple[int, dict[str, Any]]]) -> None:
        known = self._known_records(batch)
        new_rows: list[NewRow] = []
        for row_number, row in batch:
            problems = self._take_row(row_number, row, known, new_rows)
            if problems:
                self.tally.reject(problems)
        if self.write:
            self._create(new_rows)
        else:
            self.tally.created += len(new_rows)
        # What later batches need is in the database; keeping it here would grow with the file.
        self.context.resolved.clear()

    def _create(self, new_rows: list[NewRow]) -> None:
        """Create the batch's new records together when the kind can; one by one otherwise,
        and after a refused batch, so that only the row at fault is rejected."""
        if not new_rows:
            return
        create_many = getattr(self.kind, "create_many", None)
        if create_many is not None:
            resolved = dict(self.context.resolved)
            try:
                with transaction.atomic():
                    object_ids = create_many([new.values for new in new_rows], self.context)
                    self._remember_all(new_rows, object_ids)
            except (RowRefused, IntegrityError, DatabaseError):
                self.context.resolved = resolved
            else:
                self.tally.created += len(new_rows)
                return
        for new in new_rows:
            try:
                with transaction.atomic():
                    self._write(new.values, new.source_id, new.digest, None)
            except RowRefused as refused:
                self.tally.reject(
                    [
                        self._problem(new.row_number, name, new.raw, message)
                        for name, message in refused.problems.items()
                    ]
                )
            except (IntegrityError, DatabaseError):
                self.tally.reject([_conflict(new.row_number)])

    def _remember_all(self, new_rows: list[NewRow], object_ids: list[int]) -> None:
        records = [
            SourceRecord(
                organisation=self.context.organisation,
                kind=self.kind.name,
                source_id=new.source_id,
                object_id=object_id,
                digest=new.digest,
                created_by_id=self.context.run_id,
            )
            for new, object_id in zip(new_rows, object_ids, strict=True)
        ]
        SourceRecord.objects.bulk_create(records)
        for new, object_id in zip(new_rows, object_ids, strict=True):
            self.context.resolved[(self.kind.name, new.source_id)] = object_id

    def _known_records(self, batch: list[tuple[int, dict[str, Any]]]) -> dict[str, SourceRecord]:
        """The batch's records already imported, by source ID; those the rows name by a key of
        Lantern's own come with no digest, so their rows count as changes."""
        ids = {as_text(row.get(self.id_column)) for _number, row in batch}
        records = SourceRecord.objects.filter(
            organisation=self.context.organisation, kind=self.kind.name, source_id__in=ids
        )
        known = {record.source_id: record for record in records}
        by_key = self.kind.existing_by_key(ids - set(known), self.context)
        for source_id, object_id in by_key.items():
            known[source_id] = SourceRecord(
                organisation=self.context.organisation,
                kind=self.kind.name,
                source_id=source_id,
                object_id=object_id,
                digest="",
            )
        return known

    def _take_row(
        self,
        row_number: int,
        row: dict[str, Any],
        known: dict[str, SourceRecord],
        new_rows: list[NewRow],
    ) -> list[Problem]:
        """Reject, count as unchanged, update, or set aside to create with the batch."""
        values, problems = self._read(row_number, row)
        source_id = values.get(self.id_column) or ""
        if source_id:
            duplicate_of = self.seen.seen_on(source_id, row_number)
            if duplicate_of is not None:
                problems.append(
                    Problem(
                        row_number,
                        self.id_column,
                        source_id,
                        _("The same ID is already on row %(row)s of this file.")
                        % {"row": duplicate_of},
                    )
                )
        problems += self._find_case(row_number, values)
        if problems:
            return problems
        digest = _digest({**self.blank, **values})
        existing = known.get(source_id)
        if existing is not None and existing.digest == digest:
            self.tally.unchanged += 1
            return []
        problems = self._check(row_number, values, row)
        if problems:
            return problems
        if existing is None:
            new_rows.append(NewRow(row_number, values, source_id, digest, row))
            return []
        if not self.write:
            self.tally.updated += 1
            return []
        try:
            with transaction.atomic():
                self._write(values, source_id, digest, existing)
        except RowRefused as refused:
            return [
                self._problem(row_number, name, row, message)
                for name, message in refused.problems.items()
            ]
        except (IntegrityError, DatabaseError):
            return [_conflict(row_number)]
        return []

    def _read(self, row_number: int, row: dict[str, Any]) -> tuple[dict[str, Any], list[Problem]]:
        values: dict[str, Any] = {}
        problems: list[Problem] = []
        if row.get(EXTRA_CELLS):
            problems.append(
                Problem(
                    row_number, "", "", _("The row has more cells than the header has columns.")
                )
            )
        for column in self.columns:
            raw = row.get(column.name)
            try:
                value = column.read(raw)
            except CellError as error:
                problems.append(self._raw_problem(row_number, column, raw, str(error)))
                continue
            if column.required and value in (None, "", ()):
                problems.append(
                    self._raw_problem(row_number, column, raw, _("This column must be filled in."))
                )
                continue
            values[column.name] = value
        return values, problems

    def _find_case(self, row_number: int, values: dict[str, Any]) -> list[Problem]:
        """An event's case, in the importer's own register; another's is as good as missing."""
        if not self.kind.belongs_to_case or not values.get(CASE_ID):
            return []
        values["case"] = self.context.own_case(values[CASE_ID])
        if values["case"] is not None:
            return []
        message = _("No case with this ID in your organisation's register; import the case first.")
        return [Problem(row_number, CASE_ID, values[CASE_ID], message)]

    def _check(self, row_number: int, values: dict[str, Any], row: dict[str, Any]) -> list[Problem]:
        problems: list[Problem] = []
        for name, message in self.kind.check(values, self.context).items():
            problems.append(self._problem(row_number, name, row, message))
        return problems

    def _write(
        self, values: dict[str, Any], source_id: str, digest: str, existing: SourceRecord | None
    ) -> None:
        if existing is None:
            object_id = self.kind.create(values, self.context)
            self.context.remember(self.kind.name, source_id, object_id, digest)
            self.tally.created += 1
            return
        self.kind.update(existing.object_id, values, self.context)
        if existing.pk is None:
            existing.created_by_id = existing.changed_by_id = self.context.run_id
            existing.digest = digest
            existing.save()
        SourceRecord.objects.filter(pk=existing.pk).update(
            digest=digest, changed_by_id=self.context.run_id
        )
        existing.digest = digest
        self.tally.updated += 1

    def _raw_problem(self, row_number: int, column: Column, raw: Any, message: str) -> Problem:
        shown = HIDDEN if column.identity and raw not in (None, "") else as_text(raw)
        return Problem(row_number, column.name, shown, message)

    def _problem(self, row_number: int, name: str, row: dict[str, Any], message: str) -> Problem:
        """A reason about a column, showing the cell as the file has it (hidden for identity)."""
        column = next((column for column in self.columns if column.name == name), None)
        if column is None:
            return Problem(row_number, name, "", message)
        return self._raw_problem(row_number, column, row.get(name), message)


def _conflict(row_number: int) -> Problem:
    return Problem(
        row_number,
        "",
        "",
        _("The row conflicts with a record already in the register; nothing was written."),
    )


def _batches(
    rows: Iterator[tuple[int, dict[str, Any]]],
) -> Iterator[list[tuple[int, dict[str, Any]]]]:
    batch: list[tuple[int, dict[str, Any]]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _blank_values(kind: RecordKind, lookups: Lookups) -> dict[str, Any]:
    """What each of the kind's columns reads as when empty: a file leaving a column out says
    the same as one leaving it blank, so the two import as the same row."""
    blank: dict[str, Any] = {}
    for column in kind.columns(lookups):
        try:
            blank[column.name] = column.read(None)
        except CellError:
            blank[column.name] = None
    return blank


def _digest(values: dict[str, Any]) -> str:
    """The row as imported. An event's case counts by the case found, not by how the row named
    it, so a row naming its case by reference instead of by source ID is unchanged."""
    if "case" in values:
        values = {name: value for name, value in values.items() if name != CASE_ID}
    canonical = json.dumps(values, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


REPORT_HEADER = ("row", "column", "value", "message")


def write_report(run: ImportRun, stream: IO[str]) -> None:
    """The run's report as CSV: what was imported, how it ended, and every rejected row's reasons."""
    writer = csv.writer(stream)
    writer.writerow([_("Import report")])
    for label, value in (
        (_("File"), run.file_name),
        (_("SHA-256"), run.file_sha256),
        (_("Kind"), run.kind),
        (_("Imported by"), run.imported_by.get_username()),
        (_("Started"), timezone.localtime(run.started_at).isoformat(timespec="seconds")),
        (_("Outcome"), run.get_status_display()),
        (_("Rows"), run.rows),
        (_("Created"), run.created),
        (_("Updated"), run.updated),
        (_("Unchanged"), run.unchanged),
        (_("Rejected"), run.rejected),
    ):
        writer.writerow([label, safe_cell(str(value))])
    writer.writerow([])
    writer.writerow([_("Row"), _("Column"), _("Value"), _("Reason")])
    for problem in run.problems.all().iterator():
        writer.writerow(
            [problem.row, problem.column, safe_cell(problem.value), safe_cell(problem.message)]
        )
