"""factory-boy factories shared by the whole suite."""

from datetime import timedelta

import factory
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import User
from events.models import Category, Event, Organizer, Seat, SeatSection, TicketType, Venue

PASSWORD = "correct-horse-battery-9"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.ng")
    full_name = factory.Faker("name")
    phone = factory.Sequence(lambda n: f"+23480{n:08d}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):
        if create:
            obj.save()
            from allauth.account.models import EmailAddress

            EmailAddress.objects.get_or_create(
                user=obj, email=obj.email, defaults={"verified": True, "primary": True}
            )


class OrganizerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organizer

    user = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"Naija Live {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    city = "Lagos"
    business_name = factory.LazyAttribute(lambda o: f"{o.name} Ltd")
    business_address = "12 Admiralty Way, Lekki"
    contact_phone = "+2348031234567"


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ("slug",)

    name = factory.Iterator(["Concerts", "Comedy", "Tech", "Festivals", "Sports"])
    slug = factory.LazyAttribute(lambda o: slugify(o.name))


class VenueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Venue

    name = factory.Sequence(lambda n: f"Eko Hall {n}")
    address = "Plot 1415 Adetokunbo Ademola St, Victoria Island"
    city = "Lagos"
    state = "Lagos"


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    organizer = factory.SubFactory(OrganizerFactory)
    title = factory.Sequence(lambda n: f"Afrobeats Night {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.title))
    description = "A night of live Afrobeats with the best DJs in town."
    category = factory.SubFactory(CategoryFactory)
    venue = factory.SubFactory(VenueFactory)
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=14))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=5))
    status = Event.Status.PUBLISHED


class TicketTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TicketType

    event = factory.SubFactory(EventFactory)
    name = "Regular"
    price_kobo = 1_000_000  # ₦10,000.00
    capacity = 100


class SeatSectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SeatSection

    event = factory.SubFactory(EventFactory, seating=Event.Seating.RESERVED)
    name = factory.Sequence(lambda n: f"Section {n}")


class SeatFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Seat

    section = factory.SubFactory(SeatSectionFactory)
    event = factory.LazyAttribute(lambda o: o.section.event)
    ticket_type = factory.SubFactory(
        TicketTypeFactory, event=factory.SelfAttribute("..event"), capacity=0
    )
    row_label = "A"
    number = factory.Sequence(lambda n: str(n + 1))
    label = factory.LazyAttribute(lambda o: f"{o.section.name}-{o.row_label}{o.number}")


# --- Orders and tickets ----------------------------------------------------------------


class OrderFactory(factory.django.DjangoModelFactory):
    """A paid order. Add items with OrderItemFactory, `items=n`, or `paid_order_with_tickets`."""

    class Meta:
        model = "orders.Order"
        skip_postgeneration_save = True

    reference = factory.Sequence(lambda n: f"GT{n:08d}")
    buyer = factory.SubFactory(UserFactory)
    event = factory.SubFactory(EventFactory)
    status = "paid"
    email = factory.LazyAttribute(lambda o: o.buyer.email)
    full_name = factory.LazyAttribute(lambda o: o.buyer.full_name or "Ada Obi")
    phone = factory.LazyAttribute(lambda o: str(o.buyer.phone) if o.buyer.phone else "")
    subtotal_kobo = 1_000_000
    discount_kobo = 0
    fee_kobo = 45_000
    total_kobo = factory.LazyAttribute(lambda o: o.subtotal_kobo - o.discount_kobo + o.fee_kobo)
    paid_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def items(obj, create, extracted, **kwargs):
        """`OrderFactory(items=2)` adds two admissions of one ticket type and sets totals."""
        if not create or not extracted:
            return
        ticket_type = kwargs.get("ticket_type") or TicketTypeFactory(event=obj.event)
        for i in range(extracted):
            OrderItemFactory(order=obj, ticket_type=ticket_type, attendee_name=f"Guest {i + 1}")
        obj.subtotal_kobo = obj.total_kobo = ticket_type.price_kobo * extracted
        obj.discount_kobo = obj.fee_kobo = 0
        obj.save(update_fields=["subtotal_kobo", "total_kobo", "discount_kobo", "fee_kobo"])


class OrderItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "orders.OrderItem"

    order = factory.SubFactory(OrderFactory)
    ticket_type = factory.SubFactory(
        TicketTypeFactory, event=factory.SelfAttribute("..order.event")
    )
    unit_price_kobo = factory.LazyAttribute(lambda o: o.ticket_type.price_kobo)
    paid_kobo = factory.LazyAttribute(lambda o: o.unit_price_kobo)
    attendee_name = ""


class TicketFactory(factory.django.DjangoModelFactory):
    """An issued ticket with a real signed QR payload (tickets.signing)."""

    class Meta:
        model = "tickets.Ticket"
        skip_postgeneration_save = True

    order_item = factory.SubFactory(OrderItemFactory)
    order = factory.LazyAttribute(lambda o: o.order_item.order)
    event = factory.LazyAttribute(lambda o: o.order_item.order.event)
    ticket_type = factory.LazyAttribute(lambda o: o.order_item.ticket_type)
    holder = factory.LazyAttribute(lambda o: o.order_item.order.buyer)
    attendee_name = factory.LazyAttribute(lambda o: o.order_item.order.full_name)
    secret = factory.LazyFunction(lambda: __import__("secrets").token_urlsafe(24))

    @factory.post_generation
    def signed(obj, create, extracted, **kwargs):
        if create and not obj.qr_payload:
            from tickets import signing

            obj.qr_payload = signing.sign(
                ticket_id=obj.pk, event_id=obj.event_id, secret=obj.secret
            )
            obj.save(update_fields=["qr_payload"])


def paid_order_with_tickets(*, ticket_type, quantity=1, buyer=None, sold=True, **order_fields):
    """A paid order of `quantity` tickets of one type, issued and signed; counts as sold."""
    from django.db.models import F

    from events.models import TicketType
    from orders import pricing, sales

    fields = {
        "event": ticket_type.event,
        "subtotal_kobo": ticket_type.price_kobo * quantity,
        **order_fields,
    }
    if buyer is not None:
        fields["buyer"] = buyer
    order = OrderFactory(**fields)
    # Each admission's share of the discount comes off what was paid for it (orders.pricing).
    shares = pricing.split(order.discount_kobo, [ticket_type.price_kobo] * quantity)
    tickets = []
    for share in shares:
        item = OrderItemFactory(
            order=order, ticket_type=ticket_type, paid_kobo=ticket_type.price_kobo - share
        )
        tickets.append(TicketFactory(order_item=item))
    if sold:
        TicketType.objects.filter(pk=ticket_type.pk).update(sold=F("sold") + quantity)
    sales.book_paid(order_id=order.pk)  # in the organizer's figures, as payment books it
    return order, tickets


class PromoCodeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "orders.PromoCode"

    organizer = factory.SubFactory(OrganizerFactory)
    code = factory.Sequence(lambda n: f"PROMO{n}")
    kind = "percent"
    value = 1_000  # 10 %
