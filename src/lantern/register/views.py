"""The register's pages. Each asks ``access.policy``, calls one service and renders."""

from __future__ import annotations

import csv
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from lantern.access import policy
from lantern.access.models import AccessAction, AccessLogEntry, SecurityAlert
from lantern.access.services import client_address, record_access
from lantern.core.codes import code_labels
from lantern.core.models import Jurisdiction, Questionnaire, User
from lantern.register.forms import (
    CaseEditForm,
    DecisionForm,
    IdentityForm,
    LiftSealForm,
    QuickRegistrationForm,
    RegisterFilterForm,
    RevealForm,
    ScreeningForm,
    SealForm,
    StatusForm,
)
from lantern.register.hooks import timeline_sources
from lantern.register.identity import Identity, IdentityDocument, open_identity
from lantern.register.models import Case, Seal
from lantern.register.selectors import filter_cases, visible_case_or_404, with_summary
from lantern.register.services import (
    DecisionInput,
    RegisterError,
    Registration,
    SealInput,
    change_identity,
    change_status,
    delete_case,
    lift_seal,
    record_identification_decision,
    record_refused_reveal,
    record_screening,
    record_seal,
    register_presumed_victim,
    reveal_identity,
    update_case,
)

PAGE_SIZE = 50


def _visible_case(request: HttpRequest, reference: str) -> Case:
    return visible_case_or_404(request.user, reference)


def _show_errors(form: Any, error: RegisterError) -> None:
    for name, problems in error.errors.items():
        target = name if name in form.fields else None
        for problem in problems:
            form.add_error(target, problem)


@login_required
def register_list(request: HttpRequest) -> HttpResponse:
    actor = policy.acting_user(request.user)
    if not policy.can_see_any_case(actor):
        raise Http404
    form = RegisterFilterForm(request.GET or None)
    filters = form.filters()
    cases = filter_cases(
        policy.visible_cases(actor, Case.objects.all()),
        filters,
        organisation_id=actor.organisation_id,
    )
    page = Paginator(with_summary(cases), PAGE_SIZE).get_page(request.GET.get("page"))
    record_access(
        actor=actor,
        action=AccessAction.SEARCH_NAME if filters.searches_by_name else AccessAction.LIST_CASES,
        detail=f"register page {page.number}, {len(page.object_list)} row(s)",
        client_address=client_address(request),
    )
    context = {
        "form": form,
        "page": page,
        "sort": filters.sort,
        "query_without_sort": _query_without(request, "sort", "page"),
        "query_without_page": _query_without(request, "page"),
        "can_register": policy.can_register_case(actor),
        "can_export": policy.can_export_cases(actor),
        "forms_of_exploitation": code_labels("forms_of_exploitation"),
        "countries": code_labels("countries"),
        "sexes": code_labels("sexes"),
    }
    return render(request, "register/list.html", context)


def _query_without(request: HttpRequest, *names: str) -> str:
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()


@login_required
@require_http_methods(["GET", "POST"])
def register_new(request: HttpRequest) -> HttpResponse:
    actor = policy.acting_user(request.user)
    if not policy.can_register_case(actor):
        raise Http404
    home_country = Jurisdiction.objects.values_list("country", flat=True).first() or ""
    form = QuickRegistrationForm(request.POST or None, home_country=home_country)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        registration = Registration(
            citizenship=data["citizenship"],
            contact_channel=data["contact_channel"],
            sex=data["sex"],
            birth_year=data["birth_year"],
            is_child=data["is_child"],
            identity=Identity(
                given_name=data["given_name"].strip(), family_name=data["family_name"].strip()
            ),
            exploitation_forms=[data["exploitation_form"]] if data["exploitation_form"] else [],
        )
        try:
            case = register_presumed_victim(actor=actor, data=registration)
        except RegisterError as error:
            _show_errors(form, error)
        else:
            messages.success(
                request, _("Registered as %(reference)s.") % {"reference": case.reference}
            )
            return redirect("case-detail", reference=case.reference)
    return render(request, "register/new.html", {"form": form}, status=400 if form.errors else 200)


@login_required
def case_detail(request: HttpRequest, reference: str) -> HttpResponse:
    case = _visible_case(request, reference)
    actor = policy.acting_user(request.user)
    record_access(
        actor=actor,
        action=AccessAction.VIEW_CASE,
        person_reference=case.person.reference,
        case_reference=case.reference,
        client_address=client_address(request),
    )
    return render(request, "register/case.html", _case_context(request, actor, case))


def _timeline(case: Case) -> list[tuple[Any, str, Any]]:
    """Status changes, decisions and screenings in the order they happened."""
    events: list[tuple[Any, str, Any]] = []
    events += [
        (change.changed_at, "status", change)
        for change in case.status_changes.select_related("changed_by", "organisation")
    ]
    events += [
        (decision.recorded_at, "decision", decision)
        for decision in case.decisions.select_related("deciding_organisation", "decided_by")
    ]
    events += [
        (screening.screened_at, "screening", screening)
        for screening in case.screenings.select_related("questionnaire", "screened_by")
    ]
    for source in timeline_sources:
        events += [(event.at, "event", event) for event in source(case)]
    return sorted(events, key=lambda event: (event[0], event[1]))


def _case_context(request: HttpRequest, actor: User, case: Case, **extra: Any) -> dict[str, Any]:
    context: dict[str, Any] = {
        "case": case,
        "person": case.person,
        "forms": sorted(case.exploitation_forms.values_list("code", flat=True)),
        "countries": sorted(case.exploitation_countries.values_list("country", flat=True)),
        "control_means": sorted(case.control_means.values_list("code", flat=True)),
        "timeline": _timeline(case),
        "seals": case.person.seals.prefetch_related("permitted_organisations")
        if policy.can_record_seal(actor)
        else Seal.objects.none(),
        "history": case.history.select_related("history_user")[:20],
        "labels": {
            list_code: code_labels(list_code)
            for list_code in (
                "forms_of_exploitation",
                "countries",
                "sexes",
                "contact_channels",
                "exploitation_scopes",
                "means_of_control",
                "regions",
                "recruitment_channels",
                "ict_platforms",
            )
        },
        "reveal_form": RevealForm(),
        "status_form": StatusForm(initial={"version": case.version, "status": case.status}),
        "can_edit": policy.can_edit_case(actor, case),
        "can_decide": policy.can_decide_identification(actor, case),
        "can_seal": policy.can_record_seal(actor),
        "can_delete": policy.can_delete_case(actor, case),
        "questionnaires": Questionnaire.objects.filter(is_active=True),
    }
    context.update(extra)
    return context


@never_cache
@login_required
@require_POST
def case_identity(request: HttpRequest, reference: str) -> HttpResponse:
    """Show the identity after the user stated why; the page is never cached and the URL holds no name."""
    case = _visible_case(request, reference)
    actor = policy.acting_user(request.user)
    address = client_address(request)
    verified = bool(getattr(request.user, "is_verified", lambda: False)())
    if not policy.can_reveal_identity(actor, case, second_factor_verified=verified):
        record_refused_reveal(
            actor=actor, case=case, why="refused by the access policy", client_address=address
        )
        messages.error(request, _("The identity is not available to you for this case."))
        return redirect("case-detail", reference=case.reference)
    form = RevealForm(request.POST)
    identity: Identity | None = None
    if form.is_valid():
        try:
            identity = reveal_identity(
                actor=actor,
                case=case,
                reason_code=form.cleaned_data["reason_code"],
                reason_text=form.cleaned_data["reason_text"],
                client_address=address,
            )
        except RegisterError as error:
            _show_errors(form, error)
    context = _case_context(
        request,
        actor,
        case,
        reveal_form=form,
        identity=identity,
        identity_form=(
            IdentityForm(initial=_identity_initial(identity))
            if identity is not None and policy.can_edit_case(actor, case)
            else None
        ),
        countries_all=code_labels("countries"),
        document_types=code_labels("identity_document_types"),
    )
    return render(request, "register/case.html", context, status=200 if identity else 400)


@login_required
@require_http_methods(["GET", "POST"])
def case_edit(request: HttpRequest, reference: str) -> HttpResponse:
    case = _visible_case(request, reference)
    actor = policy.acting_user(request.user)
    if not policy.can_edit_case(actor, case):
        raise Http404
    initial = {
        "version": case.version,
        "sex": case.person.sex,
        "citizenship": case.person.citizenship,
        "region": case.person.region,
        "contact_channel": case.contact_channel,
        "exploitation_forms": list(case.exploitation_forms.values_list("code", flat=True)),
        "exploitation_scope": case.exploitation_scope,
        "exploitation_countries": list(
            case.exploitation_countries.values_list("country", flat=True)
        ),
        "exploitation_from": case.exploitation_from,
        "exploitation_to": case.exploitation_to,
        "recruitment_channel": case.recruitment_channel,
        "online_platform": case.online_platform,
        "control_means": list(case.control_means.values_list("code", flat=True)),
        "is_unaccompanied": case.is_unaccompanied,
    }
    form = CaseEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        changes = dict(form.cleaned_data)
        version = changes.pop("version")
        try:
            update_case(actor=actor, case=case, expected_version=version, changes=changes)
        except RegisterError as error:
            _show_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("case-detail", reference=case.reference)
    return render(
        request,
        "register/edit.html",
        {"form": form, "case": case},
        status=409
        if "version" in form.errors or (form.errors and form.non_field_errors())
        else 400
        if form.errors
        else 200,
    )


@login_required
@require_POST
def case_status(request: HttpRequest, reference: str) -> HttpResponse:
    case = _visible_case(request, reference)
    actor = policy.acting_user(request.user)
    if not policy.can_edit_case(actor, case):
        raise Http404
    form = StatusForm(request.POST)
    if form.is_valid():
        try:
            change_status(
                actor=actor,
                case=case,
                expected_version=form.cleaned_data["version"],
                status=form.cleaned_data["status"],
                reason=form.cleaned_data["reason"],
            )
        except RegisterError as error:
            for problems in error.errors.values():
                for problem in problems:
                    messages.error(request, problem)
        else:
            messages.success(request, _("Status changed."))
    return redirect("case-detail", reference=case.reference)


@login_required
@require_POST
def case_delete(request: HttpRequest, reference: str) -> HttpResponse:
    """Delete a case registered in error; refused, with the reason, while other records rely on it."""
    case = _visible_case(request, reference)
    actor = policy.acting_user(request.user)
    if not policy.can_delete_case(actor, case):
        raise Http404
    try:
        delete_case(
            actor=actor,
            case=case,
            reason=request.POST.get("reason", ""),
            client_address=client_address(request),
        )
    except RegisterError as error:
        for problems in error.errors.values():
            for problem in problems:
                messages.error(request, problem)
        return redirect("case-detail", reference=case.reference)
    messages.success(request, _("Case %(reference)s deleted.") % {"reference": reference})
    return redirect("register")


@login_required
@require_http_methods(["GET", "POST"])
def case_decision(request: HttpRequest, reference: str) -> HttpResponse:
    case = _visible_case(request, reference)
    actor = policy.acting_user(request.user)
    if not policy.can_decide_identification(actor, case):
        raise Http404
    form = DecisionForm(
        request.POST or None,
        initial={"version": case.version, "deciding_organisation": actor.organisation},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            record_identification_decision(
                actor=actor,
                case=case,
                expected_version=data["version"],
                decision=DecisionInput(
                    decided_on=data["decided_on"],
                    deciding_organisation=data["deciding_organisation"],
                    method=data["method"],
                    outcome=data["outcome"],
                    note=data["note"],
                ),
            )
        except RegisterError as error:
            _show_errors(form, error)
        else:
            messages.success(request, _("Decision recorded."))
            return redirect("case-detail", reference=case.reference)
    return render(
        request,
        "register/decision.html",
        {"form": form, "case": case},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_screening(request: HttpRequest, reference: str, questionnaire_code: str) -> HttpResponse:
    case = _visible_case(request, reference)
    actor = policy.acting_user(request.user)
    if not policy.can_edit_case(actor, case):
        raise Http404
    questionnaire = get_object_or_404(Questionnaire, code=questionnaire_code, is_active=True)
    form = ScreeningForm(request.POST or None, questionnaire=questionnaire)
    if request.method == "POST" and form.is_valid():
        try:
            screening = record_screening(
                actor=actor, case=case, questionnaire=questionnaire, answers=form.answers()
            )
        except RegisterError as error:
            _show_errors(form, error)
        else:
            rule = questionnaire.rules.get(code=screening.result)
            messages.success(request, f"{rule.label}: {rule.advice}")
            return redirect("case-detail", reference=case.reference)
    return render(
        request,
        "register/screening.html",
        {"form": form, "case": case, "questionnaire": questionnaire},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_seal(request: HttpRequest, reference: str) -> HttpResponse:
    case = _visible_case(request, reference)
    actor = policy.acting_user(request.user)
    if not policy.can_record_seal(actor):
        raise Http404
    form = SealForm(request.POST or None, initial={"permitted_organisations": [actor.organisation]})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            record_seal(
                actor=actor,
                person=case.person,
                data=SealInput(
                    data["authority"],
                    data["decision_number"],
                    data["decision_date"],
                    data["scope"],
                    list(data["permitted_organisations"]),
                ),
            )
        except RegisterError as error:
            _show_errors(form, error)
        else:
            messages.success(request, _("Seal recorded."))
            return redirect("case-detail", reference=case.reference)
    return render(
        request,
        "register/seal.html",
        {"form": form, "case": case},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def case_lift_seal(request: HttpRequest, reference: str, seal_id: int) -> HttpResponse:
    case = _visible_case(request, reference)
    actor = policy.acting_user(request.user)
    if not policy.can_record_seal(actor):
        raise Http404
    seal_record = get_object_or_404(Seal, pk=seal_id, person=case.person)
    form = LiftSealForm(request.POST)
    if form.is_valid():
        try:
            lift_seal(
                actor=actor, seal_record=seal_record, decision=form.cleaned_data["lifting_decision"]
            )
        except RegisterError as error:
            for problems in error.errors.values():
                for problem in problems:
                    messages.error(request, problem)
        else:
            messages.success(request, _("Seal lifted."))
    return redirect(reverse("case-detail", kwargs={"reference": case.reference}))


@login_required
def access_log(request: HttpRequest) -> HttpResponse:
    allowed = policy.access_log_filter(request.user)
    if allowed is None:
        raise Http404
    entries: QuerySet[AccessLogEntry] = AccessLogEntry.objects.filter(allowed).select_related(
        "user", "organisation"
    )
    username = request.GET.get("user", "").strip()
    action = request.GET.get("action", "")
    person = request.GET.get("person", "").strip().upper()
    if username:
        entries = entries.filter(user__username=username)
    if action in AccessAction.values:
        entries = entries.filter(action=action)
    if person:
        entries = entries.filter(person_reference=person)
    alerts = SecurityAlert.objects.filter(allowed).select_related("about_user")[:20]
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "alerts": alerts,
        "actions": AccessAction.choices,
        "username": username,
        "action": action,
        "person": person,
        "query_without_page": _query_without(request, "page"),
    }
    return render(request, "register/access_log.html", context)


EXPORT_COLUMNS = (
    "case", "person", "status", "registered_on", "registering_organisation", "contact_channel", "sex",
    "birth_year", "citizenship", "region", "forms_of_exploitation", "countries_of_exploitation",
    "exploitation_scope", "identified_on", "identifying_organisation", "identification_method",
    "child_at_registration", "child_at_identification", "age_at_identification", "unaccompanied_foreign_minor",
)  # fmt: skip


@login_required
def register_export(request: HttpRequest) -> HttpResponse:
    """The filtered register as CSV: references and coded attributes, never identities. Logged."""
    actor = policy.acting_user(request.user)
    if not policy.can_export_cases(actor):
        raise Http404
    filters = RegisterFilterForm(request.GET or None).filters()
    cases = with_summary(
        filter_cases(
            policy.visible_cases(actor, Case.objects.all()),
            filters,
            organisation_id=actor.organisation_id,
        )
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="register.csv"'
    writer = csv.writer(response)
    writer.writerow(EXPORT_COLUMNS)
    count = 0
    for case in cases.select_related("identifying_organisation").iterator(chunk_size=2000):
        count += 1
        writer.writerow(_export_row(case))
    record_access(
        actor=actor,
        action=AccessAction.EXPORT_CASES,
        detail=f"CSV, {count} case(s)",
        client_address=client_address(request),
    )
    return response


def _export_row(case: Case) -> list[Any]:
    return [
        case.reference, case.person.reference, case.status, timezone.localdate(case.registered_at).isoformat(),
        case.registering_organisation.code, case.contact_channel, case.person.sex, case.person.birth_year or "",
        case.person.citizenship, case.person.region, " ".join(sorted(form.code for form in case.exploitation_forms.all())),
        " ".join(sorted(country.country for country in case.exploitation_countries.all())), case.exploitation_scope,
        case.identified_on.isoformat() if case.identified_on else "",
        case.identifying_organisation.code if case.identifying_organisation else "", case.identification_method,
        case.child_at_registration, "" if case.child_at_identification is None else case.child_at_identification,
        "" if case.age_at_identification is None else case.age_at_identification, case.unaccompanied_foreign_minor,
    ]  # fmt: skip


def _identity_initial(identity: Identity) -> dict[str, Any]:
    document = identity.documents[0] if identity.documents else None
    return {
        "family_name": identity.family_name,
        "given_name": identity.given_name,
        "patronymic": identity.patronymic,
        "aliases": ", ".join(identity.aliases),
        "birth_date": identity.birth_date,
        "birth_place": identity.birth_place,
        "document_type": document.type if document else "",
        "document_number": document.number if document else "",
        "document_country": document.issuing_country if document else "",
        "phone": identity.phone,
        "address": identity.address,
        "next_of_kin": identity.next_of_kin,
    }


def _identity_from(data: dict[str, Any], previous: list[IdentityDocument]) -> Identity:
    documents = list(previous[1:])
    if data["document_type"]:
        documents.insert(
            0,
            IdentityDocument(
                type=data["document_type"],
                number=data["document_number"].strip(),
                issuing_country=data["document_country"],
            ),
        )
    return Identity(
        given_name=data["given_name"].strip(),
        family_name=data["family_name"].strip(),
        patronymic=data["patronymic"].strip(),
        aliases=[alias.strip() for alias in data["aliases"].split(",") if alias.strip()],
        birth_date=data["birth_date"],
        birth_place=data["birth_place"].strip(),
        documents=documents,
        phone=data["phone"].strip(),
        address=data["address"].strip(),
        next_of_kin=data["next_of_kin"].strip(),
    )


@never_cache
@login_required
@require_POST
def case_identity_edit(request: HttpRequest, reference: str) -> HttpResponse:
    """Save a corrected identity. Logged as an identity change; history never holds the values."""
    case = _visible_case(request, reference)
    actor = policy.acting_user(request.user)
    verified = bool(getattr(request.user, "is_verified", lambda: False)())
    if not (
        policy.can_edit_case(actor, case)
        and policy.can_reveal_identity(actor, case, second_factor_verified=verified)
    ):
        raise Http404
    form = IdentityForm(request.POST)
    if form.is_valid():
        try:
            change_identity(
                actor=actor,
                case=case,
                identity=_identity_from(form.cleaned_data, open_identity(case.person).documents),
                client_address=client_address(request),
            )
        except RegisterError as error:
            _show_errors(form, error)
        else:
            messages.success(request, _("Identity saved."))
            return redirect("case-detail", reference=case.reference)
    context = _case_context(request, actor, case, identity_form=form, identity=None)
    return render(request, "register/case.html", context, status=400)
