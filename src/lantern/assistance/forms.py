from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from lantern.assistance.models import (
    CompensationAgainst,
    LegalAidProvider,
    LegalAidStage,
    ResidencePermit,
)
from lantern.core.codes import code_choices
from lantern.core.models import BenefitType, Organisation

DATE = forms.DateInput(attrs={"type": "date"})


class PaymentForm(forms.Form):
    benefit = forms.ModelChoiceField(
        label=_("Benefit"), queryset=BenefitType.objects.filter(is_active=True)
    )
    paid_on = forms.DateField(label=_("Paid on"), required=False, widget=DATE)
    amount = forms.DecimalField(
        label=_("Amount (leave empty for the rate in force)"),
        required=False,
        min_value=0,
        decimal_places=2,
    )
    amount_reason = forms.CharField(
        label=_("Why a different amount"), required=False, max_length=300
    )


class ResidencePermitForm(forms.Form):
    permit_type = forms.ChoiceField(label=_("Type of permit"))
    legal_basis = forms.CharField(
        label=_("Legal basis"),
        required=False,
        max_length=300,
        initial="Migration Code Art. 45.1.10-1",
    )
    valid_from = forms.DateField(label=_("Valid from"), required=False, widget=DATE)
    valid_to = forms.DateField(label=_("Valid to"), required=False, widget=DATE)
    renews = forms.ModelChoiceField(
        label=_("Renews the permit"), queryset=ResidencePermit.objects.none(), required=False
    )

    def __init__(self, *args: Any, case: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["permit_type"]).choices = code_choices(
            "residence_permit_types", blank="—"
        )
        if case is not None:
            renews = cast("forms.ModelChoiceField[ResidencePermit]", self.fields["renews"])
            renews.queryset = ResidencePermit.objects.filter(case__person=case.person)


class PlanForm(forms.Form):
    requested_on = forms.DateField(
        label=_("The person asked for a plan on"), required=False, widget=DATE
    )


class PlanItemForm(forms.Form):
    direction = forms.ChoiceField(label=_("Direction"))
    provider = forms.ModelChoiceField(
        label=_("Responsible provider"), queryset=Organisation.objects.filter(is_active=True)
    )
    target_date = forms.DateField(label=_("Target date"), required=False, widget=DATE)
    victim_agreed_on = forms.DateField(label=_("The person agreed on"), required=False, widget=DATE)
    representative_agreed_on = forms.DateField(
        label=_("The legal representative agreed on"), required=False, widget=DATE
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["direction"]).choices = code_choices(
            "rehabilitation_directions", blank="—"
        )


class ServiceForm(forms.Form):
    service_type = forms.ChoiceField(label=_("Service"))
    provider = forms.ModelChoiceField(
        label=_("Provider"), queryset=Organisation.objects.filter(is_active=True)
    )
    delivered_on = forms.DateField(label=_("Delivered on"), required=False, widget=DATE)
    outcome = forms.CharField(label=_("Outcome"), required=False, max_length=500)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["service_type"]).choices = code_choices(
            "service_types", blank="—"
        )


class AdmissionForm(forms.Form):
    admitted_on = forms.DateField(label=_("Admitted on"), required=False, widget=DATE)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=300)
    capacity_override_reason = forms.CharField(
        label=_("If the shelter is full: why admit anyway (supervisors)"),
        required=False,
        max_length=300,
    )


class DischargeForm(forms.Form):
    discharged_on = forms.DateField(label=_("Discharged on"), required=False, widget=DATE)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=300)
    destination = forms.CharField(label=_("Went to"), required=False, max_length=300)


class ExtensionForm(forms.Form):
    until = forms.DateField(label=_("Stay until"), required=False, widget=DATE)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=300)


class PlanReviewForm(forms.Form):
    reviewed_on = forms.DateField(label=_("Reviewed on"), required=False, widget=DATE)
    note = forms.CharField(label=_("What the review found"), required=False, max_length=1000)


class CompensationForm(forms.Form):
    against = forms.ChoiceField(label=_("Against"), choices=CompensationAgainst.choices)
    body = forms.CharField(label=_("Court or body"), required=False, max_length=300)
    submitted_on = forms.DateField(label=_("Submitted on"), required=False, widget=DATE)
    awarded_amount = forms.DecimalField(label=_("Awarded amount"), required=False, decimal_places=2)
    awarded_on = forms.DateField(label=_("Awarded on"), required=False, widget=DATE)


class LegalAidForm(forms.Form):
    provider_kind = forms.ChoiceField(label=_("Lawyer"), choices=LegalAidProvider.choices)
    stage = forms.ChoiceField(label=_("Stage"), choices=LegalAidStage.choices)
    started_on = forms.DateField(label=_("From"), required=False, widget=DATE)
    ended_on = forms.DateField(label=_("Until"), required=False, widget=DATE)


class RepatriationForm(forms.Form):
    destination = forms.ChoiceField(label=_("Destination"))
    repatriated_on = forms.DateField(label=_("Date"), required=False, widget=DATE)
    documents_obtained = forms.CharField(
        label=_("Documents obtained"), required=False, max_length=300
    )
    escorted = forms.BooleanField(label=_("Escorted"), required=False)
    costs_borne_by = forms.CharField(label=_("Costs borne by"), required=False, max_length=200)
    is_readmission = forms.BooleanField(
        label=_("Readmission of a victim identified abroad"), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["destination"]).choices = code_choices(
            "countries", blank="—"
        )
