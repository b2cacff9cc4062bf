"""The CTDC global dataset taken in as anonymous external records: every row accounted for,
rejected rows with their reasons and nothing of them written, importing again changes nothing,
and the counts agree with an independent pandas reading of the real file.
"""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count, F

from lantern.core.models import Organisation, Role, User
from lantern.exchange.ctdc import FORMS, REQUIRED
from lantern.exchange.models import ExternalRecord, ImportProblem, ImportRun
from lantern.register.models import Case
from lantern.statistics.ctdc import build_ctdc_profile
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# The shared data sit beside the repository (../shared/data), never in it; a clone elsewhere
# names the folder with LANTERN_SHARED_DATA.
SHARED_DATA = Path(
    os.environ.get("LANTERN_SHARED_DATA", Path(__file__).resolve().parents[3] / "shared" / "data")
)
CTDC_FILE = SHARED_DATA / "ctdc" / "ctdc_global_kanon_15jul2021.csv"
HEADER = [*REQUIRED, "typeOfExploitConcatenated"]


@pytest.fixture
def statistician(az_pack: Path) -> User:
    user: User = UserFactory(
        username="samir",
        organisation=Organisation.objects.get(code="state-statistics-committee"),
        roles=[Role.STATISTICIAN],
    )
    return user


def _row(**cells: str) -> list[str]:
    values = {name: "" for name in HEADER}
    values.update(
        {
            "yearOfRegistration": "2019",
            "Datasource": "Case Management",
            "gender": "Female",
            "ageBroad": "18--20",
            "majorityStatus": "Adult",
            "citizenship": "UA",
            "CountryOfExploitation": "RU",
        }
    )
    values.update(cells)
    return [values[name] for name in HEADER]


def _file(path: Path, rows: list[list[str]], *, bom: bool = False) -> Path:
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(HEADER)
    writer.writerows(rows)
    path.write_text(("\ufeff" if bom else "") + text.getvalue(), encoding="utf-8")
    return path


def _import(path: Path, *extra: str) -> str:
    out = io.StringIO()
    call_command("import", "ctdc", str(path), "--user", "samir", *extra, stdout=out)
    return out.getvalue()


def test_every_row_is_created_or_rejected_with_its_reasons(
    statistician: User, tmp_path: Path
) -> None:
    rows = [
        _row(isSexualExploit="1", meansOfControlDebtBondage="1", meansOfControlThreats="1"),
        _row(gender="Male", isForcedLabour="1", isSexualExploit="1", citizenship="NA"),
        _row(yearOfRegistration="", gender="", ageBroad="", majorityStatus=""),
        _row(gender="F"),  # rejected: not CTDC's coding
        _row(yearOfRegistration="20l9", citizenship="QQ"),  # rejected twice over
        _row(isForcedLabour="2"),  # rejected: a flag is 1, 0 or nothing
        ["" for _name in HEADER],  # a blank line is no record
    ]
    path = _file(tmp_path / "ctdc_sample.csv", rows, bom=True)
    printed = _import(path, "--release", "2021-07")
    assert printed.splitlines()[-1] == "6 rows: 3 created, 0 unchanged, 3 rejected"
    assert "5\tgender\tF\texpected one of Female, Male, Transgender/NonConforming" in printed
    problems = list(ImportProblem.objects.values_list("row", "column", "value"))
    assert problems == [
        (5, "gender", "F"),
        (6, "yearOfRegistration", "20l9"),
        (6, "citizenship", "QQ"),
        (7, "isForcedLabour", "2"),
    ]
    records = ExternalRecord.objects.order_by("source_row")
    assert [r.source_row for r in records] == [2, 3, 4]
    first, second, third = records
    assert (first.source, first.release, first.gender, first.child) == (
        "ctdc",
        "2021-07",
        "female",
        False,
    )
    assert sorted(first.forms.values_list("code", flat=True)) == ["sexual_exploitation"]
    assert sorted(first.means_of_control.values_list("code", flat=True)) == [
        "debt_bondage",
        "physical_threats",
    ]
    assert second.citizenship == "NA"  # Namibia, not a missing value
    assert sorted(second.forms.values_list("code", flat=True)) == [
        "forced_labour",
        "sexual_exploitation",
    ]
    assert (third.year_of_registration, third.gender, third.child) == (None, "", None)
    run = ImportRun.objects.get()
    assert (run.rows, run.created, run.unchanged, run.rejected) == (6, 3, 0, 3)
    assert (run.file_name, len(run.file_sha256), run.imported_by) == (
        "ctdc_sample.csv",
        64,
        statistician,
    )
    # Anonymous and outside every register: no case, no person came of it.
    assert not Case.objects.exists()


def test_importing_again_changes_nothing_and_a_dry_run_writes_nothing(
    statistician: User, tmp_path: Path
) -> None:
    path = _file(tmp_path / "release.csv", [_row(), _row(gender="Male"), _row(gender="?")])
    dry = _import(path, "--dry-run")
    assert dry.splitlines()[-1] == (
        "Dry run, nothing written. 3 rows: 2 created, 0 unchanged, 1 rejected"
    )
    assert not ExternalRecord.objects.exists() and not ImportRun.objects.exists()
    assert _import(path).splitlines()[-1] == "3 rows: 2 created, 0 unchanged, 1 rejected"
    assert _import(path).splitlines()[-1] == "3 rows: 0 created, 2 unchanged, 1 rejected"
    assert ExternalRecord.objects.count() == 2
    assert ExternalRecord.objects.get(gender="male").release == "release"


def test_a_file_that_is_not_ctdc_is_refused_whole(statistician: User, tmp_path: Path) -> None:
    wrong_header = tmp_path / "cases.csv"
    wrong_header.write_text("name,year\nsomeone,2019\n", encoding="utf-8")
    with pytest.raises(CommandError, match="not a CTDC file: the columns yearOfRegistration"):
        _import(wrong_header)
    windows = tmp_path / "cp1251.csv"
    windows.write_bytes(",".join(HEADER).encode() + "\nЖенщина".encode("cp1251"))
    with pytest.raises(CommandError, match="is not UTF-8 text"):
        _import(windows)
    with pytest.raises(CommandError, match="no such file"):
        _import(tmp_path / "absent.csv")
    assert not ImportRun.objects.exists() and not ExternalRecord.objects.exists()


@pytest.mark.parametrize("role", list(Role))
def test_only_statisticians_and_the_coordinator_import(
    az_pack: Path, tmp_path: Path, role: Role
) -> None:
    UserFactory(
        username="samir",
        organisation=Organisation.objects.get(code="state-statistics-committee"),
        roles=[role],
    )
    path = _file(tmp_path / "one.csv", [_row()])
    if role in (Role.STATISTICIAN, Role.COORDINATOR):
        assert _import(path).splitlines()[-1] == "1 rows: 1 created, 0 unchanged, 0 rejected"
    else:
        with pytest.raises(CommandError, match="samir may not import external statistics"):
            _import(path)
        assert not ExternalRecord.objects.exists()


@pytest.mark.skipif(not CTDC_FILE.exists(), reason=f"the CTDC file is not at {CTDC_FILE}")
def test_the_real_ctdc_file_is_all_accounted_for_and_agrees_with_pandas(
    statistician: User,
) -> None:
    pandas = pytest.importorskip("pandas")
    printed = _import(CTDC_FILE)
    run = ImportRun.objects.get()
    assert run.rows == 97_750
    assert run.created + run.rejected == 97_750
    assert run.rejected == ImportProblem.objects.values("row").distinct().count()
    rejected_rows = set(ImportProblem.objects.values_list("row", flat=True))
    assert printed.splitlines()[-1].startswith("97750 rows: ")

    # pandas reads the same file on its own: keep_default_na=False so that Namibia ("NA")
    # stays a country; the file's row number is the index + 2 (header, then 1-based).
    frame = pandas.read_csv(CTDC_FILE, dtype=str, keep_default_na=False)
    frame = frame[~(frame.index + 2).isin(rejected_rows)]
    frame["year"] = frame["yearOfRegistration"].map(lambda text: int(text) if text else None)
    genders = {
        "Female": "female",
        "Male": "male",
        "Transgender/NonConforming": "transgender_nonconforming",
        "": "",
    }
    frame["gender_code"] = frame["gender"].map(genders)
    for lantern_field, column in (("gender", "gender_code"), ("citizenship", "citizenship")):
        expected = {
            (None if pandas.isna(year) else int(year), value): int(count)
            for (year, value), count in frame.groupby(["year", column], dropna=False).size().items()
        }
        counted = {
            (item["year_of_registration"], item[lantern_field]): item["n"]
            for item in ExternalRecord.objects.values("year_of_registration", lantern_field)
            .annotate(n=Count("pk"))
            .order_by()
        }
        assert counted == expected, lantern_field
    forms = {code: int((frame[column] == "1").sum()) for column, code in FORMS.items()}
    assert {
        item["code"]: item["n"]
        for item in ExternalRecord.objects.values(code=F("forms__code"))
        .annotate(n=Count("pk"))
        .exclude(code=None)
    } == {code: n for code, n in forms.items() if n}


@pytest.mark.skipif(not CTDC_FILE.exists(), reason=f"the CTDC file is not at {CTDC_FILE}")
def test_the_ctdc_profile_report_agrees_with_pandas_year_by_gender_and_citizenship(
    statistician: User,
) -> None:
    pandas = pytest.importorskip("pandas")
    _import(CTDC_FILE)
    report = build_ctdc_profile(2002, 2021)
    assert report["violations"] == []
    (table,) = report["tables"]
    cells = table["cells"]

    frame = pandas.read_csv(CTDC_FILE, dtype=str, keep_default_na=False)
    frame = frame[frame["yearOfRegistration"] != ""]
    by_gender = frame.groupby(["yearOfRegistration", "gender"]).size()
    genders = {
        "Female": "female",
        "Male": "male",
        "Transgender/NonConforming": "transgender_nonconforming",
        "": "unknown",
    }
    for (year, gender), count in by_gender.items():
        assert cells[year][f"gender.{genders[gender]}"] == count, (year, gender)
    by_citizenship = frame.groupby(["yearOfRegistration", "citizenship"]).size()
    for (year, citizenship), count in by_citizenship.items():
        assert cells[year][f"citizenship.{citizenship or 'unknown'}"] == count, (year, citizenship)
    totals = frame.groupby("yearOfRegistration").size()
    assert {year: cells[year]["total"] for year in cells if cells[year]["total"]} == {
        year: int(count) for year, count in totals.items()
    }
    assert "2011 records have no year of registration" in " ".join(report["notes"])
