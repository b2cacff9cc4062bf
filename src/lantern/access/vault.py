"""The identity vault's cryptography: AES-256-GCM for identities, HMAC for the name index.

Keys never live in the database. ``LANTERN_VAULT_KEYS`` (or ``_FILE``) lists
``key-id:base64-key`` pairs separated by commas, the first being the key new
records are sealed with; the others are kept only to open older records until
``lantern vault rotate`` has re-sealed them. ``LANTERN_VAULT_INDEX_KEY`` keys
the blind index of names; it is separate so that rotating the encryption key
never invalidates searches.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import os
from dataclasses import dataclass
from functools import cache
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

NONCE_BYTES = 12
KEY_BYTES = 32


class VaultError(Exception):
    """A record cannot be opened: its key is unknown or the ciphertext was altered."""


@dataclass(frozen=True)
class Keyring:
    current_id: str
    keys: dict[str, bytes]
    index_key: bytes


def _decode_key(text: str, what: str) -> bytes:
    try:
        key = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise ImproperlyConfigured(f"{what} is not valid base64.") from None
    if len(key) != KEY_BYTES:
        raise ImproperlyConfigured(
            f"{what} must be {KEY_BYTES} bytes (base64 of 32 random bytes), not {len(key)}."
        )
    return key


def parse_keyring(keys_text: str, index_key_text: str) -> Keyring:
    """Read ``id:key,id:key`` (current first) and the index key; refuse anything malformed."""
    keys: dict[str, bytes] = {}
    order: list[str] = []
    for item in (part.strip() for part in keys_text.split(",")):
        if not item:
            continue
        key_id, separator, encoded = item.partition(":")
        if not separator or not key_id:
            raise ImproperlyConfigured(
                "LANTERN_VAULT_KEYS lists keys as key-id:base64-key, separated by commas."
            )
        if key_id in keys:
            raise ImproperlyConfigured(f"LANTERN_VAULT_KEYS names the key id '{key_id}' twice.")
        keys[key_id] = _decode_key(encoded, f"vault key '{key_id}'")
        order.append(key_id)
    if not keys:
        raise ImproperlyConfigured(
            "LANTERN_VAULT_KEYS (or LANTERN_VAULT_KEYS_FILE) must name at least one key."
        )
    return Keyring(order[0], keys, _decode_key(index_key_text, "LANTERN_VAULT_INDEX_KEY"))


@cache
def keyring() -> Keyring:
    return parse_keyring(settings.VAULT_KEYS, settings.VAULT_INDEX_KEY)


def new_key_text() -> str:
    return base64.b64encode(os.urandom(KEY_BYTES)).decode("ascii")


def seal(
    payload: dict[str, Any], *, binding: str, ring: Keyring | None = None
) -> tuple[str, bytes]:
    """Encrypt ``payload`` with the current key; ``binding`` (the record's reference) is authenticated.

    Binding the ciphertext to its reference means a blob copied onto another
    person's row fails to open instead of showing the wrong identity.
    """
    ring = ring or keyring()
    nonce = os.urandom(NONCE_BYTES)
    plaintext = json.dumps(payload, ensure_ascii=False, sort_keys=True).encode("utf-8")
    ciphertext = AESGCM(ring.keys[ring.current_id]).encrypt(
        nonce, plaintext, binding.encode("utf-8")
    )
    return ring.current_id, nonce + ciphertext


def unseal(
    key_id: str, blob: bytes, *, binding: str, ring: Keyring | None = None
) -> dict[str, Any]:
    ring = ring or keyring()
    key = ring.keys.get(key_id)
    if key is None:
        raise VaultError(
            f"the vault key '{key_id}' is not configured; add it to LANTERN_VAULT_KEYS."
        )
    try:
        plaintext = AESGCM(key).decrypt(
            blob[:NONCE_BYTES], blob[NONCE_BYTES:], binding.encode("utf-8")
        )
    except InvalidTag:
        raise VaultError(
            "an identity record failed its integrity check; it was altered or belongs to another record."
        ) from None
    opened: dict[str, Any] = json.loads(plaintext)
    return opened


def blind_index(name_key: str, *, ring: Keyring | None = None) -> str:
    """A keyed hash of one normalised name token: equal names meet, the name stays unknown."""
    ring = ring or keyring()
    return hmac.new(ring.index_key, name_key.encode("utf-8"), hashlib.sha256).hexdigest()
