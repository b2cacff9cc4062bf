"""`lantern pack check`: every problem of a pack, with file, line and a plain message."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from lantern.core.packs.check import read_pack
from tests.conftest import AZ_PACK


@pytest.fixture
def pack_copy(tmp_path: Path) -> Path:
    copy = tmp_path / "pack"
    shutil.copytree(AZ_PACK, copy)
    return copy


def replace_once(path: Path, old: str, new: str) -> int:
    """Replace the first occurrence of ``old`` and return its line number."""
    text = path.read_text(encoding="utf-8")
    position = text.index(old)
    path.write_text(text[:position] + new + text[position + len(old) :], encoding="utf-8")
    return text[:position].count("\n") + 1


def line_of(path: Path, needle: str, start_line: int = 1) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if number >= start_line and needle in line:
            return number
    raise AssertionError(f"{needle!r} not in {path}")


def three_mistakes(pack: Path) -> dict[str, int]:
    """An unknown organisation kind, a rate without effective date, an entry without Russian label."""
    kind_line = replace_once(pack / "organisations.yaml", "kind: ngo", "kind: charity")
    benefits = pack / "benefits.yaml"
    date_line = line_of(benefits, "effective_from:")
    lines = benefits.read_text(encoding="utf-8").splitlines(keepends=True)
    del lines[date_line - 1]
    benefits.write_text("".join(lines), encoding="utf-8")
    sexes = pack / "code_lists" / "sexes.yaml"
    russian_line = line_of(sexes, "ru:", line_of(sexes, "entries:"))
    lines = sexes.read_text(encoding="utf-8").splitlines(keepends=True)
    del lines[russian_line - 1]
    sexes.write_text("".join(lines), encoding="utf-8")
    return {"kind": kind_line, "rate": date_line, "russian": russian_line}


def test_the_azerbaijan_pack_is_valid() -> None:
    pack = read_pack(AZ_PACK)
    assert [str(problem) for problem in pack.problems] == []


def test_three_mistakes_are_all_reported_with_file_and_line(pack_copy: Path) -> None:
    lines = three_mistakes(pack_copy)
    problems = read_pack(pack_copy).problems
    assert len(problems) == 3
    by_file = {problem.file: problem for problem in problems}
    assert by_file["organisations.yaml"].line == lines["kind"]
    assert "'charity' is not allowed here" in by_file["organisations.yaml"].message
    assert "ngo" in by_file["organisations.yaml"].message
    assert "effective_from" in by_file["benefits.yaml"].message
    assert "is missing" in by_file["benefits.yaml"].message
    assert lines["rate"] - 3 <= by_file["benefits.yaml"].line <= lines["rate"]
    sexes = by_file["code_lists/sexes.yaml"]
    assert "the Russian label (ru) is missing" in sexes.message
    assert lines["russian"] - 3 <= sexes.line <= lines["russian"]


def test_the_command_lists_every_problem_and_exits_non_zero(pack_copy: Path) -> None:
    three_mistakes(pack_copy)
    result = subprocess.run(
        [sys.executable, "-m", "lantern", "pack", "check", str(pack_copy)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**_environment(), "DJANGO_SETTINGS_MODULE": "tests.settings"},
    )
    assert result.returncode == 1
    reported = [
        line
        for line in result.stderr.splitlines()
        if line.startswith(("organisations.yaml:", "benefits.yaml:", "code_lists/"))
    ]
    assert len(reported) == 3
    assert "3 problem(s) found" in result.stderr


def _environment() -> dict[str, str]:
    return {name: value for name, value in os.environ.items() if name != "LANTERN_DATABASE_URL"} | {
        "PYTHONPATH": str(Path(__file__).resolve().parents[2])
    }


@pytest.mark.parametrize(
    ("file_name", "old", "new", "message"),
    [
        (
            "pack.yaml",
            "time_zone: Asia/Baku",
            "time_zone: Asia/Atlantis",
            "is not a known time zone",
        ),
        ("organisations.yaml", "parent: mia\n", "parent: nowhere\n", "names the parent 'nowhere'"),
        (
            "age_bands.yaml",
            "min_age: 25",
            "min_age: 26",
            "starts at 26 but the previous band ends at 25",
        ),
        (
            "deadlines.yaml",
            "unit: calendar_hours",
            "unit: fortnights",
            "'fortnights' is not allowed here",
        ),
        ("calendar.yaml", "working_week:", "working_weak:", "unknown field(s) working_weak"),
        (
            "code_lists/sexes.yaml",
            "code: sexes",
            "code: genders",
            "must match the file name 'sexes'",
        ),
    ],
)
def test_each_kind_of_mistake_gets_a_plain_message(
    pack_copy: Path, file_name: str, old: str, new: str, message: str
) -> None:
    replace_once(pack_copy / file_name, old, new)
    problems = read_pack(pack_copy).problems
    assert {problem.file for problem in problems} == {file_name}
    assert any(message in problem.message for problem in problems), problems


def test_duplicate_codes_are_reported_with_the_first_line(pack_copy: Path) -> None:
    path = pack_copy / "code_lists" / "sexes.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("code: female", "code: male"), encoding="utf-8")
    problems = read_pack(pack_copy).problems
    assert len(problems) == 1
    assert "the code 'male' is used twice (first on line" in problems[0].message


def test_broken_yaml_is_a_problem_not_a_crash(pack_copy: Path) -> None:
    (pack_copy / "benefits.yaml").write_text("benefits: [\n  - code: x\n", encoding="utf-8")
    problems = read_pack(pack_copy).problems
    assert [problem.file for problem in problems] == ["benefits.yaml"]
    assert "is not valid YAML" in problems[0].message


def test_a_missing_file_is_named(pack_copy: Path) -> None:
    (pack_copy / "deadlines.yaml").unlink()
    problems = read_pack(pack_copy).problems
    assert [(problem.file, problem.message) for problem in problems] == [
        ("deadlines.yaml", "is missing from the pack.")
    ]


def test_a_folder_that_is_not_a_pack(tmp_path: Path) -> None:
    problems = read_pack(tmp_path / "nothing-here").problems
    assert len(problems) == 1
    assert "is not a folder holding a jurisdiction pack" in problems[0].message
