from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "orders"

    def ready(self):
        from orders import waitlist  # noqa: F401 - connects the waitlist's signal receivers
