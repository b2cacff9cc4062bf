"""The annual report's charts (seed 000:189-309), drawn from the report's own tables as PNG.

Pure functions of the report dict, like the writers: the charts of a public report show only
what its tables show (a hidden count is drawn as no bar, labelled with the pack's text). Labels
are the tables' column labels, already in the reader's language (they come from the pack's code
lists); titles go through gettext. matplotlib runs on the Agg backend, without pyplot, so that
nothing needs a display or the network and concurrent requests share no state.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any, NamedTuple

import matplotlib
from django.utils.translation import gettext as _

matplotlib.use("Agg")

from matplotlib.axes import Axes
from matplotlib.figure import Figure

SIZE = (6.0, 3.5)  # inches
DPI = 110
COLOURS = ("#1f4e79", "#c55a11", "#548235", "#7f6000", "#7030a0", "#2e75b6", "#a5a5a5")
MOST_BARS = 12  # categories beyond these are summed into "Other"

Chart = tuple[str, bytes]
_Values = list[tuple[str, int | None, str]]  # label, count (None when hidden), text shown


def _table(report: Mapping[str, Any], table_id: str) -> Mapping[str, Any] | None:
    tables: list[Mapping[str, Any]] = report.get("tables") or []
    return next((table for table in tables if table.get("id") == table_id), None)


def _count(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        try:
            return int(Decimal(value))
        except InvalidOperation:
            return None
    return None


def _shown(value: Any) -> str:
    return "" if value is None else str(value)


def _group(table: Mapping[str, Any], row: str, group: str) -> _Values:
    """The group's non-zero columns in one row: label, count and the text to show."""
    cells = table.get("cells", {}).get(row, {})
    values: _Values = []
    for column in table.get("columns", []):
        if column.get("group") != group:
            continue
        raw = cells.get(column["id"], 0)
        count = _count(raw)
        if count == 0:
            continue
        values.append((str(column.get("label", column["id"])), count, _shown(raw)))
    return values


def _ranked(values: _Values, other: str) -> _Values:
    """Largest first; beyond MOST_BARS, the rest together as ``other``."""
    ranked = sorted(values, key=lambda item: (-(item[1] or 0), item[0].casefold()))
    if len(ranked) <= MOST_BARS:
        return ranked
    head, tail = ranked[: MOST_BARS - 1], ranked[MOST_BARS - 1 :]
    if any(count is None for _label, count, _text in tail):
        return ranked[:MOST_BARS]
    rest = sum(count or 0 for _label, count, _text in tail)
    return [*head, (other, rest, str(rest))]


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()


def _figure(title: str) -> tuple[Figure, Axes]:
    figure = Figure(figsize=SIZE, dpi=DPI, layout="constrained")
    axes = figure.add_subplot()
    axes.set_title(title, fontsize=10, wrap=True)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    return figure, axes


def _nothing(axes: Axes, text: str) -> None:
    axes.set_axis_off()
    axes.text(0.5, 0.5, text, ha="center", va="center", transform=axes.transAxes, fontsize=9)


def bars(title: str, values: _Values, *, horizontal: bool, empty: str) -> bytes:
    """One bar per category, each labelled with its count (or the text hiding it)."""
    figure, axes = _figure(title)
    if not values:
        _nothing(axes, empty)
        return _png(figure)
    labels = [label for label, _count, _text in values]
    heights = [count or 0 for _label, count, _text in values]
    positions = list(range(len(values)))
    if horizontal:
        drawn = axes.barh(positions, heights, color=COLOURS[0])
        axes.set_yticks(positions, labels=labels, fontsize=8)
        axes.invert_yaxis()
        axes.tick_params(axis="x", labelsize=8)
    else:
        drawn = axes.bar(positions, heights, color=COLOURS[0])
        axes.set_xticks(positions, labels=labels, fontsize=8, rotation=0 if len(values) < 9 else 45)
        axes.tick_params(axis="y", labelsize=8)
    axes.bar_label(drawn, labels=[text for _label, _count, text in values], fontsize=7, padding=2)
    axes.margins(x=0.12 if horizontal else 0.02, y=0.02 if horizontal else 0.12)
    return _png(figure)


def pie(title: str, values: _Values, *, empty: str) -> bytes:
    """Shares of a whole, as "Label – 35 (38%)"; hidden counts are listed beside it, undrawn."""
    figure, axes = _figure(title)
    drawn = [(label, count, text) for label, count, text in values if count]
    if not drawn:
        _nothing(axes, empty)
        return _png(figure)
    total = sum(count or 0 for _label, count, _text in drawn)
    hidden = [f"{label} – {text}" for label, count, text in values if count is None]
    # With a slice hidden the whole is unknown, so no share is printed.
    labels = [
        f"{label} – {text}"
        if hidden
        else f"{label} – {text} ({round(100 * (count or 0) / total)}%)"
        for label, count, text in drawn
    ]
    wedges, _texts = axes.pie(
        [count or 0 for _label, count, _text in drawn],
        colors=COLOURS[: len(drawn)] if len(drawn) <= len(COLOURS) else None,
        startangle=90,
        counterclock=False,
        wedgeprops={"linewidth": 1, "edgecolor": "white"},
    )
    axes.legend(
        wedges,
        labels,
        loc="center left",
        bbox_to_anchor=(1.0, 0.5),
        fontsize=8,
        frameon=False,
        title="\n".join(hidden) or None,
        title_fontsize=8,
    )
    axes.set_aspect("equal")
    return _png(figure)


def series(
    title: str,
    rows: Sequence[str],
    lines: Sequence[tuple[str, Sequence[Any]]],
    *,
    stacked: bool,
    empty: str,
) -> bytes:
    """Counts per year: bars side by side, or stacked, one colour per series."""
    figure, axes = _figure(title)
    if not rows or not lines:
        _nothing(axes, empty)
        return _png(figure)
    positions = list(range(len(rows)))
    width = 0.8 if stacked or len(lines) == 1 else 0.8 / len(lines)
    bottoms = [0] * len(rows)
    for index, (name, raw) in enumerate(lines):
        counts = [_count(value) or 0 for value in raw]
        texts = ["" if _count(value) == 0 else _shown(value) for value in raw]
        offset = 0.0 if stacked else (index - (len(lines) - 1) / 2) * width
        drawn = axes.bar(
            [position + offset for position in positions],
            counts,
            width,
            bottom=bottoms if stacked else None,
            label=name,
            color=COLOURS[index % len(COLOURS)],
        )
        axes.bar_label(drawn, labels=texts, fontsize=6, label_type="center" if stacked else "edge")
        if stacked:
            bottoms = [bottom + count for bottom, count in zip(bottoms, counts, strict=True)]
    axes.set_xticks(positions, labels=list(rows), fontsize=8, rotation=0 if len(rows) < 10 else 45)
    axes.tick_params(axis="y", labelsize=8)
    if len(lines) > 1:
        axes.legend(fontsize=8, frameon=False)
    return _png(figure)


# --- The annex ------------------------------------------------------------------------------------


def _year(report: Mapping[str, Any]) -> str:
    return str((report.get("period") or {}).get("to", ""))


def _per_year(
    report: Mapping[str, Any],
    table_id: str,
    title: Callable[[str, str], str],
    columns: Sequence[str],
) -> Chart | None:
    table = _table(report, table_id)
    if table is None:
        return None
    rows = [str(row) for row in table.get("rows", [])]
    labels = {column["id"]: str(column.get("label", column["id"])) for column in table["columns"]}
    lines = [
        (labels[column], [table["cells"].get(row, {}).get(column, 0) for row in rows])
        for column in columns
        if column in labels
    ]
    # A series with nothing in any year (no "Not recorded" sex, say) is left out of the legend.
    lines = [line for line in lines if any(_count(value) != 0 for value in line[1])] or lines[:1]
    caption = title(rows[0] if rows else "", rows[-1] if rows else "")
    return caption, series(caption, rows, lines, stacked=len(lines) > 1, empty=_("No records."))


def _one_year(
    report: Mapping[str, Any],
    table_id: str,
    group: str,
    title: str,
    *,
    kind: str,
) -> Chart | None:
    table = _table(report, table_id)
    if table is None:
        return None
    values = _group(table, _year(report), group)
    empty = _("No records.")
    if kind == "pie":
        return title, pie(title, values, empty=empty)
    return title, bars(title, _ranked(values, _("Other")), horizontal=True, empty=empty)


# The annex, in the order of seed 000, each chart under an id that stays the same in every
# language and year: a Word template names a chart by it ({{ chart.victims_by_sex }}).
ANNUAL_CHARTS: tuple[tuple[str, Callable[[Mapping[str, Any]], Chart | None]], ...] = (
    (
        "victims_per_year",
        lambda report: _per_year(
            report,
            "victims",
            lambda first, last: (
                _("Victims identified, %(first)s–%(last)s") % {"first": first, "last": last}
            ),
            ["total"],
        ),
    ),
    (
        "victims_by_sex",
        lambda report: _one_year(
            report,
            "victims",
            "sex",
            _("Victims identified in %(year)s, by sex") % {"year": _year(report)},
            kind="pie",
        ),
    ),
    (
        "victims_by_age",
        lambda report: _one_year(
            report,
            "victims",
            "age",
            _("Victims identified in %(year)s, by age") % {"year": _year(report)},
            kind="pie",
        ),
    ),
    (
        "victims_countries",
        lambda report: _one_year(
            report,
            "victims_countries",
            "country",
            _("Countries where the victims identified in %(year)s were exploited")
            % {"year": _year(report)},
            kind="bars",
        ),
    ),
    (
        "victims_citizenship",
        lambda report: _one_year(
            report,
            "victims_citizenship",
            "citizenship",
            _("Citizenship of the victims identified in %(year)s") % {"year": _year(report)},
            kind="bars",
        ),
    ),
    (
        "victims_regions",
        lambda report: _one_year(
            report,
            "victims_regions",
            "region",
            _("Victims identified in %(year)s, by region of residence") % {"year": _year(report)},
            kind="bars",
        ),
    ),
    (
        "wanted_per_year",
        lambda report: _per_year(
            report,
            "wanted",
            lambda first, last: (
                _("Suspects put on a wanted list, %(first)s–%(last)s")
                % {"first": first, "last": last}
            ),
            ["scope.local", "scope.international"],
        ),
    ),
    (
        "convicted_per_year",
        lambda report: _per_year(
            report,
            "convicted",
            lambda first, last: (
                _("Persons found guilty, by sex, %(first)s–%(last)s")
                % {"first": first, "last": last}
            ),
            ["sex.female", "sex.male", "sex.unknown"],
        ),
    ),
    (
        "facts_by_type",
        lambda report: _one_year(
            report,
            "facts",
            "type",
            _("Facts detected in %(year)s, by type") % {"year": _year(report)},
            kind="pie",
        ),
    ),
    (
        "wanted_international_countries",
        lambda report: _one_year(
            report,
            "wanted_international",
            "country",
            _("Countries where suspects wanted through Interpol are believed to hide, %(year)s")
            % {"year": _year(report)},
            kind="bars",
        ),
    ),
    (
        "hotline_per_year",
        lambda report: _per_year(
            report,
            "hotline",
            lambda first, last: (
                _("Hotline contacts, %(first)s–%(last)s") % {"first": first, "last": last}
            ),
            ["total"],
        ),
    ),
)
ANNUAL_CHART_IDS = tuple(chart_id for chart_id, _draw in ANNUAL_CHARTS)


class IdentifiedChart(NamedTuple):
    id: str
    caption: str
    png: bytes


def identified_annual_charts(report: Mapping[str, Any]) -> list[IdentifiedChart]:
    """The annex of charts with their ids, for each chart whose table the report has."""
    made = []
    for chart_id, draw in ANNUAL_CHARTS:
        chart = draw(report)
        if chart is not None:
            made.append(IdentifiedChart(chart_id, *chart))
    return made


def annual_charts(report: Mapping[str, Any]) -> list[Chart]:
    """The annex of charts: (caption, PNG) for each chart whose table the report has."""
    return [(chart.caption, chart.png) for chart in identified_annual_charts(report)]
