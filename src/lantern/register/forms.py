from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from lantern.core.codes import code_choices
from lantern.core.models import Organisation, Questionnaire
from lantern.register.models import (
    CaseStatus,
    IdentificationMethod,
    IdentificationOutcome,
    ScreeningAnswerValue,
)
from lantern.register.selectors import DEFAULT_SORT, SORTS, CaseFilters


def _choices(form: forms.Form, name: str) -> forms.ChoiceField:
    return cast(forms.ChoiceField, form.fields[name])


class QuickRegistrationForm(forms.Form):
    """Eight fields at most: what a hotline or border officer can learn in two minutes."""

    family_name = forms.CharField(label=_("Family name"), required=False, max_length=100)
    given_name = forms.CharField(label=_("Given name"), required=False, max_length=100)
    sex = forms.ChoiceField(label=_("Sex"), required=False)
    birth_year = forms.IntegerField(label=_("Year of birth"), required=False, min_value=1900)
    is_child = forms.NullBooleanField(
        label=_("Under 18?"),
        required=False,
        widget=forms.Select(
            choices=[("unknown", _("Not known")), ("true", _("Yes")), ("false", _("No"))]
        ),
    )
    citizenship = forms.ChoiceField(label=_("Citizenship"))
    contact_channel = forms.ChoiceField(label=_("How we met the person"))
    exploitation_form = forms.ChoiceField(label=_("Form of exploitation, if known"), required=False)

    def __init__(self, *args: Any, home_country: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "sex").choices = code_choices("sexes", blank="—")
        _choices(self, "citizenship").choices = code_choices("countries")
        self.fields["citizenship"].initial = home_country
        _choices(self, "contact_channel").choices = code_choices("contact_channels", blank="—")
        _choices(self, "exploitation_form").choices = code_choices(
            "forms_of_exploitation", blank=_("Not known yet")
        )


class CaseEditForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    sex = forms.ChoiceField(label=_("Sex"), required=False)
    citizenship = forms.ChoiceField(label=_("Citizenship"))
    region = forms.ChoiceField(label=_("Region of residence"), required=False)
    contact_channel = forms.ChoiceField(label=_("How we met the person"))
    exploitation_forms = forms.MultipleChoiceField(
        label=_("Forms of exploitation"), required=False, widget=forms.CheckboxSelectMultiple
    )
    exploitation_scope = forms.ChoiceField(
        label=_("Where the exploitation took place"), required=False
    )
    exploitation_countries = forms.MultipleChoiceField(
        label=_("Countries of exploitation"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    exploitation_from = forms.DateField(
        label=_("Exploitation from (month)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
        input_formats=["%Y-%m", "%Y-%m-%d"],
    )
    exploitation_to = forms.DateField(
        label=_("Exploitation until (month)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
        input_formats=["%Y-%m", "%Y-%m-%d"],
    )
    recruitment_channel = forms.ChoiceField(label=_("Recruited through"), required=False)
    online_platform = forms.ChoiceField(label=_("Online platform"), required=False)
    control_means = forms.MultipleChoiceField(
        label=_("Means of control"), required=False, widget=forms.CheckboxSelectMultiple
    )
    is_unaccompanied = forms.BooleanField(label=_("Unaccompanied"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "sex").choices = code_choices("sexes", blank="—")
        _choices(self, "citizenship").choices = code_choices("countries")
        _choices(self, "region").choices = code_choices("regions", blank="—")
        _choices(self, "contact_channel").choices = code_choices("contact_channels")
        _choices(self, "exploitation_forms").choices = code_choices("forms_of_exploitation")
        _choices(self, "exploitation_scope").choices = code_choices(
            "exploitation_scopes", blank="—"
        )
        _choices(self, "exploitation_countries").choices = code_choices("countries")
        _choices(self, "recruitment_channel").choices = code_choices(
            "recruitment_channels", blank="—"
        )
        _choices(self, "online_platform").choices = code_choices("ict_platforms", blank="—")
        _choices(self, "control_means").choices = code_choices("means_of_control")


class RevealForm(forms.Form):
    reason_code = forms.ChoiceField(label=_("Why do you need the identity?"))
    reason_text = forms.CharField(
        label=_("Details"), required=False, max_length=500, widget=forms.TextInput
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "reason_code").choices = code_choices("reveal_reasons", blank="—")


class DecisionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    outcome = forms.ChoiceField(
        label=_("Decision"), choices=[("", "—"), *IdentificationOutcome.choices], required=False
    )
    decided_on = forms.DateField(
        label=_("Date of the decision"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    deciding_organisation = forms.ModelChoiceField(
        label=_("Deciding organisation"),
        queryset=Organisation.objects.filter(is_active=True),
        required=False,
    )
    method = forms.ChoiceField(
        label=_("Method"), choices=[("", "—"), *IdentificationMethod.choices], required=False
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )


class StatusForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.ChoiceField(
        label=_("New status"),
        choices=[
            (CaseStatus.POTENTIAL, CaseStatus.POTENTIAL.label),
            (CaseStatus.PRESUMED, CaseStatus.PRESUMED.label),
            (CaseStatus.CLOSED, CaseStatus.CLOSED.label),
        ],
    )
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False)


class ScreeningForm(forms.Form):
    """One yes / no / unknown question per indicator of the questionnaire."""

    def __init__(self, *args: Any, questionnaire: Questionnaire, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questionnaire = questionnaire
        for question in questionnaire.questions.filter(is_active=True).select_related("category"):
            field = forms.ChoiceField(
                label=question.text,
                choices=ScreeningAnswerValue.choices,
                initial=ScreeningAnswerValue.UNKNOWN,
                widget=forms.RadioSelect,
                required=False,
            )
            field.category = question.category.label  # type: ignore[attr-defined]
            field.strength = question.get_strength_display()  # type: ignore[attr-defined]
            self.fields[question.code] = field

    def answers(self) -> dict[str, str]:
        """Every question's answer; one left blank counts as unknown."""
        return {
            code: value or ScreeningAnswerValue.UNKNOWN for code, value in self.cleaned_data.items()
        }


class SealForm(forms.Form):
    authority = forms.CharField(
        label=_("Court or prosecution body"), max_length=300, required=False
    )
    decision_number = forms.CharField(label=_("Decision number"), max_length=100, required=False)
    decision_date = forms.DateField(
        label=_("Decision date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    scope = forms.CharField(label=_("What the decision covers"), max_length=500, required=False)
    permitted_organisations = forms.ModelMultipleChoiceField(
        label=_("Organisations the decision allows to see the identity"),
        queryset=Organisation.objects.filter(is_active=True),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )


class LiftSealForm(forms.Form):
    lifting_decision = forms.CharField(
        label=_("Decision lifting the seal"), max_length=300, required=False
    )


class RegisterFilterForm(forms.Form):
    q = forms.CharField(label=_("Reference or name"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All")), *CaseStatus.choices]
    )
    registered_from = forms.DateField(
        label=_("Registered from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    registered_to = forms.DateField(
        label=_("until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    form = forms.ChoiceField(label=_("Form of exploitation"), required=False)
    sex = forms.ChoiceField(label=_("Sex"), required=False)
    child = forms.ChoiceField(
        label=_("Child"),
        required=False,
        choices=[("", _("All")), ("true", _("Children")), ("false", _("Adults"))],
    )
    sort = forms.ChoiceField(
        required=False, choices=[(key, key) for key in SORTS], widget=forms.HiddenInput
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "form").choices = code_choices("forms_of_exploitation", blank=_("All"))
        _choices(self, "sex").choices = code_choices("sexes", blank=_("All"))

    def filters(self) -> CaseFilters:
        """The filters chosen; none when the form is empty or invalid (its errors say why)."""
        if not self.is_valid():
            return CaseFilters()
        data = self.cleaned_data
        return CaseFilters(
            status=data["status"],
            registered_from=data["registered_from"],
            registered_to=data["registered_to"],
            form=data["form"],
            sex=data["sex"],
            child={"true": True, "false": False}.get(data["child"]),
            search=data["q"],
            sort=data["sort"] or DEFAULT_SORT,
        )


class IdentityForm(forms.Form):
    """Correct or complete an identity; shown only inside a logged reveal."""

    family_name = forms.CharField(label=_("Family name"), required=False, max_length=100)
    given_name = forms.CharField(label=_("Given name"), required=False, max_length=100)
    patronymic = forms.CharField(label=_("Patronymic"), required=False, max_length=100)
    aliases = forms.CharField(
        label=_("Other names (comma-separated)"), required=False, max_length=300
    )
    birth_date = forms.DateField(
        label=_("Date of birth"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    birth_place = forms.CharField(label=_("Place of birth"), required=False, max_length=200)
    document_type = forms.ChoiceField(label=_("Identity document"), required=False)
    document_number = forms.CharField(label=_("Document number"), required=False, max_length=50)
    document_country = forms.ChoiceField(label=_("Issued by"), required=False)
    phone = forms.CharField(label=_("Phone"), required=False, max_length=50)
    address = forms.CharField(label=_("Address"), required=False, max_length=300)
    next_of_kin = forms.CharField(label=_("Next of kin"), required=False, max_length=300)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "document_type").choices = code_choices("identity_document_types", blank="—")
        _choices(self, "document_country").choices = code_choices("countries", blank="—")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if bool(data.get("document_type")) != bool(data.get("document_number", "").strip()):
            raise forms.ValidationError(
                _("Give both the kind of document and its number, or neither.")
            )
        return data
