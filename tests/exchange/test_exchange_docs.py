"""docs/exchange.md, the reference of Lantern's own exchange format, kept true to the code.

Supervisors migrating years of spreadsheets fill their files in from this document, so it must
name every column each kind reads, mark as required exactly the columns the import requires,
give the code list of every code column, and show only commands `lantern` accepts. A column
added without documentation fails here.
"""

from __future__ import annotations

import re
import shlex
from argparse import ArgumentParser, Namespace
from pathlib import Path

import pytest
from django.core.management import load_command_class
from django.core.management.base import CommandError
from django.urls import Resolver404, resolve

from lantern.exchange.native.registry import EVENT_KINDS, KINDS
from lantern.exchange.native.values import DATE_FORMATS, FALSE_WORDS, TRUE_WORDS, Lookups

DOC = Path(__file__).resolve().parents[2] / "docs" / "exchange.md"
KIND_HEADING = re.compile(r"^### `([a-z_]+)`")
COLUMN_ROW = re.compile(r"^\| `([a-z_]+)` \|([^|]*)\|([^|]*)\|([^|]*)\|$")
PATH = re.compile(r"`((?:/api/v1)?/imports/[^`\s]*)`")
# How the document writes the placeholders of a path, and what stands in for them here.
PLACEHOLDERS = {"{id}": "1", "{kind}": "cases"}
STRPTIME_AS_WRITTEN = {"%Y": "YYYY", "%m": "MM", "%d": "DD"}


def document() -> str:
    return DOC.read_text(encoding="utf-8")


def sections(level: str) -> dict[str, str]:
    """The document's sections of one heading level, by heading, each up to the next heading of
    that level or above."""
    found: dict[str, list[str]] = {}
    current: list[str] | None = None
    in_block = False
    for line in document().splitlines():
        in_block = in_block != line.startswith("```")
        # A shell comment in a code block is no heading.
        heading = None if in_block else re.match(r"^(#+) ", line)
        if heading and len(heading.group(1)) <= len(level):
            current = found.setdefault(line, []) if heading.group(1) == level else None
        elif current is not None:
            current.append(line)
    return {heading: "\n".join(lines) for heading, lines in found.items()}


def kind_sections() -> dict[str, str]:
    """The section of each kind (a `### \\`kind\\`` heading), in the document's order."""
    kinds = {}
    for heading, text in sections("###").items():
        match = KIND_HEADING.match(heading)
        if match:
            kinds[match.group(1)] = text
    return kinds


def column_rows(kind: str) -> dict[str, tuple[str, str, str]]:
    """The kind's column table: its required mark, what it holds, how it is read, by column."""
    sections_by_kind = kind_sections()
    assert kind in sections_by_kind, f"docs/exchange.md has no section ### `{kind}`"
    rows = {}
    for line in sections_by_kind[kind].splitlines():
        match = COLUMN_ROW.match(line.strip())
        if match:
            name, required, holds, read = (part.strip() for part in match.groups())
            assert name not in rows, f"{kind}: {name} is documented twice"
            rows[name] = (required, holds, read)
    return rows


def section_about(title: str) -> str:
    return next(text for heading, text in sections("##").items() if title in heading)


def command_lines() -> list[list[str]]:
    """Every `lantern import` and `lantern export` the document's code blocks show, as words."""
    shown, in_block = [], False
    for line in document().splitlines():
        if line.startswith("```"):
            in_block = not in_block
        elif in_block and line.strip().startswith(("lantern import ", "lantern export ")):
            shown.append(shlex.split(line.strip(), comments=True)[1:])
    return shown


def parser_of(command: str) -> ArgumentParser:
    return load_command_class("lantern.exchange", command).create_parser("lantern", command)


def parsed(words: list[str]) -> Namespace:
    return parser_of(words[0]).parse_args(words[1:])


def kind_choices(command: str) -> list[str]:
    action = next(action for action in parser_of(command)._actions if action.dest == "kind")
    return list(action.choices or ())


def test_every_kind_has_its_section_in_the_order_of_import() -> None:
    assert list(kind_sections()) == list(KINDS)


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_column_is_documented_and_marked_required_as_the_import_requires(
    az_pack: Path, kind: str
) -> None:
    # A kind's columns may ask the database (the jurisdiction's currency, for example).
    columns = KINDS[kind].columns(Lookups())
    documented = column_rows(kind)

    assert list(documented) == [column.name for column in columns]
    assert {name for name, (required, _holds, _read) in documented.items() if required} == {
        column.name for column in columns if column.required
    }
    assert {required for required, _holds, _read in documented.values()} <= {"yes", ""}
    for name, (_required, holds, read) in documented.items():
        assert holds and read, f"{kind}.{name} says nothing of what it holds or how it is read"


@pytest.mark.parametrize("kind", list(KINDS))
def test_a_code_column_names_its_code_list(az_pack: Path, kind: str) -> None:
    documented = column_rows(kind)
    for column in KINDS[kind].columns(Lookups()):
        if column.code_list:
            assert column.name in documented, f"{kind}.{column.name} is not documented"
            _required, _holds, read = documented[column.name]
            assert f"`{column.code_list}`" in read, f"{kind}.{column.name}: {read}"


def test_every_yes_and_no_word_and_date_order_the_import_reads_is_listed() -> None:
    values = section_about("How values are read")

    for word in sorted(TRUE_WORDS | FALSE_WORDS):
        assert f"`{word}`" in values, word
    for pattern in DATE_FORMATS:
        written = pattern
        for directive, letters in STRPTIME_AS_WRITTEN.items():
            written = written.replace(directive, letters)
        assert f"`{written}`" in values, written


def test_the_commands_shown_are_ones_lantern_accepts() -> None:
    shown = command_lines()

    for words in shown:
        try:
            parsed(words)
        except CommandError as error:
            pytest.fail(f"lantern {shlex.join(words)}: {error}")
    imports = {parsed(words).kind for words in shown if words[0] == "import"}
    exports = {parsed(words).kind for words in shown if words[0] == "export"}
    assert imports == set(kind_choices("import")) == {"ctdc", "cases", "events", "htcds"}
    assert "native" in exports


def test_an_event_kind_option_shown_is_a_kind_the_command_knows() -> None:
    chosen = [parsed(words).event_kind for words in command_lines() if "--event-kind" in words]

    assert chosen and set(chosen) <= set(EVENT_KINDS)


def test_the_loop_over_an_exports_event_files_follows_the_order_of_import() -> None:
    loops = re.findall(r"^for kind in ([a-z_ ]+); do$", document(), flags=re.MULTILINE)

    assert loops, "the document shows no loop over the event files"
    for loop in loops:
        assert loop.split() == list(EVENT_KINDS)


def test_the_pages_and_endpoints_named_exist() -> None:
    paths = set(PATH.findall(document()))

    assert {"/imports/", "/api/v1/imports/"} <= paths
    for path in sorted(paths):
        concrete = path
        for placeholder, value in PLACEHOLDERS.items():
            concrete = concrete.replace(placeholder, value)
        try:
            resolve(concrete)
        except Resolver404:
            pytest.fail(f"{path} is no page or endpoint of Lantern")
