"""Re-seal identities with the current vault key, batch by batch, while Lantern keeps running."""

from __future__ import annotations

from collections import Counter

from django.db import transaction
from django.utils import timezone

from lantern.access.vault import keyring, seal, unseal
from lantern.register.models import PersonIdentity

BATCH_SIZE = 500


def identities_by_key() -> Counter[str]:
    return Counter(PersonIdentity.objects.values_list("key_id", flat=True))


def rotate_identities(*, batch_size: int = BATCH_SIZE) -> int:
    """Re-seal every identity sealed with an older key; return how many were re-sealed.

    Each batch is its own transaction, and readers accept every configured key,
    so pages keep working during a rotation and an interrupted one simply resumes.
    """
    ring = keyring()
    rotated = 0
    while True:
        with transaction.atomic():
            batch = list(
                PersonIdentity.objects.select_for_update()
                .exclude(key_id=ring.current_id)
                .select_related("person")
                .order_by("pk")[:batch_size]
            )
            if not batch:
                return rotated
            for record in batch:
                payload = unseal(
                    record.key_id, bytes(record.sealed), binding=record.person.reference, ring=ring
                )
                record.key_id, record.sealed = seal(
                    payload, binding=record.person.reference, ring=ring
                )
                record.updated_at = timezone.now()
            PersonIdentity.objects.bulk_update(batch, ["key_id", "sealed", "updated_at"])
            rotated += len(batch)
