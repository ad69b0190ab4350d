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


class PromoCodeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "orders.PromoCode"

    organizer = factory.SubFactory(OrganizerFactory)
    code = factory.Sequence(lambda n: f"PROMO{n}")
    kind = "percent"
    value = 1_000  # 10 %
