"""A case's assistance page: benefits paid and residence permits."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lantern.access import policy
from lantern.assistance.forms import PaymentForm, ResidencePermitForm
from lantern.assistance.services import (
    chains_of,
    current_stays,
    occupancy,
    protection_from_expulsion,
    record_payment,
    record_residence_permit,
    stay_warnings,
)
from lantern.core.codes import code_labels
from lantern.register.models import Case
from lantern.register.services import RegisterError


def _visible_case(request: HttpRequest, reference: str) -> Case:
    case: Case = get_object_or_404(
        policy.visible_cases(request.user, Case.objects.select_related("person")),
        reference=reference.upper(),
    )
    return case


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
    }
    return render(request, "assistance/case.html", context)


def _report(request: HttpRequest, errors: dict[str, list[str]]) -> None:
    for name, problems in errors.items():
        for problem in problems:
            messages.error(
                request, problem if name == "__all__" else f"{name.replace('_', ' ')}: {problem}"
            )


@login_required
@require_POST
def case_payment(request: HttpRequest, reference: str) -> HttpResponse:
    case = _visible_case(request, reference)
    actor = policy.acting_user(request.user)
    if not policy.can_record_assistance(actor, case):
        raise Http404
    form = PaymentForm(request.POST)
    if not form.is_valid():
        _report(
            request,
            {
                name: [str(problem) for problem in problems]
                for name, problems in form.errors.items()
            },
        )
    else:
        data = form.cleaned_data
        try:
            record_payment(
                actor=actor,
                case=case,
                benefit=data["benefit"],
                paid_on=data["paid_on"],
                amount=data["amount"],
                amount_reason=data["amount_reason"],
            )
        except RegisterError as error:
            _report(request, error.errors)
        else:
            messages.success(request, _("Payment recorded."))
    return redirect("case-assistance", reference=case.reference)


@login_required
@require_POST
def case_permit(request: HttpRequest, reference: str) -> HttpResponse:
    case = _visible_case(request, reference)
    actor = policy.acting_user(request.user)
    if not policy.can_record_assistance(actor, case):
        raise Http404
    form = ResidencePermitForm(request.POST, case=case)
    if not form.is_valid():
        _report(
            request,
            {
                name: [str(problem) for problem in problems]
                for name, problems in form.errors.items()
            },
        )
    else:
        data = form.cleaned_data
        try:
            record_residence_permit(
                actor=actor,
                case=case,
                permit_type=data["permit_type"],
                legal_basis=data["legal_basis"],
                valid_from=data["valid_from"],
                valid_to=data["valid_to"],
                renews=data["renews"],
            )
        except RegisterError as error:
            _report(request, error.errors)
        else:
            messages.success(request, _("Residence permit recorded."))
    return redirect("case-assistance", reference=case.reference)


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
