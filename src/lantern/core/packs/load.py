"""Load a checked jurisdiction pack into the database: all or nothing, updated by code."""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from lantern.core.models import (
    AgeBand,
    AgeBandScheme,
    BenefitRate,
    BenefitType,
    CodeEntry,
    CodeList,
    DeadlineRule,
    ExtraWorkingDay,
    Jurisdiction,
    Organisation,
    PackLoad,
    PublicHoliday,
    Question,
    QuestionCategory,
    Questionnaire,
    ScreeningRule,
)
from lantern.core.packs.check import Pack, read_pack
from lantern.core.packs.reader import Problem

WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]


class PackInvalid(Exception):
    """The pack has problems; nothing was loaded."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"the pack has {len(problems)} problem(s); nothing was loaded.")
        self.problems = problems


class PackConflict(Exception):
    """The database already holds another jurisdiction."""


@dataclass
class LoadResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    retired: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.retired)

    def count(self, outcome: str) -> None:
        setattr(self, outcome, getattr(self, outcome) + 1)


def pack_checksum(pack: Pack) -> str:
    digest = hashlib.sha256()
    for path in pack.files():
        if path.exists():
            digest.update(path.relative_to(pack.folder).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def load_pack(folder: Path, *, loaded_by: str) -> LoadResult:
    """Check the pack in ``folder`` and, only if it has no problem, write it in one transaction."""
    pack = read_pack(folder)
    if not pack.is_valid:
        raise PackInvalid(pack.problems)
    settings = pack.documents["pack.yaml"].data
    existing = Jurisdiction.objects.exclude(code=settings["code"]).first()
    if existing is not None:
        raise PackConflict(
            f"this database already serves the jurisdiction '{existing.code}'; one installation serves one jurisdiction."
        )
    result = LoadResult()
    with transaction.atomic():
        checksum = pack_checksum(pack)
        _load_jurisdiction(pack, checksum, result)
        regions = _load_code_lists(pack, result)
        _load_organisations(pack, regions, result)
        _load_deadlines(pack, result)
        _load_benefits(pack, result)
        _load_age_bands(pack, result)
        _load_calendar(pack, result)
        _load_questionnaires(pack, result)
        PackLoad.objects.create(
            jurisdiction_code=settings["code"],
            version=settings["version"],
            checksum=checksum,
            loaded_at=timezone.now(),
            loaded_by=loaded_by,
            created=result.created,
            updated=result.updated,
            unchanged=result.unchanged,
            retired=result.retired,
        )
    return result


def _upsert(
    model: type[models.Model], lookup: dict[str, Any], values: dict[str, Any], result: LoadResult
) -> Any:
    """Create or update one row, touching the database only when something differs."""
    instance = model._default_manager.filter(**lookup).first()
    if instance is None:
        result.count("created")
        return model._default_manager.create(**lookup, **values)
    changed = [name for name, value in values.items() if getattr(instance, name) != value]
    if changed:
        for name in changed:
            setattr(instance, name, values[name])
        instance.save(update_fields=changed)
        result.count("updated")
    else:
        result.count("unchanged")
    return instance


def _retire(queryset: models.QuerySet[Any], result: LoadResult) -> None:
    result.retired += queryset.filter(is_active=True).update(is_active=False)


def _labels(prefix: str, labels: dict[str, str]) -> dict[str, str]:
    return {f"{prefix}_{language}": labels[language] for language in ("en", "az", "ru")}


def _load_jurisdiction(pack: Pack, checksum: str, result: LoadResult) -> None:
    settings = pack.documents["pack.yaml"].data
    calendar = pack.documents["calendar.yaml"].data
    immediately = pack.documents["deadlines.yaml"].data.get(
        "immediately", {"means": "end_of_working_day"}
    )
    working_days = "".join(
        str(WEEKDAYS.index(day) + 1) for day in sorted(calendar["working_week"], key=WEEKDAYS.index)
    )
    jurisdiction = Jurisdiction.objects.filter(code=settings["code"]).first()
    values = {
        **_labels("name", settings["name"]),
        "time_zone": settings["time_zone"],
        "reference_prefix": settings["reference_prefix"],
        "currency": settings["currency"],
        "working_days": working_days,
        "immediately_means": immediately["means"],
        "immediately_hours": immediately.get("hours"),
        "pack_version": settings["version"],
        "reveal_alert_per_hour": settings.get("reveal_alert_per_hour", 20),
        "disclosure_threshold": settings.get("disclosure_threshold", 4),
        "suppressed_text": settings.get("suppressed_text", "<5"),
        "country": settings.get("country", settings["code"].upper()),
        "pack_checksum": checksum,
    }
    if jurisdiction is not None and all(
        getattr(jurisdiction, name) == value for name, value in values.items()
    ):
        result.count("unchanged")
        return
    _upsert(
        Jurisdiction, {"code": settings["code"]}, {**values, "loaded_at": timezone.now()}, result
    )


def _load_code_lists(pack: Pack, result: LoadResult) -> dict[str, CodeEntry]:
    regions: dict[str, CodeEntry] = {}
    for list_code, document in pack.code_lists.items():
        data = document.data
        code_list = _upsert(
            CodeList,
            {"code": list_code},
            {**_labels("name", data["name"]), "description": data.get("description", "")},
            result,
        )
        for position, entry in enumerate(data["entries"]):
            row = _upsert(
                CodeEntry,
                {"code_list": code_list, "code": entry["code"]},
                {
                    **_labels("label", entry["label"]),
                    "aliases": entry.get("aliases", []),
                    "needs_review": entry.get("needs_review", False),
                    "note": entry.get("note", ""),
                    "sort_order": position,
                    "is_active": True,
                },
                result,
            )
            if list_code == "regions":
                regions[entry["code"]] = row
        _retire(
            code_list.entries.exclude(code__in=[entry["code"] for entry in data["entries"]]), result
        )
    return regions


def _load_organisations(pack: Pack, regions: dict[str, CodeEntry], result: LoadResult) -> None:
    organisations = pack.documents["organisations.yaml"].data["organisations"]
    rows: dict[str, Organisation] = {}
    outcomes: dict[str, LoadResult] = {}
    for organisation in organisations:
        outcomes[organisation["code"]] = LoadResult()
        rows[organisation["code"]] = _upsert(
            Organisation,
            {"code": organisation["code"]},
            {
                **_labels("name", organisation["name"]),
                "aliases": organisation.get("aliases", []),
                "kind": organisation["kind"],
                "region": regions.get(organisation.get("region", "")),
                "phone": organisation.get("phone", ""),
                "website": organisation.get("website", ""),
                "from_pack": True,
                "is_active": True,
            },
            outcomes[organisation["code"]],
        )
    # Parents are set once every organisation exists, so a pack may list children first.
    for organisation in organisations:
        row = rows[organisation["code"]]
        parent = rows.get(organisation.get("parent", ""))
        outcome = outcomes[organisation["code"]]
        if row.parent_id != (parent.pk if parent else None):
            row.parent = parent
            row.save(update_fields=["parent"])
            if outcome.unchanged:
                outcome.unchanged, outcome.updated = 0, 1
        for name in ("created", "updated", "unchanged"):
            setattr(result, name, getattr(result, name) + getattr(outcome, name))
    _retire(Organisation.objects.filter(from_pack=True).exclude(code__in=rows), result)


def _load_deadlines(pack: Pack, result: LoadResult) -> None:
    deadlines = pack.documents["deadlines.yaml"].data["deadlines"]
    for deadline in deadlines:
        _upsert(
            DeadlineRule,
            {"code": deadline["code"]},
            {
                **_labels("name", deadline["name"]),
                **_labels("legal_basis", deadline["legal_basis"]),
                "duration_amount": deadline["duration"].get("amount"),
                "duration_unit": deadline["duration"]["unit"],
                "source": deadline.get("source", ""),
                "is_active": True,
            },
            result,
        )
    _retire(
        DeadlineRule.objects.exclude(code__in=[deadline["code"] for deadline in deadlines]), result
    )


def _load_benefits(pack: Pack, result: LoadResult) -> None:
    benefits = pack.documents["benefits.yaml"].data["benefits"]
    for benefit in benefits:
        benefit_type = _upsert(
            BenefitType,
            {"code": benefit["code"]},
            {
                **_labels("name", benefit["name"]),
                "currency": benefit["currency"],
                "once_per_person": benefit.get("once_per_person", False),
                "is_active": True,
            },
            result,
        )
        starts = []
        for rate in benefit["rates"]:
            start = datetime.date.fromisoformat(rate["effective_from"])
            starts.append(start)
            _upsert(
                BenefitRate,
                {"benefit": benefit_type, "effective_from": start},
                {
                    "amount": Decimal(str(rate["amount"])).quantize(Decimal("0.01")),
                    **_labels("legal_basis", rate["legal_basis"]),
                },
                result,
            )
        # A rate withdrawn from the pack was never in force; keeping it would pay the wrong amount.
        deleted, _ = benefit_type.rates.exclude(effective_from__in=starts).delete()
        result.retired += deleted
    _retire(BenefitType.objects.exclude(code__in=[benefit["code"] for benefit in benefits]), result)


def _load_age_bands(pack: Pack, result: LoadResult) -> None:
    for scheme in pack.documents["age_bands.yaml"].data["schemes"]:
        scheme_row = _upsert(
            AgeBandScheme,
            {"code": scheme["code"]},
            {**_labels("name", scheme["name"]), **_labels("resolution", scheme["resolution"])},
            result,
        )
        wanted = [
            (
                band["code"],
                band["min_age"],
                band.get("max_age"),
                *(band["label"][lang] for lang in ("en", "az", "ru")),
            )
            for band in scheme["bands"]
        ]
        stored = list(
            scheme_row.bands.order_by("min_age").values_list(
                "code", "min_age", "max_age", "label_en", "label_az", "label_ru"
            )
        )
        if stored == wanted:
            result.unchanged += len(wanted)
            continue
        # Bands are redrawn as a whole: a moved boundary must not collide with an old band.
        scheme_row.bands.all().delete()
        if stored:
            result.updated += len(wanted)
        else:
            result.created += len(wanted)
        for code, min_age, max_age, label_en, label_az, label_ru in wanted:
            AgeBand.objects.create(
                scheme=scheme_row,
                code=code,
                min_age=min_age,
                max_age=max_age,
                label_en=label_en,
                label_az=label_az,
                label_ru=label_ru,
            )


def _load_calendar(pack: Pack, result: LoadResult) -> None:
    calendar = pack.documents["calendar.yaml"].data
    holidays = [datetime.date.fromisoformat(entry["date"]) for entry in calendar["public_holidays"]]
    for day, entry in zip(holidays, calendar["public_holidays"], strict=True):
        _upsert(PublicHoliday, {"date": day}, _labels("name", entry["name"]), result)
    result.retired += PublicHoliday.objects.exclude(date__in=holidays).delete()[0]
    extra_days = [
        datetime.date.fromisoformat(entry["date"])
        for entry in calendar.get("extra_working_days", [])
    ]
    for day, entry in zip(extra_days, calendar.get("extra_working_days", []), strict=True):
        _upsert(ExtraWorkingDay, {"date": day}, {"note": entry.get("note", "")}, result)
    result.retired += ExtraWorkingDay.objects.exclude(date__in=extra_days).delete()[0]


def _load_questionnaires(pack: Pack, result: LoadResult) -> None:
    questionnaires = pack.documents["questionnaires.yaml"].data["questionnaires"]
    for data in questionnaires:
        questionnaire = _upsert(
            Questionnaire,
            {"code": data["code"]},
            {**_labels("name", data["name"]), "audience": data["audience"], "is_active": True},
            result,
        )
        categories = {}
        for position, category in enumerate(data["categories"]):
            categories[category["code"]] = _upsert(
                QuestionCategory,
                {"questionnaire": questionnaire, "code": category["code"]},
                {**_labels("label", category["label"]), "sort_order": position},
                result,
            )
        for position, question in enumerate(data["questions"]):
            _upsert(
                Question,
                {"questionnaire": questionnaire, "code": question["code"]},
                {
                    **_labels("text", question["text"]),
                    "category": categories[question["category"]],
                    "strength": question["strength"],
                    "sort_order": position,
                    "is_active": True,
                },
                result,
            )
        # Answers given to a withdrawn question stay on record; the question is only retired.
        _retire(
            questionnaire.questions.exclude(
                code__in=[question["code"] for question in data["questions"]]
            ),
            result,
        )
        codes = [rule["code"] for rule in data["results"]]
        result.retired += questionnaire.rules.exclude(code__in=codes).delete()[0]
        for position, rule in enumerate(data["results"]):
            _upsert(
                ScreeningRule,
                {"questionnaire": questionnaire, "code": rule["code"]},
                {
                    **_labels("label", rule["label"]),
                    **_labels("advice", rule["advice"]),
                    "position": position,
                    "when_any": rule.get("when_any", []),
                },
                result,
            )
    _retire(
        Questionnaire.objects.exclude(code__in=[data["code"] for data in questionnaires]), result
    )
