from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from lantern.core.codes import code_choices
from lantern.core.models import Organisation, OrganisationKind
from lantern.justice.models import (
    CourtInstance,
    CriminalCaseStatus,
    ProceduralRole,
    VictimRole,
    WantedScope,
)

DATE = forms.DateInput(attrs={"type": "date"})


def _choices(form: forms.Form, name: str) -> forms.ChoiceField:
    return cast(forms.ChoiceField, form.fields[name])


class CriminalCaseForm(forms.Form):
    number = forms.CharField(label=_("Criminal case number"), max_length=64)
    initiated_on = forms.DateField(label=_("Initiated on"), widget=DATE)
    articles = forms.MultipleChoiceField(label=_("Criminal Code articles"))
    forms_of_exploitation = forms.MultipleChoiceField(
        label=_("Forms of exploitation"), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "articles").choices = code_choices("criminal_code_articles")
        _choices(self, "forms_of_exploitation").choices = code_choices("forms_of_exploitation")
        self.fields["number"].widget.attrs["autofocus"] = True


class StatusForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    to_status = forms.ChoiceField(
        label=_("New status"),
        choices=[
            (value, label)
            for value, label in CriminalCaseStatus.choices
            if value != CriminalCaseStatus.JUDGMENT
        ],
    )
    on = forms.DateField(label=_("Date"), widget=DATE)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=500)


class LinkVictimForm(forms.Form):
    case_reference = forms.CharField(label=_("Victim's case reference"), max_length=32)
    role = forms.ChoiceField(label=_("Role"), choices=VictimRole.choices)


class NewAccusedForm(forms.Form):
    family_name = forms.CharField(label=_("Family name"), required=False, max_length=100)
    given_name = forms.CharField(label=_("Given name"), required=False, max_length=100)
    patronymic = forms.CharField(label=_("Patronymic"), required=False, max_length=100)
    birth_date = forms.DateField(label=_("Date of birth"), required=False, widget=DATE)
    birth_year = forms.IntegerField(
        label=_("Year of birth, if the date is unknown"), required=False
    )
    sex = forms.ChoiceField(label=_("Sex"), required=False)
    citizenship = forms.ChoiceField(label=_("Citizenship"))
    role = forms.ChoiceField(label=_("Role"), choices=ProceduralRole.choices)

    def __init__(self, *args: Any, home_country: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "sex").choices = code_choices("sexes", blank="—")
        _choices(self, "citizenship").choices = code_choices("countries")
        self.fields["citizenship"].initial = home_country


class LinkAccusedForm(forms.Form):
    accused_reference = forms.CharField(label=_("Accused person's reference"), max_length=32)
    role = forms.ChoiceField(label=_("Role"), choices=ProceduralRole.choices)


class JudgmentForm(forms.Form):
    court = forms.ModelChoiceField(
        label=_("Court"),
        queryset=Organisation.objects.filter(kind=OrganisationKind.COURT, is_active=True),
    )
    number = forms.CharField(label=_("Case number at the court"), max_length=64)
    delivered_on = forms.DateField(label=_("Date the judgment was delivered"), widget=DATE)
    instance = forms.ChoiceField(label=_("Instance"), choices=CourtInstance.choices)
    is_final = forms.BooleanField(label=_("The judgment is final"), required=False)
    aggravating_circumstances = forms.MultipleChoiceField(
        label=_("Aggravating circumstances applied"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "aggravating_circumstances").choices = code_choices(
            "aggravating_circumstances"
        )


class ConvictionForm(forms.Form):
    """One accused person's line in a judgment; left unticked, the person was not convicted."""

    accused_id = forms.IntegerField(widget=forms.HiddenInput)
    convicted = forms.BooleanField(label=_("Convicted"), required=False)
    articles = forms.MultipleChoiceField(label=_("Articles"), required=False)
    form_of_exploitation = forms.ChoiceField(label=_("Form of exploitation"), required=False)
    child_victim = forms.BooleanField(label=_("A victim was a child"), required=False)
    sentence_type = forms.ChoiceField(label=_("Sentence"), required=False)
    duration_months = forms.IntegerField(
        label=_("Duration (months)"), required=False, min_value=1, max_value=600
    )
    property_confiscated = forms.BooleanField(label=_("Property confiscated"), required=False)
    legal_person_liable = forms.BooleanField(label=_("A legal person held liable"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "articles").choices = code_choices("criminal_code_articles")
        _choices(self, "form_of_exploitation").choices = code_choices(
            "forms_of_exploitation", blank="—"
        )
        _choices(self, "sentence_type").choices = code_choices("sentence_types", blank="—")


ConvictionFormSet = forms.formset_factory(ConvictionForm, extra=0)


class FinalForm(forms.Form):
    on = forms.DateField(label=_("Final on"), widget=DATE)


class FactForm(forms.Form):
    fact_type = forms.ChoiceField(label=_("Type of fact"))
    detected_on = forms.DateField(label=_("Detected on"), widget=DATE)
    through_ict = forms.BooleanField(
        label=_("Committed through information technology"), required=False
    )
    platforms = forms.MultipleChoiceField(
        label=_("Platforms"), required=False, widget=forms.CheckboxSelectMultiple
    )
    victim_references = forms.CharField(
        label=_("Victims' case references (separated by spaces)"), required=False, max_length=500
    )
    criminal_case_number = forms.CharField(
        label=_("Criminal case number, if one was opened"), required=False, max_length=64
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "fact_type").choices = code_choices("fact_types", blank="—")
        _choices(self, "platforms").choices = code_choices("ict_platforms")


class WantedForm(forms.Form):
    scope = forms.ChoiceField(label=_("Wanted list"), choices=WantedScope.choices)
    offence = forms.ChoiceField(label=_("Offence"))
    listed_on = forms.DateField(label=_("Put on the list on"), widget=DATE)
    interpol_notice = forms.CharField(label=_("Interpol notice"), required=False, max_length=64)
    believed_country = forms.ChoiceField(
        label=_("Country where the person is believed to be"), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "offence").choices = code_choices("wanted_offences", blank="—")
        _choices(self, "believed_country").choices = code_choices("countries", blank="—")


class DetentionForm(forms.Form):
    detained_on = forms.DateField(label=_("Detained on"), widget=DATE)
    handed_to_prosecution = forms.BooleanField(
        label=_("Handed over to the prosecution"), required=False
    )


class ExtraditionForm(forms.Form):
    requested_country = forms.ChoiceField(label=_("Requested country"))
    sent_on = forms.DateField(label=_("Request sent on"), widget=DATE)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "requested_country").choices = code_choices("countries", blank="—")
