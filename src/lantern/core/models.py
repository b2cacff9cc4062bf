"""Organisations, users and roles, and the reference data a jurisdiction pack provides."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

LANGUAGE_CODES = ("en", "az", "ru")


def _in_current_language(obj: object, prefix: str) -> str:
    """Pick ``<prefix>_<lang>`` for the active language, falling back to English."""
    language = (get_language() or "en").split("-")[0]
    if language not in LANGUAGE_CODES:
        language = "en"
    value: str = getattr(obj, f"{prefix}_{language}") or getattr(obj, f"{prefix}_en")
    return value


class Jurisdiction(models.Model):
    """The state this installation serves, as described by its loaded pack."""

    code = models.CharField(max_length=16, unique=True)
    name_en = models.CharField(max_length=200)
    name_az = models.CharField(max_length=200)
    name_ru = models.CharField(max_length=200)
    time_zone = models.CharField(max_length=64)
    reference_prefix = models.CharField(max_length=8)
    reveal_alert_per_hour = models.PositiveIntegerField(default=20)
    # Public statistics show counts from 1 up to this as ``suppressed_text``.
    disclosure_threshold = models.PositiveIntegerField(default=4)
    suppressed_text = models.CharField(max_length=16, default="<5")
    # ISO 3166 alpha-2 code of the jurisdiction's own country: its citizens are not foreigners.
    country = models.CharField(max_length=2, default="")
    currency = models.CharField(max_length=3)
    # ISO weekday numbers (1 = Monday) of the working week, e.g. "12345".
    working_days = models.CharField(max_length=7)
    immediately_means = models.CharField(max_length=32)
    immediately_hours = models.PositiveIntegerField(null=True, blank=True)
    pack_version = models.CharField(max_length=32)
    pack_checksum = models.CharField(max_length=64)
    loaded_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return _in_current_language(self, "name")

    def working_weekdays(self) -> set[int]:
        return {int(day) for day in self.working_days}


class PackLoad(models.Model):
    """One load of a jurisdiction pack: what changed, when and by whom."""

    jurisdiction_code = models.CharField(max_length=16)
    version = models.CharField(max_length=32)
    checksum = models.CharField(max_length=64)
    loaded_at = models.DateTimeField(db_index=True)
    loaded_by = models.CharField(max_length=150)
    created = models.PositiveIntegerField()
    updated = models.PositiveIntegerField()
    unchanged = models.PositiveIntegerField()
    retired = models.PositiveIntegerField()

    class Meta:
        ordering = ["-loaded_at"]

    def __str__(self) -> str:
        return f"{self.jurisdiction_code} {self.version} at {self.loaded_at:%Y-%m-%d %H:%M}"


class CodeList(models.Model):
    code = models.SlugField(max_length=64, unique=True)
    name_en = models.CharField(max_length=200)
    name_az = models.CharField(max_length=200)
    name_ru = models.CharField(max_length=200)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return _in_current_language(self, "name")


class CodeEntry(models.Model):
    code_list = models.ForeignKey(CodeList, on_delete=models.PROTECT, related_name="entries")
    code = models.CharField(max_length=64)
    label_en = models.CharField(max_length=300)
    label_az = models.CharField(max_length=300)
    label_ru = models.CharField(max_length=300)
    # Other spellings the source documents and imports use (e.g. "Turkiye" for TR).
    aliases = models.JSONField(default=list, blank=True)
    # Set where the sources leave the entry unconfirmed (e.g. an article whose title they omit).
    needs_review = models.BooleanField(default=False)
    note = models.TextField(blank=True)
    sort_order = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["code_list", "sort_order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["code_list", "code"], name="code_entry_unique_in_list")
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return _in_current_language(self, "label")


class OrganisationKind(models.TextChoices):
    SPECIALISED_POLICE = "specialised_police", _("Specialised police authority")
    STATE_BODY = "state_body", _("State body")
    LOCAL_AUTHORITY = "local_authority", _("Local authority")
    SHELTER = "shelter", _("Shelter")
    ASSISTANCE_CENTRE = "assistance_centre", _("Assistance centre")
    NGO = "ngo", _("Non-governmental organisation")
    COURT = "court", _("Court")
    PROSECUTION = "prosecution", _("Prosecution")
    HOTLINE = "hotline", _("Hotline")
    MEDICAL = "medical", _("Medical institution")
    EMPLOYMENT = "employment", _("Employment service")
    EDUCATION = "education", _("Education")
    GUARDIANSHIP = "guardianship", _("Guardianship authority")
    INTERNATIONAL = "international", _("International organisation")


class Organisation(models.Model):
    code = models.SlugField(max_length=64, unique=True)
    name_en = models.CharField(max_length=300)
    name_az = models.CharField(max_length=300)
    name_ru = models.CharField(max_length=300)
    aliases = models.JSONField(default=list, blank=True)
    kind = models.CharField(max_length=32, choices=OrganisationKind.choices, db_index=True)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    region = models.ForeignKey(
        CodeEntry,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"code_list__code": "regions"},
    )
    phone = models.CharField(max_length=40, blank=True)
    website = models.CharField(max_length=200, blank=True)
    # Organisations from the pack are updated by the next pack load; local ones are not.
    from_pack = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name_en"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return _in_current_language(self, "name")


class Role(models.TextChoices):
    CASEWORKER = "caseworker", _("Case worker")
    SUPERVISOR = "supervisor", _("Supervisor")
    INVESTIGATOR = "investigator", _("Investigator")
    HOTLINE_OPERATOR = "hotline_operator", _("Hotline operator")
    STATISTICIAN = "statistician", _("Statistician")
    COORDINATOR = "coordinator", _("National coordinator's secretariat")
    AUDITOR = "auditor", _("Auditor")
    ADMIN = "admin", _("Administrator")


class User(AbstractUser):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="users"
    )
    preferred_language = models.CharField(max_length=8, blank=True)

    def role_codes(self) -> frozenset[str]:
        cached: frozenset[str] | None = getattr(self, "_role_codes", None)
        if cached is None:
            cached = frozenset(self.roles.values_list("role", flat=True))
            self._role_codes = cached
        return cached

    def forget_cached_roles(self) -> None:
        self.__dict__.pop("_role_codes", None)


class UserRole(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(max_length=32, choices=Role.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="user_role_unique")]

    def __str__(self) -> str:
        return self.get_role_display()


class DurationUnit(models.TextChoices):
    CALENDAR_HOURS = "calendar_hours", _("calendar hours")
    CALENDAR_DAYS = "calendar_days", _("calendar days")
    WORKING_DAYS = "working_days", _("working days")
    IMMEDIATELY = "immediately", _("immediately")


class DeadlineRule(models.Model):
    code = models.SlugField(max_length=64, unique=True)
    name_en = models.CharField(max_length=300)
    name_az = models.CharField(max_length=300)
    name_ru = models.CharField(max_length=300)
    duration_amount = models.PositiveIntegerField(null=True, blank=True)
    duration_unit = models.CharField(max_length=20, choices=DurationUnit.choices)
    legal_basis_en = models.TextField()
    legal_basis_az = models.TextField()
    legal_basis_ru = models.TextField()
    source = models.CharField(max_length=100, blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return _in_current_language(self, "name")

    @property
    def legal_basis(self) -> str:
        return _in_current_language(self, "legal_basis")


class BenefitType(models.Model):
    code = models.SlugField(max_length=64, unique=True)
    name_en = models.CharField(max_length=300)
    name_az = models.CharField(max_length=300)
    name_ru = models.CharField(max_length=300)
    currency = models.CharField(max_length=3)
    # Paid at most once to a person (e.g. the one-time allowance).
    once_per_person = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return _in_current_language(self, "name")

    def rate_on(self, day: datetime.date) -> BenefitRate | None:
        """The rate in force on ``day``: the latest one that took effect on or before it."""
        return self.rates.filter(effective_from__lte=day).order_by("-effective_from").first()


class BenefitRate(models.Model):
    benefit = models.ForeignKey(BenefitType, on_delete=models.CASCADE, related_name="rates")
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    effective_from = models.DateField()
    legal_basis_en = models.TextField()
    legal_basis_az = models.TextField()
    legal_basis_ru = models.TextField()

    class Meta:
        ordering = ["benefit", "effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["benefit", "effective_from"], name="benefit_rate_unique_start"
            ),
            models.CheckConstraint(
                condition=models.Q(amount__gte=0), name="benefit_rate_amount_nonnegative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.amount} {self.benefit.currency} from {self.effective_from}"

    @property
    def legal_basis(self) -> str:
        return _in_current_language(self, "legal_basis")

    @property
    def amount_decimal(self) -> Decimal:
        return Decimal(self.amount)


class AgeBandScheme(models.Model):
    code = models.SlugField(max_length=64, unique=True)
    name_en = models.CharField(max_length=300)
    name_az = models.CharField(max_length=300)
    name_ru = models.CharField(max_length=300)
    resolution_en = models.TextField()
    resolution_az = models.TextField()
    resolution_ru = models.TextField()

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return _in_current_language(self, "name")

    def band_for_age(self, age: int) -> AgeBand | None:
        return (
            self.bands.filter(min_age__lte=age)
            .filter(models.Q(max_age__gt=age) | models.Q(max_age__isnull=True))
            .first()
        )


class AgeBand(models.Model):
    """Ages from ``min_age`` (inclusive) up to ``max_age`` (exclusive; open-ended when null)."""

    scheme = models.ForeignKey(AgeBandScheme, on_delete=models.CASCADE, related_name="bands")
    code = models.SlugField(max_length=64)
    label_en = models.CharField(max_length=100)
    label_az = models.CharField(max_length=100)
    label_ru = models.CharField(max_length=100)
    min_age = models.PositiveIntegerField()
    max_age = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["scheme", "min_age"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "code"], name="age_band_unique_code"),
            models.UniqueConstraint(fields=["scheme", "min_age"], name="age_band_unique_start"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return _in_current_language(self, "label")


class PublicHoliday(models.Model):
    """A non-working day of the jurisdiction (holidays and the days the government moves)."""

    date = models.DateField(unique=True)
    name_en = models.CharField(max_length=200)
    name_az = models.CharField(max_length=200)
    name_ru = models.CharField(max_length=200)

    class Meta:
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date}: {self.name}"

    @property
    def name(self) -> str:
        return _in_current_language(self, "name")


class ExtraWorkingDay(models.Model):
    """A day off the normal working week that the government made a working day."""

    date = models.DateField(unique=True)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["date"]

    def __str__(self) -> str:
        return str(self.date)


class IndicatorStrength(models.TextChoices):
    STRONG = "strong", _("strong")
    MEDIUM = "medium", _("medium")
    WEAK = "weak", _("weak")


class Questionnaire(models.Model):
    """An indicator questionnaire from the pack (e.g. adult, child)."""

    code = models.SlugField(max_length=64, unique=True)
    name_en = models.CharField(max_length=300)
    name_az = models.CharField(max_length=300)
    name_ru = models.CharField(max_length=300)
    audience = models.CharField(max_length=8)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return _in_current_language(self, "name")


class QuestionCategory(models.Model):
    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="categories"
    )
    code = models.SlugField(max_length=64)
    label_en = models.CharField(max_length=200)
    label_az = models.CharField(max_length=200)
    label_ru = models.CharField(max_length=200)
    sort_order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["questionnaire", "sort_order"]
        constraints = [
            models.UniqueConstraint(
                fields=["questionnaire", "code"], name="question_category_unique"
            )
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return _in_current_language(self, "label")


class Question(models.Model):
    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="questions"
    )
    code = models.SlugField(max_length=64)
    category = models.ForeignKey(
        QuestionCategory, on_delete=models.PROTECT, related_name="questions"
    )
    strength = models.CharField(max_length=8, choices=IndicatorStrength.choices)
    text_en = models.TextField()
    text_az = models.TextField()
    text_ru = models.TextField()
    sort_order = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["questionnaire", "sort_order"]
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "code"], name="question_unique")
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def text(self) -> str:
        return _in_current_language(self, "text")


class ScreeningRule(models.Model):
    """One result of a questionnaire and when it applies; rules are tried in order."""

    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="rules")
    code = models.SlugField(max_length=64)
    position = models.PositiveIntegerField()
    label_en = models.CharField(max_length=200)
    label_az = models.CharField(max_length=200)
    label_ru = models.CharField(max_length=200)
    advice_en = models.TextField()
    advice_az = models.TextField()
    advice_ru = models.TextField()
    # Alternatives, each a dict of minimum 'yes' counts: {"strong": 1, "medium": 2}; empty = otherwise.
    when_any = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["questionnaire", "position"]
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "code"], name="screening_rule_unique")
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def label(self) -> str:
        return _in_current_language(self, "label")

    @property
    def advice(self) -> str:
        return _in_current_language(self, "advice")
