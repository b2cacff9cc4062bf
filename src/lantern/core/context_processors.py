from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from lantern.access import policy
from lantern.core.models import Jurisdiction


def installation(request: HttpRequest) -> dict[str, Any]:
    return {
        "demo_mode": settings.DEMO_MODE,
        "jurisdiction": Jurisdiction.objects.first(),
        "can_use_admin": policy.can_use_admin(request.user)
        or policy.can_view_security_events(request.user),
        "can_see_register": policy.can_see_any_case(request.user),
        "can_read_access_log": policy.access_log_filter(request.user) is not None,
        "can_see_deadline_queue": policy.can_see_deadline_queue(request.user),
        "can_see_deadline_counts": policy.can_see_deadline_counts(request.user),
        "can_log_contact": policy.can_log_contact(request.user),
        "can_see_proceedings": policy.can_see_proceedings(request.user),
        "can_produce_statistics": policy.can_produce_statistics(request.user),
        "can_import_register_data": policy.can_import_register_data(request.user),
        "can_see_hotline_counts": policy.can_see_hotline_counts(request.user),
    }
