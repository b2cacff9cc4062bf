"""The statistics area: statisticians and the coordinator pick a report and a period, read its
tables and their validation on the page, and download it. Only aggregates leave this module."""

from __future__ import annotations

import io
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from lantern.access import policy
from lantern.access.models import AccessAction
from lantern.access.services import client_address, record_access
from lantern.core.models import User
from lantern.statistics.forms import DownloadForm, PeriodForm, YearDownloadForm, YearForm
from lantern.statistics.reports import REPORTS, publishable, write_report

CONTENT_TYPES = {
    "json": "application/json",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def _statistician(request: HttpRequest) -> User:
    actor = policy.acting_user(request.user)
    if not policy.can_produce_statistics(actor):
        raise Http404
    return actor


def _build(
    request: HttpRequest, actor: User, code: str, data: dict[str, Any], what: str
) -> dict[str, Any]:
    """The report for the period; exact figures are recorded in the access log."""
    report = REPORTS[code].build(data["first_year"], data["last_year"])
    if data["public"]:
        return publishable(report)
    if actor.organisation is not None:
        record_access(
            actor=actor,
            action=AccessAction.STATISTICS,
            detail=f"{code} {data['first_year']}-{data['last_year']} {what}",
            client_address=client_address(request),
        )
    return report


@login_required
def statistics_home(request: HttpRequest) -> HttpResponse:
    _statistician(request)
    return render(
        request,
        "statistics/home.html",
        {
            "reports": [
                (kind, YearForm() if kind.one_year else PeriodForm()) for kind in REPORTS.values()
            ]
        },
    )


@login_required
def report_page(request: HttpRequest, code: str) -> HttpResponse:
    actor = _statistician(request)
    if code not in REPORTS:
        raise Http404
    kind = REPORTS[code]
    form = (YearForm if kind.one_year else PeriodForm)(request.GET or None)
    report = None
    if form.is_valid():
        report = _build(request, actor, code, form.cleaned_data, "page")
    return render(
        request,
        "statistics/report.html",
        {"kind": REPORTS[code], "form": form, "report": report, "query": request.GET.urlencode()},
        status=400 if form.errors else 200,
    )


@login_required
def report_download(request: HttpRequest, code: str) -> HttpResponse:
    actor = _statistician(request)
    if code not in REPORTS:
        raise Http404
    form = (YearDownloadForm if REPORTS[code].one_year else DownloadForm)(request.GET)
    if not form.is_valid():
        return HttpResponse(
            "; ".join(str(error) for errors in form.errors.values() for error in errors),
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    output_format = form.cleaned_data["output_format"]
    report = _build(request, actor, code, form.cleaned_data, output_format)
    buffer = io.BytesIO()
    write_report(report, output_format, buffer)
    first, last = form.cleaned_data["first_year"], form.cleaned_data["last_year"]
    name = f"{code}-{first}" if first == last else f"{code}-{first}-{last}"
    if form.cleaned_data["public"]:
        name += "-public"
    response = HttpResponse(buffer.getvalue(), content_type=CONTENT_TYPES[output_format])
    response["Content-Disposition"] = f'attachment; filename="{name}.{output_format}"'
    return response
