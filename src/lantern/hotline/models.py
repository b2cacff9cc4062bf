"""Hotline contacts: calls and messages, counted by line, topic and outcome."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from lantern.core.models import Organisation
from lantern.register.models import Case


class Contact(models.Model):
    """One call or message. It holds no caller's identity; a case made from it keeps that in the vault."""

    reference = models.CharField(max_length=32, unique=True)
    line = models.CharField(max_length=64, db_index=True)
    contacted_at = models.DateTimeField(db_index=True)
    language = models.CharField(max_length=8, blank=True)
    caller_type = models.CharField(max_length=64, db_index=True)
    topic = models.CharField(max_length=64, db_index=True)
    outcome = models.CharField(max_length=64, db_index=True)
    referred_to = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Confidential working note for the line's own staff; never shown in counts.
    summary = models.CharField(max_length=1000, blank=True)
    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, null=True, blank=True, related_name="hotline_contacts"
    )
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="hotline_contacts"
    )

    class Meta:
        ordering = ["-contacted_at", "-pk"]
        indexes = [models.Index(fields=["organisation", "-contacted_at"], name="contact_org_time")]

    def __str__(self) -> str:
        return self.reference
