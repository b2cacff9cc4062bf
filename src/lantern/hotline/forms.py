from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from lantern.core.codes import code_choices
from lantern.core.models import Organisation


def _choices(form: forms.Form, name: str) -> forms.ChoiceField:
    return cast(forms.ChoiceField, form.fields[name])


class ContactForm(forms.Form):
    """Built for speed: every field reachable by Tab, sensible defaults, nothing the caller cannot give."""

    line = forms.ChoiceField(label=_("Line"))
    caller_type = forms.ChoiceField(label=_("Caller"))
    topic = forms.ChoiceField(label=_("Topic"))
    outcome = forms.ChoiceField(label=_("Outcome"))
    language = forms.ChoiceField(
        label=_("Language of the call"),
        choices=[("az", "Azərbaycan"), ("ru", "Русский"), ("en", "English"), ("other", "—")],
        required=False,
    )
    referred_to = forms.ModelChoiceField(
        label=_("Referred to"), queryset=Organisation.objects.filter(is_active=True), required=False
    )
    summary = forms.CharField(
        label=_("Note (stays with this line)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    possible_victim = forms.BooleanField(
        label=_("Possible victim: open a presumed-victim case now"), required=False
    )
    citizenship = forms.ChoiceField(label=_("Citizenship"), required=False)
    sex = forms.ChoiceField(label=_("Sex"), required=False)
    family_name = forms.CharField(label=_("Family name"), required=False, max_length=100)
    given_name = forms.CharField(label=_("Given name"), required=False, max_length=100)

    def __init__(
        self, *args: Any, home_country: str = "", default_line: str = "", **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "line").choices = code_choices("hotline_lines")
        self.fields["line"].initial = default_line
        _choices(self, "caller_type").choices = code_choices("caller_types")
        _choices(self, "topic").choices = code_choices("hotline_topics")
        _choices(self, "outcome").choices = code_choices("hotline_outcomes")
        _choices(self, "citizenship").choices = code_choices("countries")
        self.fields["citizenship"].initial = home_country
        _choices(self, "sex").choices = code_choices("sexes", blank="—")
        self.fields["line"].widget.attrs["autofocus"] = True
