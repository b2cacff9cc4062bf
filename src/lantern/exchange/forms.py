"""Importing an uploaded file: the form, and how the upload is kept and imported.

An upload may hold identities, so it is copied to a private temporary file (readable by Lantern
alone, outside every served directory), imported from there, and deleted whatever happens. A
small file is imported within the request, so its report is on the next page; a larger one in
a background thread, because a web request may not run for minutes, and its page follows the
counts as the engine stores them after each batch.
"""

from __future__ import annotations

import logging
import os
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import DatabaseError, connection
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lantern.core.models import User
from lantern.exchange.models import ImportProblem, ImportRun, RunStatus
from lantern.exchange.native.engine import ImportNotAllowed, import_file
from lantern.exchange.native.kinds import RecordKind
from lantern.exchange.native.reading import XLSX_MAGIC, file_digest
from lantern.exchange.native.registry import KINDS

logger = logging.getLogger(__name__)

ACCEPTED_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx")
MAX_UPLOAD_BYTES = 200 * 1024 * 1024
# Up to this size a file is imported within the request: a couple of thousand case rows, a
# few seconds. A workbook is compressed, so the same rows take about a quarter of the bytes.
IN_REQUEST_BYTES = 256 * 1024
XLSX_COMPRESSION = 4
# How long a request waits for a background import to end, then to record its run, before
# showing the run (or, failing that, the list of imports).
MAY_FINISH_WITHIN = 3.0
RUN_APPEARS_WITHIN = 10.0

KIND_LABELS = {
    "cases": gettext_lazy("Cases"),
    "transfers": gettext_lazy("Transfers"),
    "referrals": gettext_lazy("Referrals"),
    "services": gettext_lazy("Services delivered"),
    "shelter_stays": gettext_lazy("Shelter stays"),
    "reflection_periods": gettext_lazy("Reflection periods"),
    "legal_representatives": gettext_lazy("Legal representatives"),
    "legal_aid": gettext_lazy("Legal aid"),
    "payments": gettext_lazy("Payments"),
    "repatriations": gettext_lazy("Repatriations"),
    "residence_permits": gettext_lazy("Residence permits"),
    "work_permit_exemptions": gettext_lazy("Work permit exemptions"),
    "compensation_claims": gettext_lazy("Compensation claims"),
    "compensation_receipts": gettext_lazy("Compensation received"),
    "criminal_cases": gettext_lazy("Criminal cases"),
    "criminal_case_victims": gettext_lazy("Victims in criminal cases"),
    "detected_facts": gettext_lazy("Detected facts"),
    "accused_persons": gettext_lazy("Accused persons"),
    "criminal_case_accused": gettext_lazy("Accused in criminal cases"),
    "judgments": gettext_lazy("Judgments"),
    "convictions": gettext_lazy("Convictions"),
    "wanted_notices": gettext_lazy("Wanted notices"),
}


def kind_label(kind: RecordKind) -> str:
    label = KIND_LABELS.get(kind.name)
    if label is None:
        return str(capfirst(kind.model._meta.verbose_name_plural))
    return str(label)


def importable_kinds(actor: User) -> list[RecordKind]:
    """The kinds ``actor`` may import, cases first, in the order of import."""
    return [kind for kind in KINDS.values() if kind.allowed(actor)]


def upload_problem(upload: UploadedFile[bytes]) -> str:
    """Why the uploaded file cannot be imported at all, or '' if it may be."""
    name = upload.name or ""
    if Path(name).suffix.lower() == ".xls":
        return _(
            "Old Excel files (.xls) cannot be read: save the file as an Excel workbook (.xlsx)."
        )
    if Path(name).suffix.lower() not in ACCEPTED_SUFFIXES:
        return _("Choose a CSV file or an Excel workbook (.xlsx).")
    if (upload.size or 0) > MAX_UPLOAD_BYTES:
        return _("The file is larger than %(megabytes)s MB; split it into smaller files.") % {
            "megabytes": MAX_UPLOAD_BYTES // (1024 * 1024)
        }
    return ""


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("What the file holds"))
    file = forms.FileField(
        label=gettext_lazy("File: CSV (UTF-8 or Windows-1251) or Excel workbook (.xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(ACCEPTED_SUFFIXES)}),
    )
    dry_run = forms.BooleanField(
        label=gettext_lazy("Dry run: check every row and write nothing"), required=False
    )
    atomic = forms.BooleanField(
        label=gettext_lazy("All or nothing: if any row is rejected, write no row"),
        required=False,
    )

    def __init__(self, *args: Any, actor: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ChoiceField, self.fields["kind"])
        field.choices = [(kind.name, kind_label(kind)) for kind in importable_kinds(actor)]

    def clean_file(self) -> UploadedFile[bytes]:
        upload = cast("UploadedFile[bytes]", self.cleaned_data["file"])
        problem = upload_problem(upload)
        if problem:
            raise forms.ValidationError(problem)
        return upload


def start_import(
    kind: RecordKind, upload: UploadedFile[bytes], actor: User, *, dry_run: bool, atomic: bool
) -> int | None:
    """Import the upload as rows of ``kind``; the run's id, or None if a background import has
    not recorded its run yet (it will appear in the list of imports)."""
    path = _keep_privately(upload)
    file_name = Path(upload.name or path.name).name
    try:
        marker = _RunMarker.before(actor, path)
    except BaseException:
        path.unlink(missing_ok=True)
        raise

    def work() -> None:
        import_file(
            kind,
            path,
            User.objects.get(pk=actor.pk),
            file_name=file_name,
            dry_run=dry_run,
            atomic=atomic,
        )

    if _small(path):
        _import_then_delete(work, path, marker)
        return marker.find()
    thread = threading.Thread(
        target=_run_in_background,
        args=(work, path, marker, translation.get_language()),
        name=f"lantern-import-{actor.pk}",
    )
    with _background_lock:
        _background.add(thread)
    thread.start()
    return marker.wait(thread)


def _small(path: Path) -> bool:
    with path.open("rb") as stream:
        compressed = stream.read(len(XLSX_MAGIC)) == XLSX_MAGIC
    size = path.stat().st_size * (XLSX_COMPRESSION if compressed else 1)
    return size <= IN_REQUEST_BYTES


def _keep_privately(upload: UploadedFile[bytes]) -> Path:
    """Copy the upload to a new file only Lantern's own user may read; close the upload."""
    suffix = Path(upload.name or "").suffix.lower()
    descriptor, name = tempfile.mkstemp(
        prefix="lantern-import-", suffix=suffix, dir=settings.FILE_UPLOAD_TEMP_DIR
    )
    path = Path(name)
    try:
        with os.fdopen(descriptor, "wb") as stream:
            for chunk in upload.chunks():
                stream.write(chunk)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    finally:
        upload.close()
    return path


_background: set[threading.Thread] = set()
_background_lock = threading.Lock()


class _RunMarker:
    """How a background import's run is recognised before its thread has said anything."""

    def __init__(self, *, actor_id: int, digest: str, after: int) -> None:
        self.actor_id, self.digest, self.after = actor_id, digest, after

    @classmethod
    def before(cls, actor: User, path: Path) -> _RunMarker:
        """The marker of the run an import of ``path`` by ``actor`` is about to make."""
        earlier = ImportRun.objects.filter(imported_by=actor).aggregate(last=Max("pk"))["last"]
        return cls(actor_id=actor.pk, digest=file_digest(path), after=earlier or 0)

    def find(self) -> int | None:
        found: int | None = (
            ImportRun.objects.filter(
                imported_by_id=self.actor_id, file_sha256=self.digest, pk__gt=self.after
            )
            .order_by("pk")
            .values_list("pk", flat=True)
            .first()
        )
        return found

    def wait(self, thread: threading.Thread) -> int | None:
        # An import done in a moment is shown done, rather than as running a moment ago.
        thread.join(MAY_FINISH_WITHIN)
        deadline = time.monotonic() + RUN_APPEARS_WITHIN
        pause = 0.02
        while time.monotonic() < deadline:
            finished = not thread.is_alive()
            try:
                found = self.find()
            except DatabaseError:
                # SQLite may hold the table while the import writes a batch; ask again.
                found = None
            if found is not None or finished:
                return found
            time.sleep(pause)
            pause = min(pause * 2, 0.5)
        return None


def _import_then_delete(work: Callable[[], None], path: Path, marker: _RunMarker) -> None:
    try:
        work()
    except ImportNotAllowed:
        raise
    except Exception as error:
        # The class alone: a database error's text may quote a row's values.
        logger.error("An import stopped: %s", type(error).__name__)
        _record_stop(marker)
    finally:
        path.unlink(missing_ok=True)


def _run_in_background(
    work: Callable[[], None], path: Path, marker: _RunMarker, language: str
) -> None:
    try:
        with translation.override(language):
            _import_then_delete(work, path, marker)
    finally:
        connection.close()
        with _background_lock:
            _background.discard(threading.current_thread())


def _record_stop(marker: _RunMarker) -> None:
    run_id = marker.find()
    if run_id is None:
        return
    run = ImportRun.objects.filter(pk=run_id, status=RunStatus.RUNNING).first()
    if run is None:
        return
    held = run.dry_run or run.atomic
    ImportRun.objects.filter(pk=run_id, status=RunStatus.RUNNING).update(
        status=RunStatus.NOTHING_WRITTEN if held else RunStatus.FAILED,
        finished_at=timezone.now(),
    )
    ImportProblem.objects.create(
        run_id=run_id,
        row=0,
        message=_("The import stopped unexpectedly; nothing was written. Import the file again.")
        if held
        else _(
            "The import stopped unexpectedly. The rows counted were written; import the file "
            "again to take the rest (rows already written are found unchanged)."
        ),
    )


def wait_for_background_imports(timeout: float | None = None) -> None:
    """Wait for the imports running in this process to finish. (A stopping process waits for
    them anyway: their threads are not daemons.)"""
    with _background_lock:
        running = list(_background)
    for thread in running:
        thread.join(timeout)
