"""Code-list entries as form choices and display labels, in the user's language."""

from __future__ import annotations

from django_stubs_ext import StrOrPromise

from lantern.core.models import CodeEntry


def code_choices(
    list_code: str, *, blank: StrOrPromise | None = None
) -> list[tuple[str, StrOrPromise]]:
    entries = CodeEntry.objects.filter(code_list__code=list_code, is_active=True).order_by(
        "sort_order", "code"
    )
    choices: list[tuple[str, StrOrPromise]] = [(entry.code, entry.label) for entry in entries]
    if list_code == "countries":
        choices.sort(key=lambda choice: str(choice[1]).casefold())
    return [("", blank), *choices] if blank is not None else choices


def code_labels(list_code: str) -> dict[str, str]:
    """Every entry's label, retired ones included, so old records still read well."""
    return {
        entry.code: entry.label for entry in CodeEntry.objects.filter(code_list__code=list_code)
    }
