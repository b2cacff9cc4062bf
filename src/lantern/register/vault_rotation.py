"""Re-seal identities with the current vault key, batch by batch, while Lantern keeps running."""

from __future__ import annotations

from collections import Counter

from django.db import models, transaction
from django.utils import timezone

from lantern.access.vault import Keyring, keyring, seal, unseal
from lantern.register.hooks import sealed_identity_models
from lantern.register.models import PersonIdentity

BATCH_SIZE = 500


def _sealed_models() -> list[tuple[type[models.Model], str]]:
    """Victims' identities and every other sealed identity an app registered (accused persons)."""
    return [(PersonIdentity, "person"), *sealed_identity_models]


def identities_by_key() -> Counter[str]:
    counts: Counter[str] = Counter()
    for model, _owner in _sealed_models():
        counts.update(model._default_manager.values_list("key_id", flat=True))
    return counts


def rotate_identities(*, batch_size: int = BATCH_SIZE) -> int:
    """Re-seal every identity sealed with an older key; return how many were re-sealed.

    Each batch is its own transaction, and readers accept every configured key,
    so pages keep working during a rotation and an interrupted one simply resumes.
    """
    ring = keyring()
    return sum(_rotate_model(model, owner, ring, batch_size) for model, owner in _sealed_models())


def _rotate_model(model: type[models.Model], owner: str, ring: Keyring, batch_size: int) -> int:
    manager = model._default_manager
    rotated = 0
    while True:
        with transaction.atomic():
            batch = list(
                manager.select_for_update()
                .exclude(key_id=ring.current_id)
                .select_related(owner)
                .order_by("pk")[:batch_size]
            )
            if not batch:
                return rotated
            for record in batch:
                binding = getattr(record, owner).reference
                payload = unseal(record.key_id, bytes(record.sealed), binding=binding, ring=ring)  # type: ignore[attr-defined]
                record.key_id, record.sealed = seal(payload, binding=binding, ring=ring)  # type: ignore[attr-defined]
                record.updated_at = timezone.now()  # type: ignore[attr-defined]
            manager.bulk_update(batch, ["key_id", "sealed", "updated_at"])
            rotated += len(batch)
