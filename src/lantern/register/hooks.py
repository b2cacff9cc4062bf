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
