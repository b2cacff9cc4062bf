"""The register's personas serve the referral mechanism's tests too."""

from tests.register.conftest import (
    investigator,
    ngo_worker,
    other_ngo_worker,
    police_supervisor,
    registered_case,
)

__all__ = ["investigator", "ngo_worker", "other_ngo_worker", "police_supervisor", "registered_case"]
