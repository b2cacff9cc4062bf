from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lantern.statistics.reports import FORMATS

FIRST_YEAR = 2000


class PeriodForm(forms.Form):
    first_year = forms.IntegerField(label=_("From"), min_value=FIRST_YEAR)
    last_year = forms.IntegerField(label=_("To"), min_value=FIRST_YEAR)
    public = forms.BooleanField(label=_("For publication (small counts hidden)"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        this_year = timezone.localdate().year
        self.fields["first_year"].initial = this_year - 7
        self.fields["last_year"].initial = this_year - 1

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, last = data.get("first_year"), data.get("last_year")
        if last is not None and last > timezone.localdate().year:
            self.add_error("last_year", _("The year has not begun yet."))
        if first is not None and last is not None and first > last:
            raise forms.ValidationError(_("The first year comes after the last year."))
        return data


class DownloadForm(PeriodForm):
    output_format = forms.ChoiceField(choices=[(name, name.upper()) for name in FORMATS])


class YearForm(forms.Form):
    """A report of one calendar year (the annual report)."""

    year = forms.IntegerField(label=_("Year"), min_value=FIRST_YEAR)
    public = forms.BooleanField(label=_("For publication (small counts hidden)"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year - 1

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        year = data.get("year")
        if year is not None and year > timezone.localdate().year:
            self.add_error("year", _("The year has not begun yet."))
        if year is not None:
            data["first_year"] = data["last_year"] = year
        return data


class YearDownloadForm(YearForm):
    output_format = forms.ChoiceField(choices=[(name, name.upper()) for name in FORMATS])
