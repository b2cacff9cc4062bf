"""Pages of the referral mechanism: a case's clocks and steps, the work queue, the national counts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lantern.access import policy
from lantern.core.codes import code_labels
from lantern.core.models import Organisation, User
from lantern.nrm.forms import (
    ChildHearingForm,
    ConsentForm,
    GuardianshipNotificationForm,
    LegalRepresentativeForm,
    MigrationEntryForm,
    ReferralForm,
    ReferralMoveForm,
    ReflectionEndForm,
    ReflectionExtendForm,
    ReflectionGrantForm,
    TransferForm,
    TransferOutcomeForm,
)
from lantern.nrm.models import (
    Deadline,
    DeadlineStatus,
    Referral,
    ReferralStatus,
    ReflectionPeriod,
    Transfer,
)
from lantern.nrm.selectors import watched_deadlines
from lantern.nrm.services import (
    REFERRAL_MOVES,
    acknowledge_transfer,
    end_reflection_period,
    extend_reflection_period,
    grant_reflection_period,
    move_referral,
    record_child_hearing,
    record_consent,
    record_guardianship_notification,
    record_legal_representative,
    record_migration_system_entry,
    record_transfer_outcome,
    refer_case,
    reflection_period_running,
    transfer_case,
)
from lantern.register.models import Case
from lantern.register.selectors import visible_case_or_404
from lantern.register.services import RegisterError


def _visible_case(request: HttpRequest, reference: str) -> Case:
    return visible_case_or_404(request.user, reference)


@login_required
def case_nrm(request: HttpRequest, reference: str) -> HttpResponse:
    case = _visible_case(request, reference)
    actor = policy.acting_user(request.user)
    can_refer = policy.can_refer_case(actor, case)
    referrals = case.referrals.select_related("provider", "sender", "consent").prefetch_related(
        "events"
    )
    context = {
        "case": case,
        "now": timezone.now(),
        "deadlines": case.deadlines.select_related("rule", "responsible_organisation"),
        "transfers": case.transfers.select_related("sender", "receiver").prefetch_related(
            "rights_explained"
        ),
        "referrals": [
            (
                referral,
                sorted(REFERRAL_MOVES.get(referral.status, set()))
                if policy.can_handle_referral(actor, referral)
                else [],
            )
            for referral in referrals
        ],
        "consents": case.consents.all(),
        "notifications": case.guardianship_notifications.select_related("notified_organisation"),
        "migration_entries": case.migration_system_entries.all(),
        "representatives": case.legal_representatives.all(),
        "hearings": case.child_hearings.select_related("heard_by"),
        "reflection_periods": case.reflection_periods.all(),
        "running_period": reflection_period_running(case),
        "service_labels": code_labels("service_types"),
        "can_refer": can_refer,
        # The specialised police receive transfers; they never send one.
        "can_transfer": can_refer and not policy.works_for_specialised_police(actor),
        "can_grant_period": policy.can_grant_reflection_period(actor, case),
        "is_child": bool(case.child_at_registration or case.child_at_identification),
        "forms": {
            "transfer": TransferForm(),
            "consent": ConsentForm(
                initial={"given_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M")}
            ),
            "referral": ReferralForm(),
            "outcome": TransferOutcomeForm(),
            "guardianship": GuardianshipNotificationForm(),
            "migration": MigrationEntryForm(),
            "representative": LegalRepresentativeForm(),
            "hearing": ChildHearingForm(initial={"heard_on": timezone.localdate()}),
            "grant": ReflectionGrantForm(initial={"decided_on": timezone.localdate()}),
            "end": ReflectionEndForm(),
            "extend": ReflectionExtendForm(),
            "move": ReferralMoveForm(),
        },
        "actor_organisation_id": actor.organisation_id,
    }
    return render(request, "nrm/case.html", context)


def _report(request: HttpRequest, error: RegisterError) -> None:
    for name, problems in error.errors.items():
        for problem in problems:
            messages.error(
                request, problem if name == "__all__" else f"{name.replace('_', ' ')}: {problem}"
            )


def _form_errors(request: HttpRequest, form: Any) -> None:
    for name, problems in form.errors.items():
        for problem in problems:
            messages.error(
                request,
                problem
                if name == "__all__"
                else f"{form.fields[name].label if name in form.fields else name}: {problem}",
            )


Handler = Callable[[HttpRequest, User, Case, int | None], str]


def _transfer(request: HttpRequest, actor: User, case: Case, item: int | None) -> str:
    if not policy.can_refer_case(actor, case):
        raise Http404
    form = TransferForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return ""
    transfer_case(
        actor=actor,
        case=case,
        receiver=form.cleaned_data["receiver"],
        documents=form.cleaned_data["documents"],
        rights_explained=form.cleaned_data["rights_explained"],
    )
    return _("Transfer sent.")


def _acknowledge(request: HttpRequest, actor: User, case: Case, item: int | None) -> str:
    transfer = get_object_or_404(Transfer, pk=item, case=case)
    acknowledge_transfer(actor=actor, transfer=transfer)
    return _("Receipt acknowledged.")


def _outcome(request: HttpRequest, actor: User, case: Case, item: int | None) -> str:
    transfer = get_object_or_404(Transfer, pk=item, case=case)
    form = TransferOutcomeForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return ""
    record_transfer_outcome(
        actor=actor,
        transfer=transfer,
        outcome=form.cleaned_data["outcome"],
        outcome_on=form.cleaned_data["outcome_on"],
        note=form.cleaned_data["note"],
    )
    return _("Outcome sent to the transferring organisation.")


def _consent(request: HttpRequest, actor: User, case: Case, item: int | None) -> str:
    if not policy.can_refer_case(actor, case):
        raise Http404
    form = ConsentForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return ""
    record_consent(
        actor=actor,
        case=case,
        given_by=form.cleaned_data["given_by"],
        given_at=form.cleaned_data["given_at"],
        disclosure=form.cleaned_data["disclosure"],
    )
    return _("Consent recorded.")


def _refer(request: HttpRequest, actor: User, case: Case, item: int | None) -> str:
    if not policy.can_refer_case(actor, case):
        raise Http404
    form = ReferralForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return ""
    consent = case.consents.order_by("-given_at").first()
    refer_case(
        actor=actor,
        case=case,
        provider=form.cleaned_data["provider"],
        service_type=form.cleaned_data["service_type"],
        consent=consent,
        override_reason=form.cleaned_data["override_reason"],
        may_override=policy.can_override_consent(actor, case),
    )
    return _("Referral sent.")


def _move(request: HttpRequest, actor: User, case: Case, item: int | None) -> str:
    referral = get_object_or_404(Referral, pk=item, case=case)
    if not policy.can_handle_referral(actor, referral):
        raise Http404
    form = ReferralMoveForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return ""
    move_referral(
        actor=actor,
        referral=referral,
        status=form.cleaned_data["status"],
        reason=form.cleaned_data["reason"],
        outcome=form.cleaned_data["outcome"],
    )
    return _("Referral updated.")


def _guardianship(request: HttpRequest, actor: User, case: Case, item: int | None) -> str:
    if not policy.can_edit_case(actor, case):
        raise Http404
    form = GuardianshipNotificationForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return ""
    record_guardianship_notification(
        actor=actor,
        case=case,
        notified_organisation=form.cleaned_data["notified_organisation"],
        notified_at=form.cleaned_data["notified_at"],
        method=form.cleaned_data["method"],
    )
    return _("Notification recorded.")


def _migration(request: HttpRequest, actor: User, case: Case, item: int | None) -> str:
    if not policy.can_edit_case(actor, case):
        raise Http404
    form = MigrationEntryForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return ""
    record_migration_system_entry(
        actor=actor,
        case=case,
        entered_on=form.cleaned_data["entered_on"],
        system_reference=form.cleaned_data["system_reference"],
    )
    return _("Entry recorded.")


def _representative(request: HttpRequest, actor: User, case: Case, item: int | None) -> str:
    if not policy.can_edit_case(actor, case):
        raise Http404
    form = LegalRepresentativeForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return ""
    record_legal_representative(
        actor=actor,
        case=case,
        representative_type=form.cleaned_data["representative_type"],
        appointed_by=form.cleaned_data["appointed_by"],
        appointed_on=form.cleaned_data["appointed_on"],
    )
    return _("Legal representative recorded.")


def _grant(request: HttpRequest, actor: User, case: Case, item: int | None) -> str:
    if not policy.can_grant_reflection_period(actor, case):
        raise Http404
    form = ReflectionGrantForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return ""
    grant_reflection_period(
        actor=actor,
        case=case,
        decided_on=form.cleaned_data["decided_on"],
        legal_basis=form.cleaned_data["legal_basis"],
    )
    return _("Recovery and reflection period granted.")


def _end(request: HttpRequest, actor: User, case: Case, item: int | None) -> str:
    if not policy.can_grant_reflection_period(actor, case):
        raise Http404
    period = get_object_or_404(ReflectionPeriod, pk=item, case=case)
    form = ReflectionEndForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return ""
    end_reflection_period(
        actor=actor,
        period=period,
        ended_at=form.cleaned_data["ended_at"],
        reason=form.cleaned_data["reason"],
    )
    return _("The end of the period is recorded.")


def _extend(request: HttpRequest, actor: User, case: Case, item: int | None) -> str:
    if not policy.can_grant_reflection_period(actor, case):
        raise Http404
    period = get_object_or_404(ReflectionPeriod, pk=item, case=case)
    form = ReflectionExtendForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return ""
    extend_reflection_period(
        actor=actor,
        period=period,
        new_end_on=form.cleaned_data["new_end_on"],
        reason=form.cleaned_data["reason"],
    )
    return _("The period is extended.")


def _hearing(request: HttpRequest, actor: User, case: Case, item: int | None) -> str:
    if not policy.can_edit_case(actor, case):
        raise Http404
    form = ChildHearingForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return ""
    record_child_hearing(
        actor=actor,
        case=case,
        occasion=form.cleaned_data["occasion"],
        heard_on=form.cleaned_data["heard_on"],
        note=form.cleaned_data["note"],
    )
    return _("Hearing recorded.")


ACTIONS: dict[str, Handler] = {
    "hearing": _hearing,
    "transfer": _transfer,
    "acknowledge": _acknowledge,
    "outcome": _outcome,
    "consent": _consent,
    "refer": _refer,
    "move": _move,
    "guardianship": _guardianship,
    "migration": _migration,
    "representative": _representative,
    "reflection-grant": _grant,
    "reflection-end": _end,
    "reflection-extend": _extend,
}


@login_required
@require_POST
def case_nrm_action(
    request: HttpRequest, reference: str, action: str, item: int | None = None
) -> HttpResponse:
    handler = ACTIONS.get(action)
    if handler is None:
        raise Http404
    case = _visible_case(request, reference)
    actor = policy.acting_user(request.user)
    try:
        done = handler(request, actor, case, item)
    except RegisterError as error:
        _report(request, error)
    else:
        if done:
            messages.success(request, done)
    return redirect("case-nrm", reference=case.reference)


@login_required
def deadline_queue(request: HttpRequest) -> HttpResponse:
    """The organisation's open and breached deadlines: breached first, then by due time."""
    actor = policy.acting_user(request.user)
    if not policy.can_see_deadline_queue(actor):
        raise Http404
    pending = watched_deadlines(actor).filter(
        status__in=[DeadlineStatus.OPEN, DeadlineStatus.BREACHED], fulfilled_at__isnull=True
    )
    rows = sorted(
        pending, key=lambda deadline: (deadline.status != DeadlineStatus.BREACHED, deadline.due_at)
    )
    return render(request, "nrm/queue.html", {"rows": rows, "now": timezone.now()})


@login_required
def deadline_counts(request: HttpRequest) -> HttpResponse:
    """Per organisation and kind: met on time, breached, open. Counts only, never a case."""
    if not policy.can_see_deadline_counts(request.user):
        raise Http404
    rows = (
        Deadline.objects.values("responsible_organisation", "kind")
        .annotate(
            met=Count("pk", filter=Q(status=DeadlineStatus.MET)),
            breached=Count("pk", filter=Q(status=DeadlineStatus.BREACHED)),
            open=Count("pk", filter=Q(status=DeadlineStatus.OPEN)),
        )
        .order_by("responsible_organisation", "kind")
    )
    names = {
        organisation.pk: organisation.name
        for organisation in Organisation.objects.filter(
            pk__in={row["responsible_organisation"] for row in rows}
        )
    }
    table = [{**row, "organisation": names[row["responsible_organisation"]]} for row in rows]
    return render(request, "nrm/counts.html", {"rows": table, "statuses": ReferralStatus})
