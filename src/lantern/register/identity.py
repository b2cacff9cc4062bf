"""What a person's identity holds, and how it is sealed into and opened from the vault."""

from __future__ import annotations

import datetime
from dataclasses import asdict, dataclass, field
from typing import Any

from django.utils import timezone

from lantern.access.names import name_keys
from lantern.access.vault import blind_index, seal, unseal
from lantern.register.models import NameIndexEntry, Person, PersonIdentity

# Identity fields, as the access log names them when one is revealed.
IDENTITY_FIELDS = (
    "given_name",
    "family_name",
    "patronymic",
    "aliases",
    "birth_date",
    "birth_place",
    "documents",
    "phone",
    "address",
    "next_of_kin",
)


@dataclass
class IdentityDocument:
    type: str
    number: str
    issuing_country: str = ""


@dataclass
class Identity:
    given_name: str = ""
    family_name: str = ""
    patronymic: str = ""
    aliases: list[str] = field(default_factory=list)
    birth_date: datetime.date | None = None
    birth_place: str = ""
    documents: list[IdentityDocument] = field(default_factory=list)
    phone: str = ""
    address: str = ""
    next_of_kin: str = ""

    def searchable_text(self) -> str:
        return " ".join([self.given_name, self.family_name, self.patronymic, *self.aliases])

    def as_payload(self) -> dict[str, Any]:
        payload = asdict(self)
        payload["birth_date"] = self.birth_date.isoformat() if self.birth_date else None
        return payload

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> Identity:
        birth_date = payload.get("birth_date")
        return cls(
            given_name=payload.get("given_name", ""),
            family_name=payload.get("family_name", ""),
            patronymic=payload.get("patronymic", ""),
            aliases=list(payload.get("aliases", [])),
            birth_date=datetime.date.fromisoformat(birth_date) if birth_date else None,
            birth_place=payload.get("birth_place", ""),
            documents=[IdentityDocument(**document) for document in payload.get("documents", [])],
            phone=payload.get("phone", ""),
            address=payload.get("address", ""),
            next_of_kin=payload.get("next_of_kin", ""),
        )


def sealed_identity(
    person: Person, identity: Identity
) -> tuple[PersonIdentity, list[NameIndexEntry]]:
    """The sealed identity and name index of a person not saved with one yet, for bulk creation."""
    key_id, sealed = seal(identity.as_payload(), binding=person.reference)
    record = PersonIdentity(person=person, key_id=key_id, sealed=sealed, updated_at=timezone.now())
    digests = {blind_index(key) for key in name_keys(identity.searchable_text())}
    return record, [NameIndexEntry(person=person, digest=digest) for digest in sorted(digests)]


def store_identity(person: Person, identity: Identity) -> None:
    """Seal the identity and rebuild the person's name index; call inside the caller's transaction."""
    key_id, sealed = seal(identity.as_payload(), binding=person.reference)
    PersonIdentity.objects.update_or_create(
        person=person, defaults={"key_id": key_id, "sealed": sealed, "updated_at": timezone.now()}
    )
    NameIndexEntry.objects.filter(person=person).delete()
    digests = {blind_index(key) for key in name_keys(identity.searchable_text())}
    NameIndexEntry.objects.bulk_create(
        [NameIndexEntry(person=person, digest=digest) for digest in sorted(digests)]
    )


def open_identity(person: Person) -> Identity:
    record = PersonIdentity.objects.filter(person=person).first()
    if record is None:
        return Identity()
    return Identity.from_payload(
        unseal(record.key_id, bytes(record.sealed), binding=person.reference)
    )


def name_digests(text: str) -> list[str]:
    return [blind_index(key) for key in name_keys(text)]
