"""The confidential register: persons, their cases, decisions, screenings and seals.

Every reportable attribute is a typed, indexed column holding a code from the
jurisdiction pack. Identity (names, exact birth date, documents, contacts)
never sits in these tables: it is sealed in ``PersonIdentity`` and searched
through ``NameIndexEntry``'s keyed hashes.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from lantern.core.models import Organisation, Question, Questionnaire


class BirthDatePrecision(models.TextChoices):
    EXACT = "exact", _("exact date")
    MONTH = "month", _("month and year")
    YEAR = "year", _("year only")
    ESTIMATED = "estimated", _("estimated age")
    UNKNOWN = "unknown", _("unknown")


class CaseStatus(models.TextChoices):
    POTENTIAL = "potential", _("Potential victim")
    PRESUMED = "presumed", _("Presumed victim")
    IDENTIFIED = "identified", _("Identified victim")
    NOT_IDENTIFIED = "not_identified", _("Not identified")
    CLOSED = "closed", _("Closed")


class IdentificationMethod(models.TextChoices):
    PROACTIVE = "proactive", _("Proactive")
    REACTIVE = "reactive", _("Reactive")


class IdentificationOutcome(models.TextChoices):
    IDENTIFIED = "identified", _("Identified as a victim")
    NOT_IDENTIFIED = "not_identified", _("Not identified as a victim")


class ReferenceSequence(models.Model):
    """The last number given out per prefix and year; one row locked per allocation."""

    prefix = models.CharField(max_length=8)
    year = models.PositiveIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["prefix", "year"], name="reference_sequence_unique")
        ]

    def __str__(self) -> str:
        return f"{self.prefix}-{self.year}: {self.last_number}"


class Person(models.Model):
    reference = models.CharField(max_length=32, unique=True)
    sex = models.CharField(max_length=32, blank=True, db_index=True)
    birth_date_precision = models.CharField(
        max_length=16, choices=BirthDatePrecision.choices, default=BirthDatePrecision.UNKNOWN
    )
    # Year and month are analytic; the exact day, if known, is identity and lives in the vault.
    birth_year = models.PositiveIntegerField(null=True, blank=True, db_index=True)
    birth_month = models.PositiveSmallIntegerField(null=True, blank=True)
    estimated_age = models.PositiveSmallIntegerField(null=True, blank=True)
    age_estimated_on = models.DateField(null=True, blank=True)
    citizenship = models.CharField(max_length=2, db_index=True)
    region = models.CharField(max_length=64, blank=True, db_index=True)
    has_disability = models.BooleanField(null=True, blank=True)
    has_children = models.BooleanField(null=True, blank=True)
    registering_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+"
    )
    registered_at = models.DateTimeField(db_index=True)
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords(excluded_fields=["version"])

    def __str__(self) -> str:
        return self.reference


class PersonIdentity(models.Model):
    """A person's identity, sealed with AES-256-GCM; ``key_id`` names the vault key used."""

    person = models.OneToOneField(
        Person, on_delete=models.CASCADE, primary_key=True, related_name="identity"
    )
    key_id = models.CharField(max_length=32, db_index=True)
    sealed = models.BinaryField()
    updated_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"identity of {self.person_id}"


class NameIndexEntry(models.Model):
    """A keyed hash of one normalised name token: lets a search find a person without any name stored."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="name_index")
    digest = models.CharField(max_length=64, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "digest"], name="name_index_unique")
        ]

    def __str__(self) -> str:
        return self.digest[:8]


class Case(models.Model):
    """One person's episode, from first contact to closure."""

    reference = models.CharField(max_length=32, unique=True)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="cases")
    status = models.CharField(max_length=16, choices=CaseStatus.choices, db_index=True)
    registering_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="registered_cases"
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    registered_at = models.DateTimeField(db_index=True)
    contact_channel = models.CharField(max_length=64, db_index=True)
    exploitation_scope = models.CharField(max_length=32, blank=True, db_index=True)
    # Month precision: the first day of the month.
    exploitation_from = models.DateField(null=True, blank=True)
    exploitation_to = models.DateField(null=True, blank=True)
    recruitment_channel = models.CharField(max_length=64, blank=True)
    online_platform = models.CharField(max_length=64, blank=True)
    is_unaccompanied = models.BooleanField(default=False)
    identified_on = models.DateField(null=True, blank=True, db_index=True)
    identifying_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="identified_cases",
    )
    identification_method = models.CharField(
        max_length=16, choices=IdentificationMethod.choices, blank=True
    )
    # Derived when the case is saved, and stored so that statistics never recompute them.
    child_at_registration = models.BooleanField(default=False, db_index=True)
    child_at_identification = models.BooleanField(null=True, blank=True, db_index=True)
    age_at_identification = models.PositiveSmallIntegerField(null=True, blank=True, db_index=True)
    unaccompanied_foreign_minor = models.BooleanField(default=False, db_index=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField()
    history = HistoricalRecords(excluded_fields=["version", "updated_at"])

    class Meta:
        indexes = [
            models.Index(
                fields=["registering_organisation", "-registered_at"], name="case_org_registered"
            ),
            models.Index(fields=["status", "registered_at"], name="case_status_registered"),
        ]

    def __str__(self) -> str:
        return self.reference


class CaseExploitationForm(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="exploitation_forms")
    code = models.CharField(max_length=64, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "code"], name="case_form_unique")]

    def __str__(self) -> str:
        return self.code


class CaseExploitationCountry(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="exploitation_countries")
    country = models.CharField(max_length=2, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "country"], name="case_country_unique")
        ]

    def __str__(self) -> str:
        return self.country


class CaseControlMeans(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="control_means")
    code = models.CharField(max_length=64, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "code"], name="case_control_unique")]

    def __str__(self) -> str:
        return self.code


class CaseStatusChange(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=16, choices=CaseStatus.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=CaseStatus.choices)
    changed_at = models.DateTimeField(db_index=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=500)

    class Meta:
        ordering = ["changed_at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_status or '—'} → {self.to_status}"


class IdentificationDecision(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="decisions")
    decided_on = models.DateField()
    deciding_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    method = models.CharField(max_length=16, choices=IdentificationMethod.choices)
    outcome = models.CharField(max_length=16, choices=IdentificationOutcome.choices)
    note = models.CharField(max_length=1000, blank=True)
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["decided_on", "pk"]

    def __str__(self) -> str:
        return f"{self.outcome} on {self.decided_on}"


class Disclosure(models.TextChoices):
    REFERENCE_ONLY = "reference_only", _("Reference only")
    SUMMARY = "summary", _("Non-identifying summary")
    IDENTITY = "identity", _("Identity")


class CaseAccessGrant(models.Model):
    """An organisation's need to know a case while a transfer or referral to it is open.

    The referral mechanism opens and closes grants; the access policy reads them. What the
    organisation may see follows the victim's consent (``disclosure``); after a completed
    referral the grant stays, read-only.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="access_grants")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="case_grants"
    )
    reason = models.CharField(max_length=64)
    disclosure = models.CharField(
        max_length=16, choices=Disclosure.choices, default=Disclosure.SUMMARY
    )
    read_only = models.BooleanField(default=False)
    opened_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True, db_index=True)

    def __str__(self) -> str:
        return f"{self.organisation_id} → {self.case_id} ({self.reason})"


class Seal(models.Model):
    """A court or prosecution decision suspending access to a person's identity (Law Art. 17.3)."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="seals")
    authority = models.CharField(max_length=300)
    decision_number = models.CharField(max_length=100)
    decision_date = models.DateField()
    scope = models.CharField(max_length=500)
    permitted_organisations = models.ManyToManyField(Organisation, related_name="+")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()
    lifted_at = models.DateTimeField(null=True, blank=True, db_index=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    lifting_decision = models.CharField(max_length=300, blank=True)

    def __str__(self) -> str:
        return f"{self.decision_number} of {self.decision_date}"


class ScreeningAnswerValue(models.TextChoices):
    YES = "yes", _("Yes")
    NO = "no", _("No")
    UNKNOWN = "unknown", _("Unknown")


class Screening(models.Model):
    """Answers to an indicator questionnaire and the result its rules give. Never a decision."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="screenings")
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.PROTECT, related_name="+")
    screened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    screened_at = models.DateTimeField(db_index=True)
    result = models.CharField(max_length=64, db_index=True)
    rule = models.CharField(max_length=300)
    strong_yes = models.PositiveSmallIntegerField()
    medium_yes = models.PositiveSmallIntegerField()
    weak_yes = models.PositiveSmallIntegerField()
    categories_yes = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["screened_at", "pk"]

    def __str__(self) -> str:
        return f"{self.questionnaire_id}: {self.result}"


class ScreeningAnswer(models.Model):
    screening = models.ForeignKey(Screening, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    answer = models.CharField(max_length=8, choices=ScreeningAnswerValue.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["screening", "question"], name="screening_answer_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.question_id}: {self.answer}"
