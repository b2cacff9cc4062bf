"""Native case rows for tests and benchmarks: many good rows, and bad ones of known kinds."""

from __future__ import annotations

import csv
import random
from collections.abc import Iterator
from pathlib import Path

CASE_HEADER = [
    "case_id",
    "person_id",
    "status",
    "registered_at",
    "contact_channel",
    "citizenship",
    "sex",
    "birth_year",
    "exploitation_forms",
    "exploitation_countries",
    "identified_on",
    "given_name",
    "family_name",
]
CHANNELS = ("ngo_outreach", "police_operation", "hotline")
COUNTRIES = ("AZ", "AZ", "AZ", "UZ", "TR", "RU")
FORMS = ("sexual_exploitation", "forced_labour", "sexual_exploitation;forced_labour")

# Six ways a row goes wrong, each with the column the report must name.
BAD_KINDS = {
    "unknown_code": "citizenship",
    "not_a_date": "registered_at",
    "duplicate_id": "case_id",
    "missing_value": "contact_channel",
    "formula": "sex",
    "identified_without_date": "identified_on",
}


def good_case_row(number: int, rng: random.Random) -> list[str]:
    year = 2019 + number % 5
    identified = rng.random() < 0.6
    return [
        f"SRC-{number:06d}",
        f"P-{number:06d}",
        "identified" if identified else "presumed",
        f"{year}-{1 + number % 12:02d}-{1 + number % 28:02d}",
        rng.choice(CHANNELS),
        rng.choice(COUNTRIES),
        rng.choice(("female", "male")),
        str(rng.randint(1960, 2010)),
        rng.choice(FORMS),
        rng.choice(("TR", "AE", "RU", "")),
        f"{year}-12-30" if identified else "",
        f"Given{number}",
        f"Family{number}",
    ]


def spoil(row: list[str], how: str, number: int) -> list[str]:
    spoilt = list(row)
    column = CASE_HEADER.index(BAD_KINDS[how])
    if how == "unknown_code":
        spoilt[column] = "QQ"
    elif how == "not_a_date":
        spoilt[column] = "31/02/2023"
    elif how == "duplicate_id":
        spoilt[column] = f"SRC-{number - 1:06d}"
    elif how == "missing_value":
        spoilt[column] = ""
    elif how == "formula":
        spoilt[column] = '=HYPERLINK("http://example.invalid","female")'
    elif how == "identified_without_date":
        spoilt[CASE_HEADER.index("status")] = "identified"
        spoilt[column] = ""
    return spoilt


def case_rows(total: int, bad: int, *, seed: int = 8) -> Iterator[tuple[list[str], str]]:
    """``total`` rows, ``bad`` of them spoilt in turn by each of the six ways; each with its fault."""
    rng = random.Random(seed)
    ways = list(BAD_KINDS)
    spread = max(total // max(bad, 1), 2)
    spoilt = 0
    for number in range(1, total + 1):
        row = good_case_row(number, rng)
        if spoilt < bad and number % spread == 0:
            how = ways[spoilt % len(ways)]
            spoilt += 1
            yield spoil(row, how, number), how
        else:
            yield row, ""


def write_case_file(
    path: Path, total: int, bad: int, *, separator: str = ",", encoding: str = "utf-8"
) -> dict[int, str]:
    """Write the file; return each bad row's number in the file (header is row 1) and its fault."""
    faults: dict[int, str] = {}
    with path.open("w", encoding=encoding, newline="") as stream:
        writer = csv.writer(stream, delimiter=separator)
        writer.writerow(CASE_HEADER)
        for index, (row, fault) in enumerate(case_rows(total, bad), start=2):
            writer.writerow(row)
            if fault:
                faults[index] = fault
    return faults
