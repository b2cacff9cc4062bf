from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from lantern.assistance.models import ResidencePermit
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
