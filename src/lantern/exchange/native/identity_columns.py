"""A person's identity as a row's columns, both ways: what an import seals into the vault and
what an export that may carry identities writes. Victims and accused persons share it; an
accused person's row has no phone or address columns."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from lantern.register.identity import Identity, IdentityDocument

IDENTITY_COLUMNS = (
    "given_name",
    "family_name",
    "patronymic",
    "birth_date",
    "birth_place",
    "phone",
    "address",
    "document_type",
    "document_number",
    "document_country",
)


def identity_of(
    values: dict[str, Any], columns: Sequence[str] = IDENTITY_COLUMNS
) -> Identity | None:
    """The identity the row gives, or None when it gives none (a stored one then stays).
    Only the first document has columns."""
    if not any(values.get(name) for name in columns):
        return None
    documents = []
    if values.get("document_type"):
        documents.append(
            IdentityDocument(
                type=values["document_type"],
                number=values.get("document_number") or "",
                issuing_country=values.get("document_country") or "",
            )
        )
    return Identity(
        given_name=values.get("given_name") or "",
        family_name=values.get("family_name") or "",
        patronymic=values.get("patronymic") or "",
        birth_date=values.get("birth_date"),
        birth_place=values.get("birth_place") or "",
        phone=values.get("phone") or "",
        address=values.get("address") or "",
        documents=documents,
    )


def identity_values(
    identity: Identity, columns: Sequence[str] = IDENTITY_COLUMNS
) -> dict[str, Any]:
    """The identity in ``columns``, as an import reads them (its first document only)."""
    document = identity.documents[0] if identity.documents else None
    values = {
        "given_name": identity.given_name,
        "family_name": identity.family_name,
        "patronymic": identity.patronymic,
        "birth_date": identity.birth_date,
        "birth_place": identity.birth_place,
        "phone": identity.phone,
        "address": identity.address,
        "document_type": document.type if document else "",
        "document_number": document.number if document else "",
        "document_country": document.issuing_country if document else "",
    }
    return {name: values[name] for name in columns}
