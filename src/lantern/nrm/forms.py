from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from lantern.core.codes import code_choices
from lantern.core.models import Organisation, OrganisationKind
from lantern.nrm.models import ConsentGiver, HearingOccasion, RepresentativeType, TransferOutcome
from lantern.nrm.services import PROVIDER_KINDS
from lantern.register.models import Disclosure

DATE = forms.DateInput(attrs={"type": "date"})
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def _choices(form: forms.Form, name: str) -> forms.ChoiceField:
    return cast(forms.ChoiceField, form.fields[name])


class TransferForm(forms.Form):
    receiver = forms.ModelChoiceField(
        label=_("Transfer to"),
        queryset=Organisation.objects.filter(
            is_active=True, kind=OrganisationKind.SPECIALISED_POLICE
        ),
        help_text=_(
            "Only the specialised police authority may receive a transfer; any other police or "
            "law-enforcement body is prohibited (CabMin Res. No. 21 of 1 February 2008)."
        ),
    )
    documents = forms.CharField(label=_("Documents sent"), required=False, max_length=1000)
    rights_explained = forms.MultipleChoiceField(
        label=_("Explained to the person"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "rights_explained").choices = code_choices("rights_explained")


class TransferOutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=[("", "—"), *TransferOutcome.choices], required=False
    )
    outcome_on = forms.DateField(label=_("Date"), required=False, widget=DATE)
    note = forms.CharField(label=_("Note to the sender"), required=False, max_length=1000)


class ConsentForm(forms.Form):
    given_by = forms.ChoiceField(label=_("Who consented"), choices=ConsentGiver.choices)
    given_at = forms.DateTimeField(label=_("When"), required=False, widget=DATETIME)
    disclosure = forms.ChoiceField(
        label=_("The provider may see"), choices=Disclosure.choices, initial=Disclosure.SUMMARY
    )


class ReferralForm(forms.Form):
    provider = forms.ModelChoiceField(
        label=_("Provider"),
        queryset=Organisation.objects.filter(is_active=True, kind__in=PROVIDER_KINDS),
    )
    service_type = forms.ChoiceField(label=_("Service"))
    override_reason = forms.CharField(
        label=_("Without consent: the legal reason (supervisors only)"),
        required=False,
        max_length=300,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "service_type").choices = code_choices("service_types", blank="—")


class ReferralMoveForm(forms.Form):
    status = forms.CharField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=300)
    outcome = forms.CharField(label=_("Outcome"), required=False, max_length=500)


class GuardianshipNotificationForm(forms.Form):
    notified_organisation = forms.ModelChoiceField(
        label=_("Authority told"),
        queryset=Organisation.objects.filter(
            is_active=True,
            kind__in=[OrganisationKind.GUARDIANSHIP, OrganisationKind.LOCAL_AUTHORITY],
        ),
    )
    notified_at = forms.DateTimeField(label=_("When"), required=False, widget=DATETIME)
    method = forms.CharField(label=_("How"), required=False, max_length=100)


class MigrationEntryForm(forms.Form):
    entered_on = forms.DateField(label=_("Entered on"), required=False, widget=DATE)
    system_reference = forms.CharField(
        label=_("Reference in the migration information system"), required=False, max_length=100
    )


class LegalRepresentativeForm(forms.Form):
    representative_type = forms.ChoiceField(
        label=_("Legal representative"), choices=RepresentativeType.choices
    )
    appointed_by = forms.CharField(label=_("Appointed by"), required=False, max_length=300)
    appointed_on = forms.DateField(label=_("Appointed on"), required=False, widget=DATE)


class ReflectionGrantForm(forms.Form):
    decided_on = forms.DateField(label=_("Decision date"), required=False, widget=DATE)
    legal_basis = forms.CharField(
        label=_("Legal basis"),
        required=False,
        max_length=300,
        initial="Law Art. 14-1.1; CPC Art. 123-1",
    )


class ReflectionEndForm(forms.Form):
    ended_at = forms.DateTimeField(label=_("Ended at"), required=False, widget=DATETIME)
    reason = forms.CharField(label=_("Why it ended"), required=False, max_length=300)


class ReflectionExtendForm(forms.Form):
    new_end_on = forms.DateField(label=_("New last day"), required=False, widget=DATE)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=300)


class ChildHearingForm(forms.Form):
    occasion = forms.ChoiceField(label=_("Heard on"), choices=HearingOccasion.choices)
    heard_on = forms.DateField(label=_("Date"), required=False, widget=DATE)
    note = forms.CharField(label=_("What the child said, in brief"), required=False, max_length=500)
