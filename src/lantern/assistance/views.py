"""A case's assistance page: benefits paid and residence permits."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lantern.access import policy
from lantern.assistance.forms import (
    AdmissionForm,
    CompensationForm,
    DischargeForm,
    ExtensionForm,
    LegalAidForm,
    PaymentForm,
    PlanForm,
    PlanItemForm,
    PlanReviewForm,
    RepatriationForm,
    ResidencePermitForm,
    ServiceForm,
)
from lantern.assistance.models import PlanItem, RehabilitationPlan, ShelterStay
from lantern.assistance.services import (
    add_plan_item,
    admit_to_shelter,
    chains_of,
    create_plan,
    current_stays,
    discharge,
    extend_stay,
    occupancy,
    protection_from_expulsion,
    record_compensation_claim,
    record_legal_aid,
    record_payment,
    record_repatriation,
    record_residence_permit,
    record_service,
    review_plan,
    set_plan_item_status,
    stay_warnings,
)
from lantern.core.codes import code_labels
from lantern.register.models import Case
from lantern.register.selectors import visible_case_or_404
from lantern.register.services import RegisterError


def _visible_case(request: HttpRequest, reference: str) -> Case:
    return visible_case_or_404(request.user, reference)


@login_required
def case_assistance(request: HttpRequest, reference: str) -> HttpResponse:
    case = _visible_case(request, reference)
    actor = policy.acting_user(request.user)
    context = {
        "case": case,
        "payments": case.payments.select_related("benefit", "payer"),
        "chains": chains_of(case),
        "plans": case.rehabilitation_plans.prefetch_related("items__provider", "reviews"),
        "protection": protection_from_expulsion(case, timezone.localdate()),
        "services": case.services_delivered.select_related("provider", "family_member"),
        "claims": case.compensation_claims.prefetch_related("receipts"),
        "legal_aid": case.legal_aid.all(),
        "repatriations": case.repatriations.all(),
        "exemptions": case.work_permit_exemptions.all(),
        "service_labels": code_labels("service_types"),
        "stays": case.shelter_stays.select_related("shelter"),
        "can_record": policy.can_record_assistance(actor, case),
        "payment_form": PaymentForm(),
        "permit_form": ResidencePermitForm(case=case),
        "plan_form": PlanForm(initial={"requested_on": timezone.localdate()}),
        "item_form": PlanItemForm(),
        "service_form": ServiceForm(),
        "admission_form": AdmissionForm(initial={"admitted_on": timezone.localdate()}),
        "discharge_form": DischargeForm(initial={"discharged_on": timezone.localdate()}),
        "extension_form": ExtensionForm(),
        "review_form": PlanReviewForm(initial={"reviewed_on": timezone.localdate()}),
        "compensation_form": CompensationForm(),
        "legal_aid_form": LegalAidForm(initial={"started_on": timezone.localdate()}),
        "repatriation_form": RepatriationForm(initial={"repatriated_on": timezone.localdate()}),
        "can_admit": policy.can_record_shelter_stay(actor, case),
        "actor_organisation_id": actor.organisation_id,
    }
    return render(request, "assistance/case.html", context)


def _report(request: HttpRequest, errors: dict[str, list[str]]) -> None:
    for name, problems in errors.items():
        for problem in problems:
            messages.error(
                request, problem if name == "__all__" else f"{name.replace('_', ' ')}: {problem}"
            )


@login_required
def shelter_occupancy(request: HttpRequest) -> HttpResponse:
    """Today's residents by reference, free places and what the rules flag. Never a name."""
    actor = policy.acting_user(request.user)
    if not policy.can_see_occupancy(actor) or actor.organisation is None:
        raise Http404
    today = timezone.localdate()
    stays = current_stays(actor.organisation, today).select_related("case")
    context = {
        "shelter": actor.organisation,
        "places": occupancy(actor.organisation, today),
        "residents": [(stay, stay_warnings(stay, today)) for stay in stays],
        "today": today,
    }
    return render(request, "assistance/occupancy.html", context)


def _plan_action(request: HttpRequest, actor: Any, case: Case, item: int | None) -> str:
    form = PlanForm(request.POST)
    form.is_valid()
    create_plan(actor=actor, case=case, requested_on=form.cleaned_data.get("requested_on"))
    return _("Plan drawn up.")


def _plan_item_action(request: HttpRequest, actor: Any, case: Case, item: int | None) -> str:
    plan = get_object_or_404(RehabilitationPlan, pk=item, case=case)
    form = PlanItemForm(request.POST)
    if not form.is_valid():
        _report(
            request,
            {
                name: [str(problem) for problem in problems]
                for name, problems in form.errors.items()
            },
        )
        return ""
    data = form.cleaned_data
    add_plan_item(
        actor=actor,
        plan=plan,
        direction=data["direction"],
        provider=data["provider"],
        target_date=data["target_date"],
        victim_agreed_on=data["victim_agreed_on"],
        representative_agreed_on=data["representative_agreed_on"],
    )
    return _("Plan item added.")


def _item_status_action(request: HttpRequest, actor: Any, case: Case, item: int | None) -> str:
    plan_item = get_object_or_404(PlanItem, pk=item, plan__case=case)
    set_plan_item_status(actor=actor, item=plan_item, status=request.POST.get("status", ""))
    return _("Plan item updated.")


def _service_action(request: HttpRequest, actor: Any, case: Case, item: int | None) -> str:
    form = ServiceForm(request.POST)
    if not form.is_valid():
        _report(
            request,
            {
                name: [str(problem) for problem in problems]
                for name, problems in form.errors.items()
            },
        )
        return ""
    data = form.cleaned_data
    record_service(
        actor=actor,
        case=case,
        service_type=data["service_type"],
        provider=data["provider"],
        delivered_on=data["delivered_on"],
        outcome=data["outcome"],
    )
    return _("Service recorded.")


def _admit_action(request: HttpRequest, actor: Any, case: Case, item: int | None) -> str:
    if not policy.can_record_shelter_stay(actor, case):
        raise Http404
    form = AdmissionForm(request.POST)
    form.is_valid()
    data = form.cleaned_data
    admit_to_shelter(
        actor=actor,
        case=case,
        admitted_on=data.get("admitted_on"),
        reason=data.get("reason", ""),
        capacity_override_reason=data.get("capacity_override_reason", ""),
        may_override=policy.can_override_shelter_capacity(actor),
    )
    return _("Admitted.")


def _discharge_action(request: HttpRequest, actor: Any, case: Case, item: int | None) -> str:
    stay = get_object_or_404(ShelterStay, pk=item, case=case)
    form = DischargeForm(request.POST)
    form.is_valid()
    data = form.cleaned_data
    discharge(
        actor=actor,
        stay=stay,
        discharged_on=data.get("discharged_on"),
        reason=data.get("reason", ""),
        destination=data.get("destination", ""),
    )
    return _("Discharged.")


def _clean(request: HttpRequest, form: Any) -> dict[str, Any] | None:
    if form.is_valid():
        data: dict[str, Any] = form.cleaned_data
        return data
    _report(
        request,
        {name: [str(problem) for problem in problems] for name, problems in form.errors.items()},
    )
    return None


def _extend_action(request: HttpRequest, actor: Any, case: Case, item: int | None) -> str:
    stay = get_object_or_404(ShelterStay, pk=item, case=case)
    data = _clean(request, ExtensionForm(request.POST))
    if data is None:
        return ""
    extend_stay(actor=actor, stay=stay, until=data["until"], reason=data["reason"])
    return _("Stay extended.")


def _review_action(request: HttpRequest, actor: Any, case: Case, item: int | None) -> str:
    plan = get_object_or_404(RehabilitationPlan, pk=item, case=case)
    data = _clean(request, PlanReviewForm(request.POST))
    if data is None:
        return ""
    review_plan(actor=actor, plan=plan, reviewed_on=data["reviewed_on"], note=data["note"])
    return _("Review recorded.")


def _compensation_action(request: HttpRequest, actor: Any, case: Case, item: int | None) -> str:
    data = _clean(request, CompensationForm(request.POST))
    if data is None:
        return ""
    record_compensation_claim(actor=actor, case=case, **data)
    return _("Compensation claim recorded.")


def _legal_aid_action(request: HttpRequest, actor: Any, case: Case, item: int | None) -> str:
    data = _clean(request, LegalAidForm(request.POST))
    if data is None:
        return ""
    record_legal_aid(actor=actor, case=case, **data)
    return _("Legal aid recorded.")


def _repatriation_action(request: HttpRequest, actor: Any, case: Case, item: int | None) -> str:
    data = _clean(request, RepatriationForm(request.POST))
    if data is None:
        return ""
    record_repatriation(actor=actor, case=case, **data)
    return _("Repatriation recorded.")


def _payment_action(request: HttpRequest, actor: Any, case: Case, item: int | None) -> str:
    data = _clean(request, PaymentForm(request.POST))
    if data is None:
        return ""
    record_payment(actor=actor, case=case, **data)
    return _("Payment recorded.")


def _permit_action(request: HttpRequest, actor: Any, case: Case, item: int | None) -> str:
    data = _clean(request, ResidencePermitForm(request.POST, case=case))
    if data is None:
        return ""
    record_residence_permit(actor=actor, case=case, **data)
    return _("Residence permit recorded.")


ACTIONS: dict[str, Callable[[HttpRequest, Any, Case, int | None], str]] = {
    "payment": _payment_action,
    "residence-permit": _permit_action,
    "extend": _extend_action,
    "review": _review_action,
    "compensation": _compensation_action,
    "legal-aid": _legal_aid_action,
    "repatriation": _repatriation_action,
    "plan": _plan_action,
    "plan-item": _plan_item_action,
    "item-status": _item_status_action,
    "service": _service_action,
    "admit": _admit_action,
    "discharge": _discharge_action,
}
# Shelter staff act on stays in their shelter; the other records need the right to change the case.
SHELTER_ACTIONS = {"admit", "discharge", "extend"}


@login_required
@require_POST
def case_assistance_action(
    request: HttpRequest, reference: str, action: str, item: int | None = None
) -> HttpResponse:
    handler = ACTIONS.get(action)
    if handler is None:
        raise Http404
    case = _visible_case(request, reference)
    actor = policy.acting_user(request.user)
    allowed = (
        policy.can_record_shelter_stay(actor, case)
        if action in SHELTER_ACTIONS
        else policy.can_record_assistance(actor, case)
    )
    if not allowed:
        raise Http404
    try:
        done = handler(request, actor, case, item)
    except RegisterError as error:
        _report(request, error.errors)
    else:
        if done:
            messages.success(request, done)
    return redirect("case-assistance", reference=case.reference)
