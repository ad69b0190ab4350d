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
    bank_name = "GTBank"
    bank_account_number = "0123456789"
    bank_account_name = factory.LazyAttribute(lambda o: f"{o.name} Ltd")


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


class OrderFactory(factory.django.DjangoModelFactory):
    """A paid order by default (items are added with OrderItemFactory or `items=n`)."""

    class Meta:
        model = "orders.Order"
        skip_postgeneration_save = True

    reference = factory.Sequence(lambda n: f"GT{n:06d}")
    buyer = factory.SubFactory(UserFactory)
    event = factory.SubFactory(EventFactory)
    status = "paid"
    email = factory.LazyAttribute(lambda o: o.buyer.email)
    full_name = factory.LazyAttribute(lambda o: o.buyer.full_name or "Ada Obi")
    phone = factory.LazyAttribute(lambda o: str(o.buyer.phone) if o.buyer.phone else "")
    subtotal_kobo = 0
    total_kobo = 0
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
        obj.save(update_fields=["subtotal_kobo", "total_kobo"])


class OrderItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "orders.OrderItem"

    order = factory.SubFactory(OrderFactory)
    ticket_type = factory.SubFactory(
        TicketTypeFactory, event=factory.SelfAttribute("..order.event")
    )
    unit_price_kobo = factory.LazyAttribute(lambda o: o.ticket_type.price_kobo)
    attendee_name = ""
