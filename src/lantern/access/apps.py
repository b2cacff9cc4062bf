from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "lantern.access"
    label = "access"
    verbose_name = "Access and security"

    def ready(self) -> None:
        # Django and django-axes announce sign-ins and lock-outs only through signals.
        from lantern.access import signal_handlers

        signal_handlers.connect()
