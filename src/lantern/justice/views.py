"""Pages of criminal proceedings, for the specialised police authority and the prosecution.

Every page asks ``access.policy`` first and answers 404 to anyone else. Names never travel in
a URL: searching for an accused person by name is a POST.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from lantern.access import policy
from lantern.access.services import client_address
from lantern.core.codes import code_labels
from lantern.core.models import Jurisdiction, User
from lantern.justice import forms as justice_forms
from lantern.justice.models import (
    AccusedPerson,
    CriminalCase,
    CriminalCaseStatus,
    DetectedFact,
    Judgment,
    WantedNotice,
)
from lantern.justice.selectors import accused_by_reference, criminal_case_numbered, linkable_case
from lantern.justice.services import (
    AccusedInput,
    ConvictionInput,
    CriminalCaseInput,
    FactInput,
    JudgmentInput,
    WantedInput,
    accused_named,
    change_status,
    link_accused,
    link_victim,
    make_judgment_final,
    open_criminal_case,
    put_on_wanted_list,
    record_accused,
    record_detention,
    record_extradition_request,
    record_fact,
    record_judgment,
    record_refused_accused_reveal,
    reveal_accused_identity,
)
from lantern.register.forms import RevealForm
from lantern.register.identity import Identity
from lantern.register.services import RegisterError

LABEL_LISTS = (
    "criminal_code_articles",
    "forms_of_exploitation",
    "countries",
    "sexes",
    "wanted_offences",
    "sentence_types",
    "fact_types",
    "ict_platforms",
    "aggravating_circumstances",
)


def _reader(request: HttpRequest) -> User:
    actor = policy.acting_user(request.user)
    if not policy.can_see_proceedings(actor):
        raise Http404
    return actor


def _recorder(request: HttpRequest) -> User:
    actor = _reader(request)
    if not policy.can_record_proceedings(actor):
        raise Http404
    return actor


def _labels() -> dict[str, dict[str, str]]:
    return {list_code: code_labels(list_code) for list_code in LABEL_LISTS}


def _report(request: HttpRequest, error: RegisterError) -> None:
    for problems in error.errors.values():
        for problem in problems:
            messages.error(request, problem)


def _report_form(request: HttpRequest, form: forms.Form) -> None:
    for name, problems in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        for problem in problems:
            messages.error(request, f"{label}: {problem}" if label else str(problem))


def _attach(form: forms.Form, error: RegisterError) -> None:
    for name, problems in error.errors.items():
        for problem in problems:
            form.add_error(name if name in form.fields else None, problem)


def _run(
    request: HttpRequest,
    form: forms.Form,
    action: Callable[[dict[str, Any]], object],
    done: str,
) -> None:
    """Validate a small form posted from a detail page, run ``action`` and say how it went."""
    if not form.is_valid():
        _report_form(request, form)
        return
    try:
        action(form.cleaned_data)
    except RegisterError as error:
        _report(request, error)
    else:
        messages.success(request, done)


# --- Criminal cases -----------------------------------------------------------------------------


@login_required
def criminal_cases(request: HttpRequest) -> HttpResponse:
    actor = _reader(request)
    rows = CriminalCase.objects.select_related("initiating_organisation").annotate(
        victim_count=Count("victims", distinct=True),
        accused_count=Count("accused", distinct=True),
    )
    status = request.GET.get("status", "")
    if status in CriminalCaseStatus.values:
        rows = rows.filter(status=status)
    year = request.GET.get("year", "")
    if year.isdigit():
        rows = rows.filter(initiated_on__year=int(year))
    return render(
        request,
        "justice/criminal_cases.html",
        {
            "rows": rows[:200],
            "statuses": CriminalCaseStatus.choices,
            "status": status,
            "year": year,
            "can_record": policy.can_record_proceedings(actor),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def criminal_case_new(request: HttpRequest) -> HttpResponse:
    actor = _recorder(request)
    form = justice_forms.CriminalCaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            criminal_case = open_criminal_case(
                actor=actor,
                data=CriminalCaseInput(
                    number=data["number"],
                    initiated_on=data["initiated_on"],
                    articles=data["articles"],
                    forms=data["forms_of_exploitation"],
                ),
            )
        except RegisterError as error:
            _attach(form, error)
        else:
            messages.success(
                request, _("Criminal case %(number)s recorded.") % {"number": criminal_case.number}
            )
            return redirect("criminal-case", pk=criminal_case.pk)
    return render(
        request,
        "justice/criminal_case_new.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


def _criminal_case(pk: int) -> CriminalCase:
    return get_object_or_404(CriminalCase.objects.select_related("initiating_organisation"), pk=pk)


@login_required
def criminal_case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _reader(request)
    criminal_case = _criminal_case(pk)
    home = Jurisdiction.objects.values_list("country", flat=True).first() or ""
    return render(
        request,
        "justice/criminal_case.html",
        {
            "criminal_case": criminal_case,
            "articles": criminal_case.articles.values_list("code", flat=True),
            "forms": criminal_case.exploitation_forms.values_list("code", flat=True),
            "history": criminal_case.status_changes.select_related("changed_by"),
            "victims": criminal_case.victims.select_related("case__person"),
            "accused": criminal_case.accused.select_related("accused"),
            "judgments": criminal_case.judgments.select_related("court").prefetch_related(
                "convictions__accused", "convictions__articles", "aggravating_circumstances"
            ),
            "facts": criminal_case.facts.all(),
            "labels": _labels(),
            "can_record": policy.can_record_proceedings(actor),
            "status_form": justice_forms.StatusForm(initial={"version": criminal_case.version}),
            "victim_form": justice_forms.LinkVictimForm(),
            "new_accused_form": justice_forms.NewAccusedForm(home_country=home),
            "link_accused_form": justice_forms.LinkAccusedForm(),
            "final_form": justice_forms.FinalForm(),
        },
    )


@login_required
@require_POST
def criminal_case_status(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _recorder(request)
    criminal_case = _criminal_case(pk)
    _run(
        request,
        justice_forms.StatusForm(request.POST),
        lambda data: change_status(
            actor=actor,
            criminal_case=criminal_case,
            expected_version=data["version"],
            to_status=data["to_status"],
            on=data["on"],
            reason=data["reason"],
        ),
        _("Status changed."),
    )
    return redirect("criminal-case", pk=pk)


@login_required
@require_POST
def criminal_case_victim(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _recorder(request)
    criminal_case = _criminal_case(pk)

    def link(data: dict[str, Any]) -> object:
        case = linkable_case(actor, data["case_reference"], field="case_reference")
        return link_victim(actor=actor, criminal_case=criminal_case, case=case, role=data["role"])

    _run(request, justice_forms.LinkVictimForm(request.POST), link, _("Victim linked."))
    return redirect("criminal-case", pk=pk)


@login_required
@require_POST
def criminal_case_new_accused(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _recorder(request)
    criminal_case = _criminal_case(pk)

    def add(data: dict[str, Any]) -> object:
        accused = record_accused(
            actor=actor,
            data=AccusedInput(
                identity=Identity(
                    family_name=data["family_name"].strip(),
                    given_name=data["given_name"].strip(),
                    patronymic=data["patronymic"].strip(),
                    birth_date=data["birth_date"],
                ),
                citizenship=data["citizenship"],
                sex=data["sex"],
                birth_year=data["birth_year"],
            ),
        )
        return link_accused(
            actor=actor, criminal_case=criminal_case, accused=accused, role=data["role"]
        )

    _run(request, justice_forms.NewAccusedForm(request.POST), add, _("Accused person recorded."))
    return redirect("criminal-case", pk=pk)


@login_required
@require_POST
def criminal_case_link_accused(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _recorder(request)
    criminal_case = _criminal_case(pk)

    def link(data: dict[str, Any]) -> object:
        accused = accused_by_reference(data["accused_reference"], field="accused_reference")
        return link_accused(
            actor=actor, criminal_case=criminal_case, accused=accused, role=data["role"]
        )

    _run(request, justice_forms.LinkAccusedForm(request.POST), link, _("Accused person linked."))
    return redirect("criminal-case", pk=pk)


# --- Judgments ----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def judgment_new(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _recorder(request)
    criminal_case = _criminal_case(pk)
    accused = {
        link.accused.pk: link.accused for link in criminal_case.accused.select_related("accused")
    }
    form = justice_forms.JudgmentForm(request.POST or None)
    convictions = justice_forms.ConvictionFormSet(
        request.POST or None,
        prefix="convictions",
        initial=[{"accused_id": pk} for pk in accused],
    )
    if request.method == "POST" and form.is_valid() and convictions.is_valid():
        try:
            data = form.cleaned_data
            record_judgment(
                actor=actor,
                criminal_case=criminal_case,
                data=JudgmentInput(
                    court=data["court"],
                    number=data["number"],
                    delivered_on=data["delivered_on"],
                    instance=data["instance"],
                    is_final=data["is_final"],
                    aggravating_circumstances=data["aggravating_circumstances"],
                    convictions=_convictions(convictions, accused),
                ),
            )
        except RegisterError as error:
            _attach(form, error)
        else:
            messages.success(request, _("Judgment recorded."))
            return redirect("criminal-case", pk=pk)
    rows = [
        (accused.get(row.initial.get("accused_id") or _posted_accused(row) or 0), row)
        for row in convictions.forms
    ]
    return render(
        request,
        "justice/judgment_new.html",
        {"criminal_case": criminal_case, "form": form, "convictions": convictions, "rows": rows},
        status=400 if form.errors or any(row.errors for row in convictions.forms) else 200,
    )


def _posted_accused(row: forms.Form) -> int | None:
    value = row.data.get(row.add_prefix("accused_id"))
    return int(value) if isinstance(value, str) and value.isdigit() else None


def _convictions(
    formset: forms.BaseFormSet[justice_forms.ConvictionForm], accused: dict[int, AccusedPerson]
) -> list[ConvictionInput]:
    result = []
    for row in formset.forms:
        data = row.cleaned_data
        if not data.get("convicted"):
            continue
        person = accused.get(data["accused_id"])
        if person is None:
            raise RegisterError({"__all__": [_("That person is not accused in this case.")]})
        result.append(
            ConvictionInput(
                accused=person,
                articles=data["articles"],
                form_of_exploitation=data["form_of_exploitation"],
                sentence_type=data["sentence_type"],
                duration_months=data["duration_months"],
                child_victim=data["child_victim"],
                property_confiscated=data["property_confiscated"],
                legal_person_liable=data["legal_person_liable"],
            )
        )
    return result


@login_required
@require_POST
def judgment_final(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _recorder(request)
    judgment = get_object_or_404(Judgment, pk=pk)
    _run(
        request,
        justice_forms.FinalForm(request.POST),
        lambda data: make_judgment_final(actor=actor, judgment=judgment, on=data["on"]),
        _("The judgment is recorded as final."),
    )
    return redirect("criminal-case", pk=judgment.criminal_case_id)


# --- Accused and wanted persons -----------------------------------------------------------------


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def accused_list(request: HttpRequest) -> HttpResponse:
    """Accused persons by reference; a name search is posted, so that no name lands in a URL."""
    _reader(request)
    searched = request.method == "POST"
    people = AccusedPerson.objects.all()
    if searched:
        people = accused_named(request.POST.get("name", ""), people)
    rows = people.annotate(case_count=Count("criminal_case_links"))
    return render(
        request,
        "justice/accused_list.html",
        {"rows": rows[:200], "searched": searched, "labels": _labels()},
    )


def _accused(reference: str) -> AccusedPerson:
    return get_object_or_404(AccusedPerson, reference=reference)


def _accused_context(actor: User, accused: AccusedPerson, **extra: Any) -> dict[str, Any]:
    context: dict[str, Any] = {
        "accused": accused,
        "links": accused.criminal_case_links.select_related("criminal_case"),
        "notices": accused.wanted.prefetch_related("extradition_requests"),
        "convictions": accused.convictions.select_related("judgment__court"),
        "labels": _labels(),
        "can_record": policy.can_record_proceedings(actor),
        "can_reveal": policy.can_reveal_accused_identity(
            actor, second_factor_verified=bool(getattr(actor, "is_verified", lambda: False)())
        ),
        "reveal_form": RevealForm(),
        "wanted_form": justice_forms.WantedForm(),
        "detention_form": justice_forms.DetentionForm(),
        "extradition_form": justice_forms.ExtraditionForm(),
    }
    context.update(extra)
    return context


@login_required
def accused_detail(request: HttpRequest, reference: str) -> HttpResponse:
    actor = _reader(request)
    return render(request, "justice/accused.html", _accused_context(actor, _accused(reference)))


@never_cache
@login_required
@require_POST
def accused_identity(request: HttpRequest, reference: str) -> HttpResponse:
    """The identity, after the user stated why; refused attempts are logged too."""
    actor = _reader(request)
    accused = _accused(reference)
    address = client_address(request)
    verified = bool(getattr(request.user, "is_verified", lambda: False)())
    if not policy.can_reveal_accused_identity(actor, second_factor_verified=verified):
        record_refused_accused_reveal(actor=actor, accused=accused, client_address=address)
        messages.error(request, _("The identity is not available to you."))
        return redirect("accused", reference=reference)
    form = RevealForm(request.POST)
    identity = None
    if form.is_valid():
        try:
            identity = reveal_accused_identity(
                actor=actor,
                accused=accused,
                reason_code=form.cleaned_data["reason_code"],
                reason_text=form.cleaned_data["reason_text"],
                client_address=address,
            )
        except RegisterError as error:
            _attach(form, error)
    return render(
        request,
        "justice/accused.html",
        _accused_context(actor, accused, reveal_form=form, identity=identity),
        status=200 if identity is not None else 400,
    )


@login_required
@require_POST
def accused_wanted(request: HttpRequest, reference: str) -> HttpResponse:
    actor = _recorder(request)
    accused = _accused(reference)
    _run(
        request,
        justice_forms.WantedForm(request.POST),
        lambda data: put_on_wanted_list(
            actor=actor,
            accused=accused,
            data=WantedInput(
                scope=data["scope"],
                offence=data["offence"],
                listed_on=data["listed_on"],
                believed_country=data["believed_country"],
                interpol_notice=data["interpol_notice"],
            ),
        ),
        _("Put on the wanted list."),
    )
    return redirect("accused", reference=reference)


@login_required
@require_POST
def wanted_detention(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _recorder(request)
    notice = get_object_or_404(WantedNotice.objects.select_related("accused"), pk=pk)
    _run(
        request,
        justice_forms.DetentionForm(request.POST),
        lambda data: record_detention(
            actor=actor,
            notice=notice,
            detained_on=data["detained_on"],
            handed_to_prosecution=data["handed_to_prosecution"],
        ),
        _("Detention recorded."),
    )
    return redirect("accused", reference=notice.accused.reference)


@login_required
@require_POST
def wanted_extradition(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _recorder(request)
    notice = get_object_or_404(WantedNotice.objects.select_related("accused"), pk=pk)
    _run(
        request,
        justice_forms.ExtraditionForm(request.POST),
        lambda data: record_extradition_request(
            actor=actor,
            notice=notice,
            requested_country=data["requested_country"],
            sent_on=data["sent_on"],
        ),
        _("Extradition request recorded."),
    )
    return redirect("accused", reference=notice.accused.reference)


@login_required
def wanted_list(request: HttpRequest) -> HttpResponse:
    _reader(request)
    notices = WantedNotice.objects.select_related("accused").filter(
        detained_on__isnull=True, withdrawn_on__isnull=True
    )
    return render(
        request,
        "justice/wanted.html",
        {"notices": notices[:500], "labels": _labels()},
    )


# --- Detected facts -----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def facts(request: HttpRequest) -> HttpResponse:
    actor = _reader(request)
    form = justice_forms.FactForm(request.POST or None)
    if request.method == "POST":
        _recorder(request)
        if form.is_valid():
            try:
                fact = record_fact(actor=actor, data=_fact_input(actor, form.cleaned_data))
            except RegisterError as error:
                _attach(form, error)
            else:
                messages.success(
                    request, _("Fact %(reference)s recorded.") % {"reference": fact.reference}
                )
                return redirect("facts")
    rows = DetectedFact.objects.select_related("criminal_case", "detecting_organisation")
    fact_type = request.GET.get("type", "")
    if fact_type:
        rows = rows.filter(fact_type=fact_type)
    return render(
        request,
        "justice/facts.html",
        {
            "form": form,
            "rows": rows.prefetch_related("platforms").annotate(victim_count=Count("victims"))[
                :200
            ],
            "labels": _labels(),
            "can_record": policy.can_record_proceedings(actor),
        },
        status=400 if form.errors else 200,
    )


def _fact_input(actor: User, data: dict[str, Any]) -> FactInput:
    return FactInput(
        fact_type=data["fact_type"],
        detected_on=data["detected_on"],
        through_ict=data["through_ict"],
        platforms=data["platforms"],
        victim_cases=[
            linkable_case(actor, reference, field="victim_references")
            for reference in data["victim_references"].split()
        ],
        criminal_case=criminal_case_numbered(
            data["criminal_case_number"], field="criminal_case_number"
        ),
    )
