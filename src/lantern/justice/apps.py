from django.apps import AppConfig


class JusticeConfig(AppConfig):
    name = "lantern.justice"
    label = "justice"
    verbose_name = "Criminal proceedings"

    def ready(self) -> None:
        from lantern.justice import case_hooks
        from lantern.register.hooks import (
            deletion_blockers,
            sealed_identity_models,
            timeline_sources,
        )

        if case_hooks.justice_events not in timeline_sources:
            timeline_sources.append(case_hooks.justice_events)
        if case_hooks.criminal_case_links not in deletion_blockers:
            deletion_blockers.append(case_hooks.criminal_case_links)
        from lantern.justice.models import AccusedIdentity

        if (AccusedIdentity, "accused") not in sealed_identity_models:
            sealed_identity_models.append((AccusedIdentity, "accused"))
