from django.apps import AppConfig


class NrmConfig(AppConfig):
    name = "lantern.nrm"
    label = "nrm"
    verbose_name = "National Referral Mechanism"

    def ready(self) -> None:
        # The register announces registrations through its hook list; the referral
        # mechanism starts its statutory clocks from there (register cannot import nrm).
        from lantern.nrm import services
        from lantern.register.hooks import after_registration

        if services.open_registration_deadlines not in after_registration:
            after_registration.append(services.open_registration_deadlines)
