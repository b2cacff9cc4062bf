"""Validate a jurisdiction pack: the JSON Schemas first, then the rules that span entries and files.

Every problem is collected, never just the first, so an author fixes a pack in one pass.
"""

from __future__ import annotations

import datetime
import json
import zoneinfo
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema

from lantern.core.packs.reader import PackDocument, Path_, Problem, read_document

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "pack_schema"
LANGUAGE_NAMES = {"en": "English", "az": "Azerbaijani", "ru": "Russian"}

# File (relative to the pack folder) → schema name; code lists are matched by folder.
SINGLE_FILES = {
    "pack.yaml": "pack",
    "organisations.yaml": "organisations",
    "deadlines.yaml": "deadlines",
    "benefits.yaml": "benefits",
    "age_bands.yaml": "age_bands",
    "calendar.yaml": "calendar",
    "questionnaires.yaml": "questionnaires",
}
CODE_LIST_FOLDER = "code_lists"
REGIONS_LIST = "regions"


@dataclass
class Pack:
    """A pack read from disk: its documents by file name, and every problem found."""

    folder: Path
    documents: dict[str, PackDocument] = field(default_factory=dict)
    code_lists: dict[str, PackDocument] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return not self.problems

    def files(self) -> Iterator[Path]:
        for name in SINGLE_FILES:
            yield self.folder / name
        yield from sorted((self.folder / CODE_LIST_FOLDER).glob("*.yaml"))


@cache
def _schema(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((SCHEMA_DIR / f"{name}.json").read_text(encoding="utf-8"))
    return loaded


def read_pack(folder: Path) -> Pack:
    """Read and check the pack in ``folder``; the result lists every problem found."""
    pack = Pack(folder)
    if not folder.is_dir():
        pack.problems.append(
            Problem(str(folder), 1, "is not a folder holding a jurisdiction pack.")
        )
        return pack
    for file_name, schema_name in SINGLE_FILES.items():
        document = _read_and_validate(folder / file_name, file_name, schema_name, pack.problems)
        if document is not None:
            pack.documents[file_name] = document
    for path in sorted((folder / CODE_LIST_FOLDER).glob("*.yaml")):
        display = f"{CODE_LIST_FOLDER}/{path.name}"
        document = _read_and_validate(path, display, "code_list", pack.problems)
        if document is not None:
            pack.code_lists[document.data["code"]] = document
            if document.data["code"] != path.stem:
                pack.problems.append(
                    Problem(
                        display,
                        document.line_of(("code",)),
                        f"the list code '{document.data['code']}' must match the file name '{path.stem}'.",
                    )
                )
    if (
        REGIONS_LIST not in pack.code_lists
        and not (folder / CODE_LIST_FOLDER / f"{REGIONS_LIST}.yaml").exists()
    ):
        pack.problems.append(
            Problem(
                f"{CODE_LIST_FOLDER}/",
                1,
                f"the pack needs a '{REGIONS_LIST}' code list ({CODE_LIST_FOLDER}/{REGIONS_LIST}.yaml).",
            )
        )
    pack.problems.extend(_cross_checks(pack))
    pack.problems.sort(key=lambda problem: (problem.file, problem.line))
    return pack


def _read_and_validate(
    path: Path, display: str, schema_name: str, problems: list[Problem]
) -> PackDocument | None:
    if not path.exists():
        problems.append(Problem(display, 1, "is missing from the pack."))
        return None
    document = read_document(path, display)
    if isinstance(document, Problem):
        problems.append(document)
        return None
    schema_problems = list(_schema_problems(document, schema_name))
    problems.extend(schema_problems)
    return None if schema_problems else document


def _schema_problems(document: PackDocument, schema_name: str) -> Iterator[Problem]:
    validator = jsonschema.Draft202012Validator(_schema(schema_name))
    for error in validator.iter_errors(document.data):
        path: Path_ = tuple(error.absolute_path)
        yield Problem(
            document.file, document.line_of(path), _plain_message(error, path, document.data)
        )


def _describe(path: Path_, data: Any) -> str:
    """Name the place of a value in words: "organisation 'mia' → name"."""
    words: list[str] = []
    node = data
    for step in path:
        if isinstance(step, int):
            item = node[step]
            code = item.get("code") if isinstance(item, dict) else None
            words[-1:] = [
                f"{_singular(words[-1]) if words else 'item'} '{code}'"
                if code
                else f"{_singular(words[-1]) if words else 'item'} no. {step + 1}"
            ]
        else:
            words.append(step.replace("_", " "))
        node = node[step]
    return " → ".join(words) if words else "the file"


def _singular(word: str) -> str:
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def _plain_message(error: jsonschema.ValidationError, path: Path_, data: Any) -> str:
    where = _describe(path, data)
    schema: dict[str, Any] = error.schema if isinstance(error.schema, dict) else {}
    rule: Any = error.validator_value
    if error.validator == "required":
        missing = error.message.split("'")[1]
        if schema.get("x-kind") == "labels":
            return f"{where}: the {LANGUAGE_NAMES[missing]} label ({missing}) is missing."
        return f"{where}: the required field '{missing}' is missing."
    if error.validator == "enum":
        allowed = ", ".join(str(value) for value in rule)
        return f"{where}: '{error.instance}' is not allowed here; use one of: {allowed}."
    if error.validator == "additionalProperties":
        given: Any = error.instance
        extra = ", ".join(sorted(set(given) - set(schema.get("properties", {}))))
        return f"{where}: unknown field(s) {extra}; check the spelling against docs/packs.md."
    if error.validator in ("pattern", "format") and "x-message" in schema:
        return f"{where}: '{error.instance}' {schema['x-message']}."
    if error.validator == "type":
        expected: list[str] = rule if isinstance(rule, list) else [str(rule)]
        names = {
            "string": "text",
            "integer": "a whole number",
            "number": "a number",
            "object": "a block of fields",
            "array": "a list",
            "boolean": "true or false",
            "null": "empty",
        }
        wanted = " or ".join(names.get(kind, kind) for kind in expected)
        return f"{where}: must be {wanted}, not {error.instance!r}."
    if error.validator == "minLength":
        return f"{where}: must not be empty."
    if error.validator == "minItems":
        return f"{where}: must list at least {error.validator_value} item(s)."
    if error.validator in ("minimum", "maximum"):
        return f"{where}: {error.instance} is out of range ({error.validator} {error.validator_value})."
    if error.validator == "uniqueItems":
        return f"{where}: lists the same value twice."
    return f"{where}: {error.message}."


# --- Rules that span entries and files -------------------------------------------------------


def _cross_checks(pack: Pack) -> Iterator[Problem]:
    yield from _check_pack_settings(pack)
    for document in pack.code_lists.values():
        yield from _duplicate_codes(document, ("entries",))
    yield from _check_organisations(pack)
    yield from _check_deadlines(pack)
    yield from _check_benefits(pack)
    yield from _check_age_bands(pack)
    yield from _check_calendar(pack)
    yield from _check_questionnaires(pack)


def _duplicate_codes(
    document: PackDocument, list_path: Path_, key: str = "code"
) -> Iterator[Problem]:
    seen: dict[Any, int] = {}
    items = document.data
    for step in list_path:
        items = items[step]
    for index, item in enumerate(items):
        value = item[key]
        if value in seen:
            yield Problem(
                document.file,
                document.line_of((*list_path, index, key)),
                f"the {key} '{value}' is used twice (first on line {seen[value]}).",
            )
        else:
            seen[value] = document.line_of((*list_path, index, key))


def _check_pack_settings(pack: Pack) -> Iterator[Problem]:
    document = pack.documents.get("pack.yaml")
    if document is None:
        return
    zone = document.data["time_zone"]
    try:
        zoneinfo.ZoneInfo(zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        yield Problem(
            document.file,
            document.line_of(("time_zone",)),
            f"'{zone}' is not a known time zone; use an IANA name such as Asia/Baku.",
        )


def _check_organisations(pack: Pack) -> Iterator[Problem]:
    document = pack.documents.get("organisations.yaml")
    if document is None:
        return
    organisations: list[dict[str, Any]] = document.data["organisations"]
    yield from _duplicate_codes(document, ("organisations",))
    codes = {organisation["code"] for organisation in organisations}
    regions = _codes_in_list(pack, REGIONS_LIST)
    for index, organisation in enumerate(organisations):
        parent = organisation.get("parent")
        if parent is not None and parent not in codes:
            yield Problem(
                document.file,
                document.line_of(("organisations", index, "parent")),
                f"organisation '{organisation['code']}' names the parent '{parent}', which is not in this file.",
            )
        region = organisation.get("region")
        if region is not None and regions is not None and region not in regions:
            yield Problem(
                document.file,
                document.line_of(("organisations", index, "region")),
                f"organisation '{organisation['code']}' names the region '{region}', which is not in code_lists/{REGIONS_LIST}.yaml.",
            )
    yield from _hierarchy_cycles(document, organisations)
    if not any(organisation["kind"] == "specialised_police" for organisation in organisations):
        yield Problem(
            document.file,
            1,
            "no organisation has the kind 'specialised_police'; the referral mechanism needs the specialised police authority.",
        )


def _codes_in_list(pack: Pack, list_code: str) -> set[str] | None:
    document = pack.code_lists.get(list_code)
    if document is None:
        return None
    return {entry["code"] for entry in document.data["entries"]}


def _hierarchy_cycles(
    document: PackDocument, organisations: list[dict[str, Any]]
) -> Iterator[Problem]:
    parent_of = {organisation["code"]: organisation.get("parent") for organisation in organisations}
    reported: set[str] = set()
    for index, organisation in enumerate(organisations):
        chain = [organisation["code"]]
        current = parent_of.get(organisation["code"])
        while current is not None and current in parent_of:
            if current in chain:
                if organisation["code"] not in reported:
                    reported.update(chain)
                    yield Problem(
                        document.file,
                        document.line_of(("organisations", index, "parent")),
                        f"organisation '{organisation['code']}' is its own ancestor ({' → '.join([*chain, current])}).",
                    )
                break
            chain.append(current)
            current = parent_of.get(current)


def _check_deadlines(pack: Pack) -> Iterator[Problem]:
    document = pack.documents.get("deadlines.yaml")
    if document is None:
        return
    yield from _duplicate_codes(document, ("deadlines",))
    for index, deadline in enumerate(document.data["deadlines"]):
        duration = deadline["duration"]
        line = document.line_of(("deadlines", index, "duration"))
        if duration["unit"] == "immediately" and "amount" in duration:
            yield Problem(
                document.file,
                line,
                f"deadline '{deadline['code']}' is 'immediately' and must not give an amount.",
            )
        if duration["unit"] != "immediately" and "amount" not in duration:
            yield Problem(
                document.file,
                line,
                f"deadline '{deadline['code']}' needs an amount of {duration['unit'].replace('_', ' ')}.",
            )
    immediately = document.data.get("immediately")
    if immediately and immediately["means"] == "within_hours" and "hours" not in immediately:
        yield Problem(
            document.file,
            document.line_of(("immediately",)),
            "'immediately' means within_hours, so it needs 'hours'.",
        )


def _check_benefits(pack: Pack) -> Iterator[Problem]:
    document = pack.documents.get("benefits.yaml")
    if document is None:
        return
    yield from _duplicate_codes(document, ("benefits",))
    for index, benefit in enumerate(document.data["benefits"]):
        yield from _duplicate_codes(document, ("benefits", index, "rates"), key="effective_from")
        for rate_index, rate in enumerate(benefit["rates"]):
            yield from _valid_date(
                document,
                ("benefits", index, "rates", rate_index, "effective_from"),
                rate["effective_from"],
            )


def _valid_date(document: PackDocument, path: Path_, text: str) -> Iterator[Problem]:
    try:
        datetime.date.fromisoformat(text)
    except ValueError:
        yield Problem(
            document.file, document.line_of(path), f"'{text}' is not a real calendar date."
        )


def _check_age_bands(pack: Pack) -> Iterator[Problem]:
    document = pack.documents.get("age_bands.yaml")
    if document is None:
        return
    yield from _duplicate_codes(document, ("schemes",))
    for index, scheme in enumerate(document.data["schemes"]):
        yield from _duplicate_codes(document, ("schemes", index, "bands"))
        yield from _contiguous_bands(document, index, scheme)


def _contiguous_bands(
    document: PackDocument, scheme_index: int, scheme: dict[str, Any]
) -> Iterator[Problem]:
    bands = scheme["bands"]
    expected_start = 0
    for band_index, band in enumerate(bands):
        line = document.line_of(("schemes", scheme_index, "bands", band_index))
        if band["min_age"] != expected_start:
            yield Problem(
                document.file,
                line,
                f"age scheme '{scheme['code']}': band '{band['code']}' starts at {band['min_age']} but the previous band ends at {expected_start}; bands must follow on without gaps or overlaps, youngest first.",
            )
        end = band.get("max_age")
        if end is None:
            if band_index != len(bands) - 1:
                yield Problem(
                    document.file,
                    line,
                    f"age scheme '{scheme['code']}': only the last band may be open-ended, not '{band['code']}'.",
                )
            return
        if end <= band["min_age"]:
            yield Problem(
                document.file,
                line,
                f"age scheme '{scheme['code']}': band '{band['code']}' ends ({end}) before it starts ({band['min_age']}).",
            )
        expected_start = end


def _check_calendar(pack: Pack) -> Iterator[Problem]:
    document = pack.documents.get("calendar.yaml")
    if document is None:
        return
    for key in ("public_holidays", "extra_working_days"):
        entries: Iterable[dict[str, Any]] = document.data.get(key, [])
        yield from (
            _duplicate_codes(document, (key,), key="date") if document.data.get(key) else iter(())
        )
        for index, entry in enumerate(entries):
            yield from _valid_date(document, (key, index, "date"), entry["date"])


def _check_questionnaires(pack: Pack) -> Iterator[Problem]:
    document = pack.documents.get("questionnaires.yaml")
    if document is None:
        return
    yield from _duplicate_codes(document, ("questionnaires",))
    for index, questionnaire in enumerate(document.data["questionnaires"]):
        where = ("questionnaires", index)
        yield from _duplicate_codes(document, (*where, "categories"))
        yield from _duplicate_codes(document, (*where, "questions"))
        yield from _duplicate_codes(document, (*where, "results"))
        categories = {category["code"] for category in questionnaire["categories"]}
        for question_index, question in enumerate(questionnaire["questions"]):
            if question["category"] not in categories:
                yield Problem(
                    document.file,
                    document.line_of((*where, "questions", question_index, "category")),
                    f"questionnaire '{questionnaire['code']}': question '{question['code']}' names the category '{question['category']}', which the questionnaire does not list.",
                )
        yield from _check_results(document, where, questionnaire)


def _check_results(
    document: PackDocument, where: Path_, questionnaire: dict[str, Any]
) -> Iterator[Problem]:
    results = questionnaire["results"]
    for result_index, result in enumerate(results):
        line = document.line_of((*where, "results", result_index))
        is_last = result_index == len(results) - 1
        has_rule = "when_any" in result
        has_fallback = result.get("otherwise") is True
        if has_rule == has_fallback:
            yield Problem(
                document.file,
                line,
                f"questionnaire '{questionnaire['code']}': result '{result['code']}' needs either 'when_any' or 'otherwise: true', not both or neither.",
            )
        elif has_fallback and not is_last:
            yield Problem(
                document.file,
                line,
                f"questionnaire '{questionnaire['code']}': only the last result may be 'otherwise'; '{result['code']}' would hide the results after it.",
            )
        elif is_last and not has_fallback:
            yield Problem(
                document.file,
                line,
                f"questionnaire '{questionnaire['code']}': the last result must be 'otherwise: true' so that every screening gets a result.",
            )
