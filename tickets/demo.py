"""Demo seeding for fulfilment: the demo buyer has tickets to look at on /dashboard/tickets."""

from datetime import timedelta
from functools import partial

from django.db import transaction
from django.db.models import F
from django.utils import timezone

DEMO_REFERENCE = "DEMO-TICKETS"
# The sold-out demo event is sold out by these paid orders, not by a counter set by hand:
# (fan email, full name, [(ticket type name, quantity)]), in the order they bought.
SOLD_OUT_SALES = [
    ("amaka@demo.getiickets.ng", "Amaka Eze", [("Popular stand", 4)]),
    ("tunde@demo.getiickets.ng", "Tunde Bakare", [("Popular stand", 2), ("Covered stand", 2)]),
    ("ibinabo@demo.getiickets.ng", "Ibinabo Briggs", [("Popular stand", 6)]),
    ("emeka@demo.getiickets.ng", "Emeka Nwosu", [("Covered stand", 2)]),
]


def seed_fulfilled_order():
    """Give buyer@demo a paid 2-ticket order (once) and fulfil any of their paid orders."""
    from accounts.models import User
    from events.models import Event, TicketType
    from orders.models import Order
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
        create_paid_order(
            reference=DEMO_REFERENCE,
            buyer=buyer,
            lines=[(ticket_type, 2)],
            paid_at=timezone.now(),
            attendee_names=[buyer.full_name or "Demo Buyer", "Guest"],
        )
    for order in Order.objects.filter(buyer=buyer, status=Order.Status.PAID):
        if not fulfilment.tickets_ready(order):
            # After commit (seed_all is atomic): no transaction open while the PDF is stored.
            transaction.on_commit(partial(_issue_without_sending, order.pk))


def create_paid_order(*, reference, buyer, lines, paid_at, attendee_names=()):
    """A paid order as checkout and payment leave one: priced by orders.pricing, stock moved
    from available to sold (the same conditional UPDATE a sale makes), placed a few minutes
    before it was paid, its history, one item per admission. None (and nothing written) when
    the stock is not there. Tickets and ledger lines follow (seed_fulfilled_order and
    payments.demo.seed_ledger)."""
    from events.models import TicketType
    from orders import pricing, sales
    from orders.models import Order, OrderEvent, OrderItem

    event = lines[0][0].event
    quote = pricing.price(
        [pricing.Line(tt.pk, tt.name, tt.price_kobo, quantity) for tt, quantity in lines],
        None,
        event,
    )
    with transaction.atomic():
        for tt, quantity in sorted(lines, key=lambda line: line[0].pk):
            taken = TicketType.objects.filter(
                pk=tt.pk, capacity__gte=F("sold") + F("held") + quantity
            ).update(sold=F("sold") + quantity)
            if not taken:
                transaction.set_rollback(True)
                return None
        order = Order.objects.create(
            reference=reference,
            buyer=buyer,
            event=event,
            status=Order.Status.PAID,
            email=buyer.email,
            full_name=buyer.full_name or buyer.email,
            phone=str(buyer.phone or ""),
            subtotal_kobo=quote.subtotal_kobo,
            discount_kobo=quote.discount_kobo,
            fee_kobo=quote.fee_kobo,
            absorbed_fee_kobo=quote.absorbed_fee_kobo,
            total_kobo=quote.total_kobo,
            paid_at=paid_at,
        )
        # Placed a few minutes before it was paid, and its history says so.
        Order.objects.filter(pk=order.pk).update(created_at=paid_at - timedelta(minutes=4))
        history = OrderEvent.objects.create(
            order=order, from_status="pending", to_status="paid", source="webhook"
        )
        OrderEvent.objects.filter(pk=history.pk).update(created_at=paid_at)
        names = list(attendee_names)
        units = [tt for tt, quantity in lines for _ in range(quantity)]
        OrderItem.objects.bulk_create(
            OrderItem(
                order=order,
                ticket_type=tt,
                unit_price_kobo=tt.price_kobo,
                paid_kobo=paid,
                attendee_name=names[i] if i < len(names) else order.full_name,
            )
            for i, (tt, paid) in enumerate(zip(units, quote.item_amounts_kobo, strict=True))
        )
        sales.book_paid(order_id=order.pk)  # in the organizer's figures, as payment books it
    return order


def seed_sold_out_event():
    """Sell the sold-out demo event out with a few fans' paid orders (once), tickets issued."""
    from accounts.models import User
    from events.demo import SOLD_OUT, SOLD_OUT_CAPACITY
    from events.models import Event, TicketType
    from orders.models import Order
    from tickets import issuing

    event = Event.objects.filter(slug=SOLD_OUT).first()
    if event is None or Order.objects.filter(event=event).exists():
        return
    # A demo database seeded before the sales were real: its counters were written by hand.
    for name, capacity in SOLD_OUT_CAPACITY.items():
        TicketType.objects.filter(event=event, name=name).update(capacity=capacity, sold=0)
    types = {tt.name: tt for tt in event.ticket_types.select_related("event")}
    paid_at = min(timezone.now(), event.starts_at) - timedelta(days=len(SOLD_OUT_SALES) + 1)
    for n, (email, name, wanted) in enumerate(SOLD_OUT_SALES, start=1):
        fan = User.objects.get(email=email)  # made by getiickets.demo.seed_users
        order = create_paid_order(
            reference=f"GTDERBY{n:03d}",
            buyer=fan,
            lines=[(types[type_name], quantity) for type_name, quantity in wanted],
            paid_at=paid_at + timedelta(days=n, hours=n),
            attendee_names=[name],
        )
        if order is not None:
            issuing.issue_tickets(order_id=order.pk)
    from events import cache

    cache.bump_catalogue()


def _issue_without_sending(order_id: int) -> None:
    """Demo tickets are issued and their PDF stored, but nobody is emailed or texted: the
    demo buyer reads them on /dashboard/tickets (and "send it again" still works)."""
    from tickets import delivery, issuing

    issuing.issue_tickets(order_id=order_id)
    delivery.store_pdf(order_id=order_id)
