"""`lantern vault rotate`: re-seal every identity with a new key, without losing one."""

from __future__ import annotations

from collections.abc import Iterator
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import override_settings

from lantern.access import vault
from lantern.core.models import User
from lantern.register.identity import open_identity
from lantern.register.models import Case, PersonIdentity
from lantern.register.services import register_presumed_victim
from tests.register.conftest import registration

pytestmark = pytest.mark.django_db

OLD = "test1:dGVzdC12YXVsdC1rZXktMDEyMzQ1Njc4OWFiY2RlZmc="
NEW = "new2:bmV3LXZhdWx0LWtleS1mb3Itcm90YXRpb24tdGVzdHM="


@pytest.fixture(autouse=True)
def fresh_keyring() -> Iterator[None]:
    vault.keyring.cache_clear()
    yield
    vault.keyring.cache_clear()


def test_rotation_reseals_everything_with_the_new_key(ngo_worker: User) -> None:
    cases = [register_presumed_victim(actor=ngo_worker, data=registration()) for _ in range(3)]
    with override_settings(VAULT_KEYS=f"{NEW},{OLD}"):
        vault.keyring.cache_clear()
        # Before rotation, old records still open with the old key kept in the ring.
        assert open_identity(cases[0].person).family_name == "Məmmədova"
        out = StringIO()
        call_command("vault", "rotate", stdout=out)
        assert "Re-sealed 3 identities with the key 'new2'" in out.getvalue()
        assert set(PersonIdentity.objects.values_list("key_id", flat=True)) == {"new2"}
    with override_settings(VAULT_KEYS=NEW):
        vault.keyring.cache_clear()
        for case in Case.objects.all():
            assert open_identity(case.person).family_name == "Məmmədova"
        again = StringIO()
        call_command("vault", "rotate", stdout=again)
        assert "Re-sealed 0 identities" in again.getvalue()


def test_a_missing_old_key_stops_rotation_and_loses_nothing(ngo_worker: User) -> None:
    register_presumed_victim(actor=ngo_worker, data=registration())
    before = list(PersonIdentity.objects.values_list("key_id", "sealed"))
    with override_settings(VAULT_KEYS=NEW):
        vault.keyring.cache_clear()
        with pytest.raises(Exception, match="rotation stopped"):
            call_command("vault", "rotate", stdout=StringIO())
    assert [
        (key, bytes(blob)) for key, blob in PersonIdentity.objects.values_list("key_id", "sealed")
    ] == [(key, bytes(blob)) for key, blob in before]


def test_new_keys_prints_usable_configuration() -> None:
    out = StringIO()
    call_command("vault", "new-keys", stdout=out)
    lines = dict(
        line.split("=", 1)
        for line in out.getvalue().splitlines()
        if "=" in line and line.startswith("LANTERN_")
    )
    ring = vault.parse_keyring(lines["LANTERN_VAULT_KEYS"], lines["LANTERN_VAULT_INDEX_KEY"])
    assert len(ring.keys[ring.current_id]) == 32
