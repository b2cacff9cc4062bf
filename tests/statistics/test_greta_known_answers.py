"""GRETA tables from a small register with answers worked out by hand, entered through the API.

The four people below are chosen for the cases that trip hand-made tables: a victim of two
forms of exploitation, a child who turns 18 between registration and identification, a person
identified in two different years, and allowances paid before and after a rate change.
"""

from __future__ import annotations

import datetime
import json
import subprocess
import sys
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client

from lantern.core.models import User
from lantern.statistics.greta import build_greta

pytestmark = pytest.mark.django_db

BAKU = ZoneInfo("Asia/Baku")


def _at(day: str) -> Any:
    moment = datetime.datetime.fromisoformat(day).replace(hour=11, tzinfo=BAKU)
    return time_machine.travel(moment, tick=False)


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _post(user: User, url: str, body: dict[str, Any]) -> dict[str, Any]:
    response = _client(user).post(url, body, content_type="application/json")
    assert response.status_code == 201, response.content
    answer: dict[str, Any] = response.json()
    return answer


def _person(worker: User, day: str, **fields: Any) -> dict[str, Any]:
    with _at(day):
        return _post(worker, "/api/v1/cases/", {"contact_channel": "ngo_outreach", **fields})


def _identify(investigator: User, case: dict[str, Any], day: str) -> None:
    with _at(day):
        _post(
            investigator,
            f"/api/v1/cases/{case['reference']}/decisions/",
            {
                "version": 1,
                "decided_on": day,
                "deciding_organisation": "mia-ctht",
                "method": "proactive",
                "outcome": "identified",
            },
        )


def _allowance(worker: User, case: dict[str, Any], day: str) -> None:
    with _at(day):
        paid = _post(
            worker,
            "/api/v1/payments/",
            {"case": case["reference"], "benefit": "one_time_allowance", "paid_on": day},
        )
    assert paid["amount"] in ("400.00", "700.00")


@pytest.fixture
def register(ngo_worker: User, investigator: User) -> None:
    two_forms = _person(
        ngo_worker,
        "2019-03-01",
        sex="female",
        citizenship="AZ",
        identity={"family_name": "Aliyeva", "birth_date": "1990-05-01"},
        exploitation_forms=["sexual_exploitation", "forced_labour"],
        exploitation_scope="transnational",
    )
    _identify(investigator, two_forms, "2019-03-10")
    _allowance(ngo_worker, two_forms, "2019-04-01")  # 400 manats: before 4 June 2019
    turns_eighteen = _person(
        ngo_worker,
        "2019-05-01",
        sex="male",
        citizenship="UZ",
        identity={"family_name": "Karimov", "birth_date": "2001-05-20"},
        exploitation_forms=["forced_labour"],
        exploitation_scope="domestic",
    )
    _identify(investigator, turns_eighteen, "2019-06-10")
    _allowance(ngo_worker, turns_eighteen, "2019-07-01")  # 700 manats: after the change
    child = _person(
        ngo_worker,
        "2019-08-01",
        sex="female",
        citizenship="AZ",
        identity={"family_name": "Həsənova", "birth_date": "2005-01-01"},
        exploitation_forms=["sexual_exploitation"],
        exploitation_scope="transnational",
    )
    _identify(investigator, child, "2019-08-20")
    again = _person(
        ngo_worker,
        "2020-02-01",
        person=child["person"],
        citizenship="AZ",
        exploitation_forms=["sexual_exploitation"],
        exploitation_scope="domestic",
    )
    _identify(investigator, again, "2020-03-01")
    _person(ngo_worker, "2019-09-01", sex="female", citizenship="AZ")  # never identified


def _table(report: dict[str, Any], table_id: str) -> dict[str, dict[str, Any]]:
    table = next(table for table in report["tables"] if table["id"] == table_id)
    cells: dict[str, dict[str, Any]] = table["cells"]
    return cells


def test_every_cell_of_table_1_and_table_6_is_as_worked_out_by_hand(register: None) -> None:
    report = build_greta(2019, 2020)
    assert report["violations"] == []
    table_1 = _table(report, "table_1")
    assert table_1["2019"] == {
        "total": 3,
        "sex.female": 2,
        "sex.male": 1,
        "sex.unknown": 0,
        "age.child": 1,
        "age.18-25": 1,  # seventeen when registered, eighteen when identified
        "age.25-35": 1,
        "age.35-55": 0,
        "age.55-plus": 0,
        "age.unknown": 0,
        "form.forced_labour": 2,  # the victim of two forms counts under each
        "form.sexual_exploitation": 2,
        "form.unknown": 0,
        "citizenship.AZ": 2,
        "citizenship.UZ": 1,
        "citizenship.unknown": 0,
        "place.domestic": 1,
        "place.transnational": 2,
        "place.unknown": 0,
        "identified_by.mia-ctht": 3,
        "identified_by.unknown": 0,
        "method.proactive": 3,
        "method.reactive": 0,
        "method.unknown": 0,
    }
    # The child identified again in 2020 is counted in 2020 as well.
    assert table_1["2020"]["total"] == 1
    assert table_1["2020"]["age.child"] == 1
    assert table_1["2020"]["place.domestic"] == 1
    assert table_1["2020"]["citizenship.AZ"] == 1
    assert _table(report, "table_6")["2019"] == {
        "total": 2,
        "benefit.one_time_allowance": 2,
        "benefit.unknown": 0,
    }
    assert _table(report, "table_6_amounts")["2019"]["total"] == "1100.00"
    assert _table(report, "table_6_amounts")["2020"]["total"] == "0.00"
    assert _table(report, "table_10")["2019"]["total"] == 0


def test_the_command_writes_all_tables_as_json(register: None, tmp_path: Path) -> None:
    target = tmp_path / "greta.json"
    call_command("report", "greta", "--from", "2019", "--to", "2020", "--output", str(target))
    written = json.loads(target.read_text(encoding="utf-8"))
    ids = [table["id"] for table in written["tables"]]
    assert [f"table_{n}" for n in range(1, 11)] == [i for i in ids if i[6:].isdigit()]
    assert written["violations"] == []
    assert _table(written, "table_1")["2019"]["total"] == 3


def _hand_made(path: Path, **changes: Any) -> Path:
    report = {
        "report": "greta",
        "tables": [
            {
                "id": "table_1",
                "rows": ["2023"],
                "columns": [
                    {"id": "total", "label": "Total"},
                    {"id": "form.sexual", "label": "Sexual exploitation", "group": "form"},
                    {"id": "form.labour", "label": "Forced labour", "group": "form"},
                    {"id": "age.child", "label": "Child", "group": "age"},
                    {"id": "age.adult", "label": "Adult", "group": "age"},
                ],
                "groups": [
                    {"id": "form", "label": "Form", "kind": "exclusive", "total": "total"},
                    {"id": "age", "label": "Age", "kind": "exclusive", "total": "total"},
                ],
                "cells": {
                    "2023": {
                        "total": 91,
                        "form.sexual": changes.get("sexual", 89),
                        "form.labour": 2,
                        "age.child": 3,
                        "age.adult": 88,
                    }
                },
            },
            {
                "id": "table_3",
                "rows": ["2023"],
                "columns": [{"id": "total", "label": "Children"}],
                "groups": [],
                "cells": {"2023": {"total": changes.get("children", 3)}},
            },
        ],
    }
    path.write_text(json.dumps(report), encoding="utf-8")
    return path


def _validate(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "lantern", "validate", "tables", str(path), "--report", "greta"],
        capture_output=True,
        text=True,
        check=False,
    )


def test_validate_lists_each_contradiction_and_exits_non_zero(tmp_path: Path) -> None:
    wrong = _validate(_hand_made(tmp_path / "wrong.json", sexual=90, children=5))
    assert wrong.returncode != 0
    lines = wrong.stdout.splitlines()
    assert any(
        line.startswith("table_1\t2023\ttotal,form.sexual,form.labour\t")
        and "92 ≠ total 91" in line
        for line in lines
    ), wrong.stdout
    assert any(
        line.startswith("table_3\t2023\ttotal\t") and "exceeds table_1 age.child = 3" in line
        for line in lines
    ), wrong.stdout
    assert "2 contradictions" in wrong.stderr
    consistent = _validate(_hand_made(tmp_path / "right.json"))
    assert consistent.returncode == 0, consistent.stdout + consistent.stderr
    assert "every table is consistent" in consistent.stdout
