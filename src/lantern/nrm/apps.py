from django.apps import AppConfig


class NrmConfig(AppConfig):
    name = "lantern.nrm"
    label = "nrm"
    verbose_name = "National Referral Mechanism"

    def ready(self) -> None:
        # The register announces registrations through its hook list; the referral
        # mechanism starts its statutory clocks from there (register cannot import nrm).
        from lantern.nrm import services, timeline
        from lantern.register.hooks import after_registration, timeline_sources

        if services.open_registration_deadlines not in after_registration:
            after_registration.append(services.open_registration_deadlines)
        if timeline.nrm_events not in timeline_sources:
            timeline_sources.append(timeline.nrm_events)
