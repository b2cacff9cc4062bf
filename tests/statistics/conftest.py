from tests.register.conftest import investigator, ngo_worker

__all__ = ["investigator", "ngo_worker"]
