from tests.register.conftest import investigator, ngo_worker, other_ngo_worker, police_supervisor

__all__ = ["investigator", "ngo_worker", "other_ngo_worker", "police_supervisor"]
