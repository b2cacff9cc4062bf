"""Importing an organisation's cases and events from a file: upload, follow, read the report.

Only those who may import into their organisation's register reach these pages; anyone else
finds nothing here (404), as elsewhere in Lantern.
"""

from __future__ import annotations

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from openpyxl import Workbook

from lantern.access import policy
from lantern.core.models import User
from lantern.exchange.forms import ImportForm, importable_kinds, kind_label, start_import
from lantern.exchange.models import ImportRun, RunStatus
from lantern.exchange.native.engine import ImportNotAllowed, write_report
from lantern.exchange.native.registry import EVENT_KINDS, KINDS
from lantern.exchange.native.templates import (
    XLSX_CONTENT_TYPE,
    events_workbook,
    kind_workbook,
    write_workbook,
)

RUNS_PER_PAGE = 25
PROBLEMS_PER_PAGE = 50
# Seconds between reloads of a page showing an import that is still running.
REFRESH_SECONDS = 5


def _importer(request: HttpRequest) -> User:
    actor = policy.acting_user(request.user)
    if not policy.can_import_register_data(actor):
        raise Http404
    return actor


def organisation_runs(user: User) -> QuerySet[ImportRun]:
    """The imports into the user's organisation's register, latest first."""
    if user.organisation_id is None:
        return ImportRun.objects.none()
    return ImportRun.objects.filter(organisation_id=user.organisation_id).select_related(
        "imported_by", "organisation"
    )


def visible_run(user: User, run_id: int) -> ImportRun:
    """The import run, for those who may read its report; 404 for everyone else."""
    run = ImportRun.objects.select_related("imported_by", "organisation").filter(pk=run_id).first()
    if run is None or not policy.can_view_import_run(user, run):
        raise Http404
    return run


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def imports(request: HttpRequest) -> HttpResponse:
    actor = _importer(request)
    posted = request.method == "POST"
    form = ImportForm(
        request.POST if posted else None, request.FILES if posted else None, actor=actor
    )
    if posted and form.is_valid():
        data = form.cleaned_data
        try:
            run_id = start_import(
                KINDS[data["kind"]],
                data["file"],
                actor,
                dry_run=data["dry_run"],
                atomic=data["atomic"],
            )
        except ImportNotAllowed:
            raise Http404 from None
        if run_id is None:
            messages.info(
                request,
                _("The file is being imported in the background; it appears below in a moment."),
            )
            return redirect("imports")
        return redirect("import-run", run_id=run_id)
    page = Paginator(organisation_runs(actor), RUNS_PER_PAGE).get_page(request.GET.get("page"))
    kinds = importable_kinds(actor)
    context = {
        "form": form,
        "page": page,
        "query_without_page": "",
        "templates": [(kind.name, kind_label(kind)) for kind in kinds],
        "kind_labels": {name: kind_label(kind) for name, kind in KINDS.items()},
        "has_events": any(kind.name in EVENT_KINDS for kind in kinds),
        "refreshes": any(run.status == RunStatus.RUNNING for run in page.object_list),
    }
    response = render(request, "exchange/imports.html", context, status=400 if form.errors else 200)
    if context["refreshes"]:
        response["Refresh"] = str(REFRESH_SECONDS)
    return response


@never_cache
@login_required
def import_run(request: HttpRequest, run_id: int) -> HttpResponse:
    run = visible_run(policy.acting_user(request.user), run_id)
    problems = Paginator(run.problems.all(), PROBLEMS_PER_PAGE).get_page(request.GET.get("page"))
    running = run.status == RunStatus.RUNNING
    kind = KINDS.get(run.kind)
    context = {
        "run": run,
        "kind_label": kind_label(kind) if kind else run.kind,
        "page": problems,
        "query_without_page": "",
        "running": running,
        "refresh_seconds": REFRESH_SECONDS,
        "separator": _("tab") if run.separator == "\t" else run.separator,
    }
    response = render(request, "exchange/run.html", context)
    if running:
        response["Refresh"] = str(REFRESH_SECONDS)
    return response


@login_required
def import_report(request: HttpRequest, run_id: int) -> HttpResponse:
    run = visible_run(policy.acting_user(request.user), run_id)
    buffer = io.StringIO()
    write_report(run, buffer)
    # The byte-order mark makes Excel read the report's letters as UTF-8.
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="import-{run.pk}-report.csv"'
    return response


@login_required
def import_template(request: HttpRequest, kind: str) -> HttpResponse:
    actor = _importer(request)
    record_kind = KINDS.get(kind)
    if record_kind is None or not record_kind.allowed(actor):
        raise Http404
    return _xlsx(kind_workbook(record_kind), f"lantern-{record_kind.name}.xlsx")


@login_required
def events_template(request: HttpRequest) -> HttpResponse:
    actor = _importer(request)
    kinds = [kind for kind in importable_kinds(actor) if kind.name in EVENT_KINDS]
    if not kinds:
        raise Http404
    return _xlsx(events_workbook(kinds), "lantern-events.xlsx")


def _xlsx(workbook: Workbook, file_name: str) -> HttpResponse:
    buffer = io.BytesIO()
    write_workbook(workbook, buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{file_name}"'
    return response
