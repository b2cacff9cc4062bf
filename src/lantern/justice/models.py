"""Criminal proceedings: detected facts, criminal cases, accused and wanted persons, judgments.

Victims are the register's cases, linked by reference; accused persons are a register of
their own whose identity is sealed in the vault exactly like a victim's. Every counted
attribute is a typed column holding a code from the jurisdiction pack, so that GRETA
Tables 9 and 10 come from these rows.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from lantern.core.models import Organisation
from lantern.register.models import Case


class CriminalCaseStatus(models.TextChoices):
    INVESTIGATION = "investigation", _("Under investigation")
    SENT_TO_COURT = "sent_to_court", _("Sent to court")
    JUDGMENT = "judgment", _("Judgment delivered")
    APPEAL = "appeal", _("On appeal")
    FINAL = "final", _("Judgment final")
    SUSPENDED = "suspended", _("Suspended")
    TERMINATED = "terminated", _("Terminated")


class VictimRole(models.TextChoices):
    VICTIM = "victim", _("Victim")
    WITNESS = "witness", _("Witness")


class ProceduralRole(models.TextChoices):
    SUSPECT = "suspect", _("Suspect")
    ACCUSED = "accused", _("Accused")


class WantedScope(models.TextChoices):
    LOCAL = "local", _("Wanted locally")
    INTERNATIONAL = "international", _("Wanted internationally (Interpol)")


class CourtInstance(models.TextChoices):
    FIRST = "first", _("First instance")
    APPEAL = "appeal", _("Appeal")
    CASSATION = "cassation", _("Cassation")


class CriminalCase(models.Model):
    number = models.CharField(max_length=64, unique=True)
    initiating_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="initiated_criminal_cases"
    )
    initiated_on = models.DateField(db_index=True)
    status = models.CharField(
        max_length=16,
        choices=CriminalCaseStatus.choices,
        default=CriminalCaseStatus.INVESTIGATION,
        db_index=True,
    )
    # Why a case was suspended or terminated; empty otherwise.
    status_reason = models.CharField(max_length=500, blank=True)
    sent_to_court_on = models.DateField(null=True, blank=True, db_index=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        ordering = ["-initiated_on", "-pk"]

    def __str__(self) -> str:
        return self.number


class CriminalCaseArticle(models.Model):
    criminal_case = models.ForeignKey(
        CriminalCase, on_delete=models.CASCADE, related_name="articles"
    )
    code = models.CharField(max_length=32, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["criminal_case", "code"], name="criminal_article_unique"
            )
        ]

    def __str__(self) -> str:
        return self.code


class CriminalCaseForm(models.Model):
    criminal_case = models.ForeignKey(
        CriminalCase, on_delete=models.CASCADE, related_name="exploitation_forms"
    )
    code = models.CharField(max_length=64, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["criminal_case", "code"], name="criminal_form_unique")
        ]

    def __str__(self) -> str:
        return self.code


class CriminalCaseStatusChange(models.Model):
    criminal_case = models.ForeignKey(
        CriminalCase, on_delete=models.CASCADE, related_name="status_changes"
    )
    from_status = models.CharField(max_length=16, choices=CriminalCaseStatus.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=CriminalCaseStatus.choices)
    changed_on = models.DateField()
    reason = models.CharField(max_length=500, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["changed_on", "pk"]

    def __str__(self) -> str:
        return f"{self.from_status or '—'} → {self.to_status}"


class CriminalCaseVictim(models.Model):
    """A register case taking part in a criminal case. It keeps the register case from deletion."""

    criminal_case = models.ForeignKey(
        CriminalCase, on_delete=models.CASCADE, related_name="victims"
    )
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="criminal_case_links")
    role = models.CharField(max_length=16, choices=VictimRole.choices, default=VictimRole.VICTIM)
    linked_at = models.DateTimeField()
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["criminal_case", "case"], name="criminal_victim_unique")
        ]

    def __str__(self) -> str:
        return f"{self.case_id} in {self.criminal_case_id}"


class AccusedPerson(models.Model):
    """A suspect or accused person. The name, exact birth date and documents are in the vault."""

    reference = models.CharField(max_length=32, unique=True)
    sex = models.CharField(max_length=32, blank=True, db_index=True)
    birth_year = models.PositiveIntegerField(null=True, blank=True, db_index=True)
    birth_month = models.PositiveSmallIntegerField(null=True, blank=True)
    citizenship = models.CharField(max_length=2, db_index=True)
    recording_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-recorded_at", "-pk"]

    def __str__(self) -> str:
        return self.reference


class AccusedIdentity(models.Model):
    """An accused person's identity, sealed with the same vault keys as victims' identities."""

    accused = models.OneToOneField(
        AccusedPerson, on_delete=models.CASCADE, primary_key=True, related_name="identity"
    )
    key_id = models.CharField(max_length=32, db_index=True)
    sealed = models.BinaryField()
    updated_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"identity of {self.accused_id}"


class AccusedNameIndexEntry(models.Model):
    accused = models.ForeignKey(AccusedPerson, on_delete=models.CASCADE, related_name="name_index")
    digest = models.CharField(max_length=64, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["accused", "digest"], name="accused_name_index_unique")
        ]

    def __str__(self) -> str:
        return self.digest[:8]


class CriminalCaseAccused(models.Model):
    criminal_case = models.ForeignKey(
        CriminalCase, on_delete=models.CASCADE, related_name="accused"
    )
    accused = models.ForeignKey(
        AccusedPerson, on_delete=models.PROTECT, related_name="criminal_case_links"
    )
    role = models.CharField(
        max_length=16, choices=ProceduralRole.choices, default=ProceduralRole.ACCUSED
    )
    sent_to_court = models.BooleanField(default=False)
    linked_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["criminal_case", "accused"], name="criminal_accused_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.accused_id} in {self.criminal_case_id}"


class WantedNotice(models.Model):
    """A person on the local or international (Interpol) wanted list, until detained or withdrawn."""

    accused = models.ForeignKey(AccusedPerson, on_delete=models.PROTECT, related_name="wanted")
    scope = models.CharField(max_length=16, choices=WantedScope.choices, db_index=True)
    offence = models.CharField(max_length=64, db_index=True)
    interpol_notice = models.CharField(max_length=64, blank=True)
    believed_country = models.CharField(max_length=2, blank=True, db_index=True)
    listed_on = models.DateField(db_index=True)
    detained_on = models.DateField(null=True, blank=True, db_index=True)
    handed_to_prosecution = models.BooleanField(default=False)
    withdrawn_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-listed_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.scope} {self.offence} since {self.listed_on}"


class ExtraditionRequest(models.Model):
    notice = models.ForeignKey(
        WantedNotice, on_delete=models.CASCADE, related_name="extradition_requests"
    )
    requested_country = models.CharField(max_length=2)
    sent_on = models.DateField()
    answered_on = models.DateField(null=True, blank=True)
    outcome = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["sent_on", "pk"]

    def __str__(self) -> str:
        return f"{self.requested_country} {self.sent_on}"


class DetectedFact(models.Model):
    """An operational finding: a trafficking, forced-labour, forgery or prostitution fact."""

    reference = models.CharField(max_length=32, unique=True)
    fact_type = models.CharField(max_length=64, db_index=True)
    detected_on = models.DateField(db_index=True)
    detecting_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+"
    )
    through_ict = models.BooleanField(default=False, db_index=True)
    criminal_case = models.ForeignKey(
        CriminalCase, on_delete=models.PROTECT, null=True, blank=True, related_name="facts"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-detected_on", "-pk"]

    def __str__(self) -> str:
        return self.reference


class FactPlatform(models.Model):
    fact = models.ForeignKey(DetectedFact, on_delete=models.CASCADE, related_name="platforms")
    code = models.CharField(max_length=64, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["fact", "code"], name="fact_platform_unique")
        ]

    def __str__(self) -> str:
        return self.code


class FactVictim(models.Model):
    fact = models.ForeignKey(DetectedFact, on_delete=models.CASCADE, related_name="victims")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="detected_facts")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["fact", "case"], name="fact_victim_unique")]

    def __str__(self) -> str:
        return f"{self.case_id} in {self.fact_id}"


class Judgment(models.Model):
    criminal_case = models.ForeignKey(
        CriminalCase, on_delete=models.PROTECT, related_name="judgments"
    )
    court = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    number = models.CharField(max_length=64)
    delivered_on = models.DateField(db_index=True)
    instance = models.CharField(
        max_length=16, choices=CourtInstance.choices, default=CourtInstance.FIRST, db_index=True
    )
    is_final = models.BooleanField(default=False, db_index=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["delivered_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["court", "number"], name="judgment_court_number_unique")
        ]

    def __str__(self) -> str:
        return self.number


class JudgmentAggravation(models.Model):
    judgment = models.ForeignKey(
        Judgment, on_delete=models.CASCADE, related_name="aggravating_circumstances"
    )
    code = models.CharField(max_length=64, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["judgment", "code"], name="judgment_aggravation_unique")
        ]

    def __str__(self) -> str:
        return self.code


class Conviction(models.Model):
    """One person's sentence in a judgment."""

    judgment = models.ForeignKey(Judgment, on_delete=models.CASCADE, related_name="convictions")
    accused = models.ForeignKey(AccusedPerson, on_delete=models.PROTECT, related_name="convictions")
    form_of_exploitation = models.CharField(max_length=64, db_index=True)
    child_victim = models.BooleanField(default=False, db_index=True)
    sentence_type = models.CharField(max_length=32, db_index=True)
    duration_months = models.PositiveSmallIntegerField(null=True, blank=True)
    property_confiscated = models.BooleanField(default=False)
    legal_person_liable = models.BooleanField(default=False)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["judgment", "accused"], name="conviction_unique")
        ]

    def __str__(self) -> str:
        return f"{self.accused_id}: {self.sentence_type}"


class ConvictionArticle(models.Model):
    conviction = models.ForeignKey(Conviction, on_delete=models.CASCADE, related_name="articles")
    code = models.CharField(max_length=32)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["conviction", "code"], name="conviction_article_unique")
        ]

    def __str__(self) -> str:
        return self.code
