"""Data brought in from outside the register, and the record of each import.

An external statistical record (a CTDC row) is an anonymous count of one victim from another
source: it has no identity, belongs to no organisation's register and is never a case. It
keeps its source, its release and the row of the file it came from.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lantern.core.models import Organisation


class RunStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    FINISHED = "finished", _("Finished")
    # Nothing was written: a dry run, an atomic import with a rejected row, or a refused file.
    NOTHING_WRITTEN = "nothing_written", _("Nothing written")
    REFUSED = "refused", _("File refused")
    FAILED = "failed", _("Failed")


class ImportRun(models.Model):
    """One import of one file: who, when, which file (name and SHA-256), what became of it."""

    kind = models.CharField(max_length=32)
    file_name = models.CharField(max_length=255)
    file_sha256 = models.CharField(max_length=64, db_index=True)
    source = models.CharField(max_length=32, blank=True)
    release = models.CharField(max_length=64, blank=True)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    dry_run = models.BooleanField(default=False)
    rows = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    # A native import's register, how its file was read and how it ended.
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated = models.PositiveIntegerField(default=0)
    atomic = models.BooleanField(default=False)
    file_format = models.CharField(max_length=8, blank=True)
    encoding = models.CharField(max_length=16, blank=True)
    separator = models.CharField(max_length=4, blank=True)
    status = models.CharField(max_length=16, choices=RunStatus.choices, default=RunStatus.FINISHED)

    class Meta:
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.kind} {self.file_name}"


class ImportProblem(models.Model):
    """Why one row (or the whole file, row 0) was not taken: the column, the value, the reason."""

    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="problems")
    row = models.PositiveIntegerField()
    column = models.CharField(max_length=128, blank=True)
    value = models.CharField(max_length=200, blank=True)
    message = models.CharField(max_length=500)

    class Meta:
        ordering = ["row", "pk"]

    def __str__(self) -> str:
        return f"row {self.row}: {self.message}"


class ExternalRecord(models.Model):
    """One anonymous victim record of an external source, for statistics only."""

    source = models.CharField(max_length=32)
    release = models.CharField(max_length=64)
    source_row = models.PositiveIntegerField()
    imported_by = models.ForeignKey(ImportRun, on_delete=models.PROTECT, related_name="records")
    year_of_registration = models.PositiveSmallIntegerField(null=True, blank=True)
    data_source = models.CharField(max_length=32, blank=True)
    gender = models.CharField(max_length=32, blank=True)
    age_band = models.CharField(max_length=16, blank=True)
    child = models.BooleanField(null=True)
    citizenship = models.CharField(max_length=2, blank=True)
    country_of_exploitation = models.CharField(max_length=2, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["source", "release", "source_row"], name="external_record_once"
            )
        ]
        indexes = [models.Index(fields=["source", "year_of_registration"], name="external_year")]

    def __str__(self) -> str:
        return f"{self.source} {self.release} row {self.source_row}"


class ExternalExploitation(models.Model):
    """A form of exploitation of an external record (a record may have several)."""

    record = models.ForeignKey(ExternalRecord, on_delete=models.CASCADE, related_name="forms")
    code = models.CharField(max_length=32)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["record", "code"], name="external_form_once")
        ]

    def __str__(self) -> str:
        return self.code


class ExternalMeansOfControl(models.Model):
    """A means of control used on the victim of an external record (several per record)."""

    record = models.ForeignKey(
        ExternalRecord, on_delete=models.CASCADE, related_name="means_of_control"
    )
    code = models.CharField(max_length=48)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["record", "code"], name="external_control_once")
        ]

    def __str__(self) -> str:
        return self.code


class SourceRecord(models.Model):
    """A record that came from another system: its ID there, and the imports that made it.

    An organisation's source IDs are unique per kind, so importing a file again finds every
    record it made; ``digest`` is the row as last imported, so an unchanged row changes nothing.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=32)
    source_id = models.CharField(max_length=64)
    object_id = models.PositiveBigIntegerField()
    digest = models.CharField(max_length=64)
    created_by = models.ForeignKey(
        ImportRun, on_delete=models.PROTECT, related_name="created_records"
    )
    changed_by = models.ForeignKey(
        ImportRun, on_delete=models.PROTECT, null=True, blank=True, related_name="changed_records"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "kind", "source_id"], name="source_record_once"
            )
        ]
        indexes = [models.Index(fields=["kind", "object_id"], name="source_record_object")]

    def __str__(self) -> str:
        return f"{self.kind} {self.source_id}"
