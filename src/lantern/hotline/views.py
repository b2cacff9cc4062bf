"""The operator's screen (log a contact in under a minute) and the counts."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from lantern.access import policy
from lantern.core.models import Jurisdiction
from lantern.hotline.forms import ContactForm
from lantern.hotline.models import Contact
from lantern.hotline.services import ContactInput, contact_counts, log_contact
from lantern.register.identity import Identity
from lantern.register.services import RegisterError, Registration

LINE_OF_PHONE = {"152": "line_152", "919": "line_919", "916": "line_916"}


@login_required
def hotline(request: HttpRequest) -> HttpResponse:
    actor = policy.acting_user(request.user)
    if not policy.can_log_contact(actor) or actor.organisation is None:
        raise Http404
    home = Jurisdiction.objects.values_list("country", flat=True).first() or ""
    default_line = LINE_OF_PHONE.get(actor.organisation.phone, "")
    form = ContactForm(request.POST or None, home_country=home, default_line=default_line)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        registration = None
        if data["possible_victim"]:
            registration = Registration(
                citizenship=data["citizenship"] or home,
                contact_channel="hotline",
                sex=data["sex"],
                identity=Identity(
                    given_name=data["given_name"].strip(), family_name=data["family_name"].strip()
                ),
            )
        try:
            contact = log_contact(
                actor=actor,
                data=ContactInput(
                    line=data["line"],
                    caller_type=data["caller_type"],
                    topic=data["topic"],
                    outcome=data["outcome"],
                    language=data["language"],
                    referred_to=data["referred_to"],
                    summary=data["summary"],
                ),
                registration=registration,
            )
        except RegisterError as error:
            for name, problems in error.errors.items():
                for problem in problems:
                    form.add_error(name if name in form.fields else None, problem)
        else:
            if contact.case is not None:
                messages.success(
                    request,
                    _("Logged as %(contact)s; case %(case)s opened, the transfer clock is running.")
                    % {"contact": contact.reference, "case": contact.case.reference},
                )
                return redirect("case-detail", reference=contact.case.reference)
            messages.success(request, _("Logged as %(contact)s.") % {"contact": contact.reference})
            return redirect("hotline")
    today = timezone.localdate()
    recent = (
        policy.visible_contacts(actor, Contact.objects.all())
        .filter(contacted_at__date=today)
        .select_related("case")[:50]
    )
    return render(
        request,
        "hotline/contacts.html",
        {"form": form, "recent": recent},
        status=400 if form.errors else 200,
    )


@login_required
def hotline_counts(request: HttpRequest) -> HttpResponse:
    if not policy.can_see_hotline_counts(request.user):
        raise Http404
    period = request.GET.get("period", "month")
    rows = contact_counts(Contact.objects.all(), period)
    return render(request, "hotline/counts.html", {"rows": rows, "period": period})
