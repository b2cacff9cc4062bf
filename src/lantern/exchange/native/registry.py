"""The kinds of rows Lantern's own format carries, by the name the CLI, web and API use.

The order is the order of import: cases first, then the events that name them, then the
criminal proceedings that link to both.
"""

from __future__ import annotations

from lantern.exchange.native.cases import CaseRows
from lantern.exchange.native.events import EVENT_ROWS
from lantern.exchange.native.kinds import RecordKind
from lantern.exchange.native.proceedings import PROCEEDINGS_ROWS

CASE_KIND: RecordKind = CaseRows()
EVENT_KINDS: dict[str, RecordKind] = {kind.name: kind for kind in (*EVENT_ROWS, *PROCEEDINGS_ROWS)}
KINDS: dict[str, RecordKind] = {CASE_KIND.name: CASE_KIND, **EVENT_KINDS}
