from django.apps import AppConfig


class TicketsConfig(AppConfig):
    name = "tickets"

    def ready(self):
        from orders.signals import order_paid

        # Imported for what they register: admin pages; the sign-in receivers (tickets.resume);
        # the receivers that move a holder's "My tickets" version on (tickets.holder_version).
        from tickets import fulfilment, fulfilment_admin, holder_version, resume  # noqa: F401

        order_paid.connect(fulfilment.on_order_paid, dispatch_uid="tickets.fulfilment")
        from events.signals import event_cancelled
        from payments.signals import refund_confirmed
        from tickets import notices

        refund_confirmed.connect(notices.on_refund_confirmed, dispatch_uid="tickets.refund_notice")
        event_cancelled.connect(notices.on_event_cancelled, dispatch_uid="tickets.cancel_notice")
