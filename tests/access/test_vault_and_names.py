"""The vault's keys and ciphertexts, and the phonetic name key behind the blind index."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from lantern.access.names import name_keys
from lantern.access.vault import VaultError, blind_index, new_key_text, parse_keyring, seal, unseal

# A fixed key: parametrised test ids must be the same in every test worker.
INDEX = "dGVzdC1uYW1lLWluZGV4LWtleS0wMTIzNDU2Nzg5YWI="


@pytest.mark.parametrize(
    "spellings",
    [
        ("Məmmədova", "Мамедова", "Mammadova", "MAMMADOVA"),
        ("Quliyeva", "Гулиева", "Guliyeva"),
        ("Hüseynov", "Гусейнов", "Huseynov"),
        ("Əliyev", "Алиев", "Aliyev"),
        ("Cəfərov", "Джафаров", "Jafarov"),
        ("İsmayılov", "Исмайлов", "Ismayilov"),
        ("Xəlilov", "Халилов", "Khalilov"),
        ("Şahin", "Шахин", "Shahin"),
        ("Çingiz", "Чингиз", "Chingiz"),
    ],
)
def test_spellings_of_one_name_meet(spellings: tuple[str, ...]) -> None:
    assert len({tuple(name_keys(spelling)) for spelling in spellings}) == 1


def test_different_names_stay_apart() -> None:
    assert name_keys("Mammadova") != name_keys("Mammadov")
    assert name_keys("Leyla") != name_keys("Laman")


def test_one_letter_tokens_and_digits_are_not_searchable() -> None:
    assert name_keys("A. 123 Məmmədova") == ["mamadova"]


def test_a_keyring_lists_the_current_key_first() -> None:
    ring = parse_keyring(f"new:{new_key_text()}, old:{new_key_text()}", INDEX)
    assert ring.current_id == "new"
    assert set(ring.keys) == {"new", "old"}


@pytest.mark.parametrize(
    ("keys", "index", "message"),
    [
        ("", INDEX, "must name at least one key"),
        ("nokeyid", INDEX, "key-id:base64-key"),
        ("a:!!!", INDEX, "not valid base64"),
        ("a:c2hvcnQ=", INDEX, "must be 32 bytes"),
        (f"a:{INDEX},a:{INDEX}", INDEX, "twice"),
        (f"a:{INDEX}", "c2hvcnQ=", "LANTERN_VAULT_INDEX_KEY must be 32 bytes"),
    ],
)
def test_bad_keys_are_refused_with_a_reason(keys: str, index: str, message: str) -> None:
    with pytest.raises(ImproperlyConfigured, match=message):
        parse_keyring(keys, index)


def test_a_sealed_record_opens_only_with_its_key_and_binding() -> None:
    ring = parse_keyring(f"k1:{new_key_text()}", INDEX)
    key_id, blob = seal({"family_name": "Məmmədova"}, binding="AZ-2025-000001", ring=ring)
    assert unseal(key_id, blob, binding="AZ-2025-000001", ring=ring) == {"family_name": "Məmmədova"}
    with pytest.raises(VaultError, match="integrity"):
        unseal(key_id, blob, binding="AZ-2025-000002", ring=ring)
    with pytest.raises(VaultError, match="not configured"):
        unseal("gone", blob, binding="AZ-2025-000001", ring=ring)
    tampered = blob[:-1] + bytes([blob[-1] ^ 1])
    with pytest.raises(VaultError):
        unseal(key_id, tampered, binding="AZ-2025-000001", ring=ring)


def test_the_blind_index_depends_on_the_key() -> None:
    first = parse_keyring(f"k:{new_key_text()}", new_key_text())
    second = parse_keyring(f"k:{new_key_text()}", new_key_text())
    assert blind_index("mamadova", ring=first) == blind_index("mamadova", ring=first)
    assert blind_index("mamadova", ring=first) != blind_index("mamadova", ring=second)
    assert "mamadova" not in blind_index("mamadova", ring=first)
