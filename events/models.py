from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from phonenumber_field.modelfields import PhoneNumberField

from events.validators import validate_sane_datetime
from getiickets.uploads import ReencodedImageField


class Organizer(models.Model):
    """The approved organizer profile. Events belong to it; created when staff approve a request."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="organizer"
    )
    name = models.CharField(max_length=150)
    slug = models.SlugField(max_length=160, unique=True)
    contact_phone = PhoneNumberField(blank=True)
    city = models.CharField(max_length=80, blank=True)
    description = models.TextField(blank=True)
    website = models.URLField(blank=True)
    instagram = models.CharField(max_length=100, blank=True)
    twitter = models.CharField(max_length=100, blank=True)
    is_active = models.BooleanField(default=True)
    # Business details, completed at /onboarding/organizer before publishing. Where the money
    # goes is the verified PayoutAccount (payments), added on the Money page.
    business_name = models.CharField(max_length=150, blank=True)
    business_address = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def profile_complete(self) -> bool:
        """The business details publishing needs (a bank account is not: payouts wait for a
        verified one, payments.PayoutAccount)."""
        return all([self.business_name, self.business_address, self.contact_phone])


class Category(models.Model):
    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=90, unique=True)
    description = models.CharField(max_length=255, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name_plural = "categories"

    def __str__(self):
        return self.name


class Venue(models.Model):
    organizer = models.ForeignKey(
        Organizer, null=True, blank=True, on_delete=models.SET_NULL, related_name="venues"
    )
    name = models.CharField(max_length=150)
    address = models.CharField(max_length=255)
    city = models.CharField(max_length=80, db_index=True)
    state = models.CharField(max_length=80)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)

    class Meta:
        ordering = ["city", "name"]

    def __str__(self):
        return f"{self.name}, {self.city}"


class EventQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Event.Status.PUBLISHED)

    def upcoming(self):
        return self.filter(ends_at__gte=timezone.now())

    def public(self):
        """Pages anyone may open: published or cancelled (drafts stay private)."""
        return self.filter(status__in=[Event.Status.PUBLISHED, Event.Status.CANCELLED])

    def owned_by(self, organizer):
        return self.filter(organizer=organizer)


class Event(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"
        CANCELLED = "cancelled", "Cancelled"

    class Seating(models.TextChoices):
        GENERAL = "general", "General admission"
        RESERVED = "reserved", "Reserved seating"

    class FeeMode(models.TextChoices):
        PASS_TO_BUYER = "buyer", "Buyer pays the service fee"
        ABSORB = "organizer", "Organizer absorbs the service fee"

    organizer = models.ForeignKey(Organizer, on_delete=models.PROTECT, related_name="events")
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=220, unique=True)
    description = models.TextField()
    cover_image = ReencodedImageField(upload_to="events/covers/%Y/%m/", blank=True)
    # Resized WebP/JPEG covers of `cover_image` (events/covers.py), written by a Celery task.
    cover_variants = models.JSONField(default=dict, blank=True, editable=False)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="events")
    venue = models.ForeignKey(Venue, on_delete=models.PROTECT, related_name="events")
    starts_at = models.DateTimeField(db_index=True, validators=[validate_sane_datetime])
    ends_at = models.DateTimeField(validators=[validate_sane_datetime])
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    is_featured = models.BooleanField(default=False)
    seating = models.CharField(max_length=10, choices=Seating.choices, default=Seating.GENERAL)
    fee_mode = models.CharField(
        max_length=10, choices=FeeMode.choices, default=FeeMode.PASS_TO_BUYER
    )
    transfer_cutoff_hours = models.PositiveIntegerField(
        default=2, help_text="Tickets cannot be transferred this many hours before the start."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Full-text search document (title, venue name, description), kept up to date by
    # events.signals on PostgreSQL and searched through a GIN index (migration 0002).
    search_document = SearchVectorField(null=True, editable=False)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at"]
        indexes = [
            models.Index(fields=["status", "starts_at"], name="event_status_starts"),
            # The catalogue's bounded counts and facets: upcoming published events overall,
            # per category and per venue, read from the index alone.
            models.Index(fields=["status", "ends_at"], name="event_status_ends"),
            models.Index(fields=["category", "status", "ends_at"], name="event_category_upcoming"),
            models.Index(fields=["venue", "status", "ends_at"], name="event_venue_upcoming"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="event_ends_after_start"
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("events:detail", args=[self.slug])

    @property
    def is_reserved_seating(self) -> bool:
        return self.seating == self.Seating.RESERVED


class TicketType(models.Model):
    """A price and a stock. `held` and `sold` change only through tickets.inventory (atomic SQL)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="ticket_types")
    name = models.CharField(max_length=100)
    description = models.CharField(max_length=255, blank=True)
    price_kobo = models.BigIntegerField(help_text="Price in kobo (₦1 = 100 kobo).")
    capacity = models.PositiveIntegerField()
    held = models.PositiveIntegerField(default=0, editable=False)
    sold = models.PositiveIntegerField(default=0, editable=False)
    sales_start = models.DateTimeField(null=True, blank=True, validators=[validate_sane_datetime])
    sales_end = models.DateTimeField(null=True, blank=True, validators=[validate_sane_datetime])
    min_per_order = models.PositiveSmallIntegerField(default=1)
    max_per_order = models.PositiveSmallIntegerField(default=10)
    is_visible = models.BooleanField(default=True)
    is_transferable = models.BooleanField(default=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "price_kobo", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(price_kobo__gte=0), name="ticket_price_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(held__gte=0) & Q(sold__gte=0) & Q(capacity__gte=0),
                name="ticket_counts_not_negative",
            ),
            # The last line of defence against overselling, whatever the code does.
            models.CheckConstraint(
                condition=Q(held__lte=F("capacity") - F("sold")), name="ticket_never_oversold"
            ),
            models.CheckConstraint(
                condition=Q(min_per_order__gte=1) & Q(max_per_order__gte=F("min_per_order")),
                name="ticket_order_limits_sane",
            ),
            models.CheckConstraint(
                condition=Q(sales_start__isnull=True)
                | Q(sales_end__isnull=True)
                | Q(sales_end__gt=F("sales_start")),
                name="ticket_sales_window_ordered",
            ),
        ]

    def __str__(self):
        return f"{self.event}: {self.name}"

    @property
    def available(self) -> int:
        return max(self.capacity - self.sold - self.held, 0)


class SeatSection(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="sections")
    name = models.CharField(max_length=60)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["event", "name"], name="unique_section_per_event")
        ]

    def __str__(self):
        return self.name


def seat_place(section: str, row: str, number: str) -> str:
    """The one way a seat is named to buyers, on the map, order lines, tickets, the PDF and
    emails: "Balcony · Row A · Seat 4" ("Row A seat 4" alone is ambiguous between sections)."""
    return f"{section} · Row {row} · Seat {number}"


class Seat(models.Model):
    """One seat on the map; `ticket_type` is its price band. Sales live in tickets.SeatClaim."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="seats")
    section = models.ForeignKey(SeatSection, on_delete=models.CASCADE, related_name="seats")
    ticket_type = models.ForeignKey(TicketType, on_delete=models.PROTECT, related_name="seats")
    row_label = models.CharField(max_length=8)
    number = models.CharField(max_length=8)
    label = models.CharField(max_length=40)
    x = models.PositiveIntegerField(default=0)
    y = models.PositiveIntegerField(default=0)
    is_blocked = models.BooleanField(default=False)

    class Meta:
        ordering = ["section", "y", "x"]
        indexes = [models.Index(fields=["event", "ticket_type"], name="seat_event_band")]
        constraints = [
            models.UniqueConstraint(fields=["event", "label"], name="unique_seat_label_per_event")
        ]

    def __str__(self):
        return self.label

    @property
    def place(self) -> str:
        """Where the seat is, in words no two sections share (load the section with it)."""
        return seat_place(self.section.name, self.row_label, self.number)
