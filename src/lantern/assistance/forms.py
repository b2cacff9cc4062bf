from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from lantern.assistance.models import ResidencePermit
from lantern.core.codes import code_choices
from lantern.core.models import BenefitType

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
