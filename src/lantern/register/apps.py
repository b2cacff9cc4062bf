from django.apps import AppConfig


class RegisterConfig(AppConfig):
    name = "lantern.register"
    label = "register"
    verbose_name = "Confidential register"
