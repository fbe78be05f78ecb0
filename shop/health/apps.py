from django.apps import AppConfig


class HealthConfig(AppConfig):
    name = "shop.health"
    label = "health"
