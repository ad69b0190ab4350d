"""Demo sales for the organizer operations pages (`manage.py seed_demo`). Idempotent."""

import secrets
from datetime import timedelta

from django.db.models import F
from django.utils import timezone

DEMO_SLUG = "eko-jazz-festival-demo"


def seed_operations():
    from accounts.models import User
    from events.models import Category, Event, Organizer, TicketType, Venue
    from orders import sales
    from orders.models import (
        Order,
        OrderEvent,
        OrderItem,
        PromoCode,
        PromoRedemption,
        WaitlistEntry,
    )
    from tickets import signing
    from tickets.models import CheckIn, Ticket

    user = User.objects.filter(email="organizer@demo.getiickets.ng").first()
    if user is None or Event.objects.filter(slug=DEMO_SLUG).exists():
        return
    organizer, _ = Organizer.objects.get_or_create(
        user=user, defaults={"name": "Funke Live", "slug": "funke-live", "city": "Lagos"}
    )
    category, _ = Category.objects.get_or_create(slug="concerts", defaults={"name": "Concerts"})
    venue, _ = Venue.objects.get_or_create(
        name="Eko Convention Centre",
        defaults={"address": "Plot 1415 Adetokunbo Ademola St", "city": "Lagos", "state": "Lagos"},
    )
    now = timezone.now()
    # On tonight, started two hours ago: the door has been checking people in since (a
    # check-in before an event starts would be nonsense); sales ran over the week before.
    starts_at = now - timedelta(hours=2)
    event = Event.objects.create(
        organizer=organizer,
        title="Eko Jazz Festival (demo)",
        slug=DEMO_SLUG,
        description="A demo event on tonight, with sales, promo codes, check-ins and a waitlist.",
        category=category,
        venue=venue,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=6),
        status=Event.Status.PUBLISHED,
    )
    regular = TicketType.objects.create(
        event=event, name="Regular", price_kobo=1_500_000, capacity=200, position=0
    )
    vip = TicketType.objects.create(event=event, name="VIP", price_kobo=6_000_000, capacity=12)
    promo, _ = PromoCode.objects.get_or_create(
        organizer=organizer, code="EKO10", defaults={"kind": "percent", "value": 1000}
    )
    buyers = list(User.objects.filter(email="buyer@demo.getiickets.ng"))
    buyer = buyers[0] if buyers else user
    n = 0
    plan = [(6, 1), (9, 2), (4, 0), (12, 3), (7, 2), (15, 4)]
    for day, (n_regular, n_vip) in enumerate(plan):
        for tt, count in ((regular, n_regular), (vip, n_vip)):
            for i in range(count):
                n += 1
                # Placed a few minutes before it was paid, as a buyer at checkout would.
                paid_at = now - timedelta(days=len(plan) - day, hours=3, minutes=-n)
                placed_at = paid_at - timedelta(minutes=2 + n % 5)
                discount = tt.price_kobo // 10 if (tt == regular and i % 4 == 0) else 0
                fee = 45_000
                order = Order.objects.create(
                    reference=f"GTDEMO{n:05d}",
                    buyer=buyer,
                    event=event,
                    status=Order.Status.PAID,
                    email=f"guest{n}@example.ng",
                    full_name=f"Demo Guest {n}",
                    phone="+2348030000000",
                    promo_code=promo if discount else None,
                    subtotal_kobo=tt.price_kobo,
                    discount_kobo=discount,
                    fee_kobo=fee,
                    total_kobo=tt.price_kobo - discount + fee,
                    paid_at=paid_at,
                )
                Order.objects.filter(pk=order.pk).update(created_at=placed_at)
                history = OrderEvent.objects.create(
                    order=order, from_status="pending", to_status="paid", source="webhook"
                )
                OrderEvent.objects.filter(pk=history.pk).update(created_at=paid_at)
                if discount:  # the code's use, as checkout records it
                    used = PromoRedemption.objects.create(
                        promo_code=promo, order=order, buyer=buyer, discount_kobo=discount
                    )
                    PromoRedemption.objects.filter(pk=used.pk).update(created_at=placed_at)
                item = OrderItem.objects.create(
                    order=order,
                    ticket_type=tt,
                    unit_price_kobo=tt.price_kobo,
                    paid_kobo=tt.price_kobo - discount,  # the admission's share, not the fee
                )
                sales.book_paid(order_id=order.pk)  # as payment books it
                ticket = Ticket.objects.create(
                    order=order,
                    order_item=item,
                    event=event,
                    ticket_type=tt,
                    holder=buyer,
                    attendee_name=f"Demo Guest {n}",
                    secret=secrets.token_urlsafe(24),
                )
                ticket.qr_payload = signing.sign(
                    ticket_id=ticket.pk, event_id=event.pk, secret=ticket.secret
                )
                ticket.save(update_fields=["qr_payload"])
                if n % 5 == 0:  # admitted at the door since the event started
                    CheckIn.objects.create(
                        ticket=ticket,
                        device="Gate A",
                        checked_in_by=user,
                        checked_in_at=starts_at + timedelta(minutes=5 + n),
                    )
                TicketType.objects.filter(pk=tt.pk).update(sold=F("sold") + 1)
    PromoCode.objects.filter(pk=promo.pk).update(uses=promo.redemptions.count())
    vip.refresh_from_db()
    if vip.available == 0 and buyer != user:
        WaitlistEntry.objects.get_or_create(
            buyer=buyer,
            event=event,
            defaults={"ticket_type": vip, "quantity": 1, "email": buyer.email},
        )
