"""Criminal proceedings rows: criminal cases with their victims, accused persons and judgments."""

from __future__ import annotations

from lantern.exchange.native.kinds import RecordKind

PROCEEDINGS_ROWS: tuple[RecordKind, ...] = ()
