from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def get_item(mapping: dict[str, Any], key: str) -> Any:
    """A code's label: ``labels|get_item:code``; an unknown code shows as itself."""
    return mapping.get(key, key)
