from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django.views.i18n import set_language as django_set_language

from lantern.access import policy
from lantern.core.models import Organisation, OrganisationKind, User
from lantern.core.services import set_preferred_language


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = policy.acting_user(request.user)
    roles = sorted(str(role.get_role_display()) for role in user.roles.all())
    return render(request, "core/home.html", {"roles": roles})


@login_required
@require_GET
def organisation_directory(request: HttpRequest) -> HttpResponse:
    if not policy.can_view_directory(request.user):
        raise PermissionDenied
    query = request.GET.get("q", "").strip()[:100]
    kind = request.GET.get("kind", "")
    organisations = Organisation.objects.filter(is_active=True).select_related("parent", "region")
    if kind in OrganisationKind.values:
        organisations = organisations.filter(kind=kind)
    matching = [organisation for organisation in organisations if _matches(organisation, query)]
    context = {
        "tree": _as_tree(matching),
        "query": query,
        "kind": kind,
        "kinds": OrganisationKind.choices,
        "count": len(matching),
    }
    return render(request, "core/organisation_directory.html", context)


def _matches(organisation: Organisation, query: str) -> bool:
    """Names in every language, aliases, code and phone; a jurisdiction has tens of organisations, not thousands."""
    if not query:
        return True
    needle = query.casefold()
    haystack = [
        organisation.name_en,
        organisation.name_az,
        organisation.name_ru,
        organisation.code,
        organisation.phone,
        *organisation.aliases,
    ]
    return any(needle in text.casefold() for text in haystack)


def _as_tree(organisations: list[Organisation]) -> list[tuple[int, Organisation]]:
    """Depth-first (depth, organisation) pairs; an organisation whose parent is filtered out starts a root."""
    present = {organisation.pk for organisation in organisations}
    children: dict[int | None, list[Organisation]] = {}
    for organisation in organisations:
        parent = organisation.parent_id if organisation.parent_id in present else None
        children.setdefault(parent, []).append(organisation)
    for siblings in children.values():
        siblings.sort(key=lambda organisation: organisation.name.casefold())
    ordered: list[tuple[int, Organisation]] = []
    stack = [(0, organisation) for organisation in reversed(children.get(None, []))]
    while stack:
        depth, organisation = stack.pop()
        ordered.append((depth, organisation))
        stack.extend((depth + 1, child) for child in reversed(children.get(organisation.pk, [])))
    return ordered


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Switch the interface language and remember it: in a cookie, and on the account when signed in."""
    response = django_set_language(request)
    language = request.POST.get("language", "")
    if isinstance(request.user, User) and language in dict(settings.LANGUAGES):
        set_preferred_language(user=request.user, language=language)
    return response


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "database": _("not reachable")}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})
