"""Demo seeding for fulfilment: the demo buyer has tickets to look at on /dashboard/tickets."""

from datetime import timedelta
from functools import partial

from django.db import transaction
from django.db.models import F
from django.utils import timezone

DEMO_REFERENCE = "DEMO-TICKETS"


def seed_fulfilled_order():
    """Give buyer@demo a paid 2-ticket order (once) and fulfil any of their paid orders."""
    from accounts.models import User
    from events.models import Event, TicketType
    from orders.models import Order, OrderEvent, OrderItem
    from tickets import fulfilment

    buyer = User.objects.filter(email="buyer@demo.getiickets.ng").first()
    if buyer is None:
        return
    if not Order.objects.filter(reference=DEMO_REFERENCE).exists():
        ticket_type = (
            TicketType.objects.filter(
                event__status=Event.Status.PUBLISHED,
                event__starts_at__gt=timezone.now(),
                event__seating=Event.Seating.GENERAL,
                capacity__gte=F("sold") + F("held") + 2,
            )
            .select_related("event")
            .order_by("event__starts_at")
            .first()
        )
        if ticket_type is None:
            return
        with transaction.atomic():
            taken = TicketType.objects.filter(
                pk=ticket_type.pk, capacity__gte=F("sold") + F("held") + 2
            ).update(sold=F("sold") + 2)
            if not taken:
                return
            order = Order.objects.create(
                reference=DEMO_REFERENCE,
                buyer=buyer,
                event=ticket_type.event,
                status=Order.Status.PAID,
                email=buyer.email,
                full_name=buyer.full_name or "Demo Buyer",
                phone=str(buyer.phone or ""),
                subtotal_kobo=ticket_type.price_kobo * 2,
                total_kobo=ticket_type.price_kobo * 2,
                paid_at=timezone.now(),
            )
            # Placed a few minutes before it was paid, and its history says so.
            Order.objects.filter(pk=order.pk).update(
                created_at=order.paid_at - timedelta(minutes=4)
            )
            OrderEvent.objects.create(
                order=order, from_status="pending", to_status="paid", source="webhook"
            )
            for name in (order.full_name, "Guest"):
                OrderItem.objects.create(
                    order=order,
                    ticket_type=ticket_type,
                    unit_price_kobo=ticket_type.price_kobo,
                    paid_kobo=ticket_type.price_kobo,
                    attendee_name=name,
                )
    for order in Order.objects.filter(buyer=buyer, status=Order.Status.PAID):
        if not fulfilment.tickets_ready(order):
            # After commit (seed_all is atomic): no transaction open while the PDF is stored.
            transaction.on_commit(partial(_issue_without_sending, order.pk))


def _issue_without_sending(order_id: int) -> None:
    """Demo tickets are issued and their PDF stored, but nobody is emailed or texted: the
    demo buyer reads them on /dashboard/tickets (and "send it again" still works)."""
    from tickets import delivery, issuing

    issuing.issue_tickets(order_id=order_id)
    delivery.store_pdf(order_id=order_id)
