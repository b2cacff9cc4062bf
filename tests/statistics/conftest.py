from pathlib import Path

import pytest

from lantern.core.models import Role, User
from tests.register.conftest import investigator, ngo_worker, staff

__all__ = ["STATISTICIAN", "investigator", "ngo_worker", "statistician"]

STATISTICIAN = "statistician-state-statistics-committee"


@pytest.fixture
def statistician(az_pack: Path) -> User:
    """Who produces exact figures with `lantern report ... --user`."""
    return staff("state-statistics-committee", Role.STATISTICIAN, STATISTICIAN)
