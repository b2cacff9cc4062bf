"""Extension points of the register: later apps add callables here from their AppConfig.ready().

The register cannot import the apps that build on it; this is how they act on its events,
inside the same transaction.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.db import models

    from lantern.core.models import User
    from lantern.register.models import Case

# Called with (case, actor) after a case is registered.
after_registration: list[Callable[[Case, User], None]] = []


@dataclass(frozen=True)
class TimelineEvent:
    """One line of a case's timeline contributed by another app."""

    at: datetime.datetime
    text: str
    by: str = ""
    organisation: str = ""


# Called with the case; each returns the events it knows of, for the case page's timeline.
timeline_sources: list[Callable[[Case], list[TimelineEvent]]] = []


# Called with a case about to be deleted; each returns one message per record that must keep it
# (for example "Criminal case 2310001 lists this case as a victim."). Any message refuses the deletion.
deletion_blockers: list[Callable[[Case], list[str]]] = []

# Other sealed identities (besides the register's own) that a key rotation re-seals: each model
# has ``key_id``, ``sealed`` and ``updated_at``, and is given with the name of its one-to-one
# owner, whose ``reference`` the sealed record is bound to.
sealed_identity_models: list[tuple[type[models.Model], str]] = []
