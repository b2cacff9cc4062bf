from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "lantern.exchange"
    label = "exchange"
    verbose_name = "Data exchange"
