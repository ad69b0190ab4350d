from django.apps import AppConfig


class TicketsConfig(AppConfig):
    name = "tickets"

    def ready(self):
        from orders.signals import order_paid
        from tickets import fulfilment, fulfilment_admin  # noqa: F401 (admin registration)
        from tickets.signals import connect_receivers

        order_paid.connect(fulfilment.on_order_paid, dispatch_uid="tickets.fulfilment")
        connect_receivers()
