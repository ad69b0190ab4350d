from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce


class OrderQuerySet(models.QuerySet):
    def awaiting_payment(self):
        return self.filter(status=Order.Status.PENDING)

    def paid(self):
        return self.filter(status__in=[Order.Status.PAID, Order.Status.PARTIALLY_REFUNDED])


class Order(models.Model):
    """A purchase. State changes only through orders.services, each logged in OrderEvent."""

    class Status(models.TextChoices):
        PENDING = "pending", "Awaiting payment"
        PAID = "paid", "Paid"
        EXPIRED = "expired", "Expired"
        CANCELLED = "cancelled", "Cancelled"
        REFUNDED = "refunded", "Refunded"
        PARTIALLY_REFUNDED = "partially_refunded", "Partially refunded"

    reference = models.CharField(max_length=32, unique=True)
    buyer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="orders"
    )
    event = models.ForeignKey("events.Event", on_delete=models.PROTECT, related_name="orders")
    hold = models.OneToOneField(
        "tickets.Hold", null=True, blank=True, on_delete=models.SET_NULL, related_name="order"
    )
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    email = models.EmailField()
    full_name = models.CharField(max_length=150)
    phone = models.CharField(max_length=20, blank=True)
    promo_code = models.ForeignKey(
        "orders.PromoCode", null=True, blank=True, on_delete=models.PROTECT, related_name="orders"
    )
    subtotal_kobo = models.BigIntegerField(default=0)
    discount_kobo = models.BigIntegerField(default=0)
    fee_kobo = models.BigIntegerField(default=0, help_text="Service fee paid by the buyer.")
    absorbed_fee_kobo = models.BigIntegerField(
        default=0, help_text="Service fee absorbed by the organizer (not in the total)."
    )
    total_kobo = models.BigIntegerField(default=0)
    refunded_kobo = models.BigIntegerField(default=0)
    # Refunds asked of Paystack and not failed (confirmed ones included): raised by one
    # conditional UPDATE when a refund is requested, so the CHECK below keeps every refund of
    # this payment together at or below what was paid.
    refunds_reserved_kobo = models.BigIntegerField(default=0)
    # One Paystack transaction per order: initialised once, its URL reused on every Pay click.
    authorization_url = models.URLField(max_length=500, blank=True)
    access_code = models.CharField(max_length=100, blank=True)
    payment_started_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    objects = OrderQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(subtotal_kobo__gte=0)
                & Q(discount_kobo__gte=0)
                & Q(fee_kobo__gte=0)
                & Q(total_kobo__gte=0)
                & Q(refunded_kobo__gte=0)
                & Q(refunded_kobo__lte=F("total_kobo")),
                name="order_amounts_sane",
            ),
            models.CheckConstraint(
                condition=Q(refunds_reserved_kobo__gte=0)
                & Q(refunds_reserved_kobo__lte=F("total_kobo")),
                name="order_refunds_at_most_paid",
            ),
        ]

    def __str__(self):
        return self.reference

    @property
    def is_free(self) -> bool:
        return self.total_kobo == 0

    @property
    def refundable_kobo(self) -> int:
        return self.total_kobo - self.refunded_kobo


class OrderItem(models.Model):
    """One admission: one ticket is issued per item."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="items")
    ticket_type = models.ForeignKey(
        "events.TicketType", on_delete=models.PROTECT, related_name="order_items"
    )
    seat = models.ForeignKey(
        "events.Seat", null=True, blank=True, on_delete=models.PROTECT, related_name="order_items"
    )
    unit_price_kobo = models.BigIntegerField()
    paid_kobo = models.BigIntegerField(
        help_text="What the buyer paid for this admission: its price less its share of the "
        "promo discount (orders.pricing). Refunding it returns at most this; the service fee "
        "is returned only with the whole order."
    )
    attendee_name = models.CharField(max_length=150, blank=True)
    refunded_at = models.DateTimeField(
        null=True, blank=True, help_text="Set when this admission was refunded (ticket void)."
    )

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(paid_kobo__gte=0), name="order_item_paid_not_negative"
            )
        ]


class OrderEvent(models.Model):
    """Append-only log of an order's transitions: who or what, when, from which state."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="history")
    from_status = models.CharField(max_length=20, blank=True, choices=Order.Status.choices)
    to_status = models.CharField(max_length=20, choices=Order.Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    source = models.CharField(max_length=40, help_text="buyer, webhook, callback, staff, job…")
    note = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]


class PromoCode(models.Model):
    class Kind(models.TextChoices):
        PERCENT = "percent", "Percentage off"
        FIXED = "fixed", "Fixed amount off (₦)"

    organizer = models.ForeignKey(
        "events.Organizer", on_delete=models.CASCADE, related_name="promo_codes"
    )
    code = models.CharField(max_length=40)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    # Basis points for percent (1000 = 10 %), kobo for fixed.
    value = models.PositiveIntegerField()
    max_uses = models.PositiveIntegerField(null=True, blank=True)
    max_uses_per_buyer = models.PositiveIntegerField(null=True, blank=True)
    uses = models.PositiveIntegerField(default=0, editable=False)
    valid_from = models.DateTimeField(null=True, blank=True)
    valid_until = models.DateTimeField(null=True, blank=True)
    is_active = models.BooleanField(default=True)
    events = models.ManyToManyField("events.Event", blank=True, related_name="promo_codes")
    ticket_types = models.ManyToManyField(
        "events.TicketType", blank=True, related_name="promo_codes"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organizer", "code"], name="unique_promo_per_organizer"
            ),
            models.CheckConstraint(
                condition=Q(max_uses__isnull=True) | Q(uses__lte=F("max_uses")),
                name="promo_never_over_used",
            ),
            models.CheckConstraint(
                condition=~Q(kind="percent") | Q(value__lte=10000), name="promo_percent_at_most_100"
            ),
        ]

    def __str__(self):
        return self.code


class WaitlistEntryQuerySet(models.QuerySet):
    def waiting(self):
        return self.filter(status=WaitlistEntry.Status.WAITING)

    def in_line(self):
        """Waiting first-come first-served: the queue order."""
        return self.waiting().order_by("created_at", "pk")


class WaitlistEntry(models.Model):
    """A buyer waiting for a sold-out ticket type (or any ticket of a sold-out event).

    When stock frees, orders.waitlist offers it: a Hold for this buyer alone, valid for
    WAITLIST_OFFER_MINUTES; an unclaimed offer lapses and passes to the next in line.
    """

    class Status(models.TextChoices):
        WAITING = "waiting", "Waiting"
        OFFERED = "offered", "Offer sent"
        CLAIMED = "claimed", "Bought"
        EXPIRED = "expired", "Offer lapsed"
        REMOVED = "removed", "Removed"

    event = models.ForeignKey("events.Event", on_delete=models.CASCADE, related_name="waitlist")
    ticket_type = models.ForeignKey(
        "events.TicketType",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="waitlist",
        help_text="Empty: any ticket type of the event.",
    )
    buyer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="waitlist_entries"
    )
    quantity = models.PositiveSmallIntegerField(default=1)
    email = models.EmailField()
    phone = models.CharField(max_length=20, blank=True)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.WAITING, db_index=True
    )
    hold = models.OneToOneField(
        "tickets.Hold",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="waitlist_entry",
    )
    offered_at = models.DateTimeField(null=True, blank=True)
    offer_expires_at = models.DateTimeField(null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = WaitlistEntryQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name_plural = "waitlist entries"
        constraints = [
            models.UniqueConstraint(
                fields=["buyer", "event"],
                condition=Q(status__in=["waiting", "offered"]),
                name="one_live_waitlist_entry_per_buyer_per_event",
            ),
            models.CheckConstraint(condition=Q(quantity__gte=1), name="waitlist_quantity_positive"),
        ]

    def __str__(self):
        return f"{self.email} waiting for {self.ticket_type or self.event} ×{self.quantity}"


class PromoRedemption(models.Model):
    """One use of a promo code by one order. `released_at` set = the use was given back."""

    promo_code = models.ForeignKey(PromoCode, on_delete=models.CASCADE, related_name="redemptions")
    order = models.OneToOneField(Order, on_delete=models.CASCADE, related_name="redemption")
    buyer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="promo_redemptions"
    )
    discount_kobo = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    released_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]


class SalesRollup(models.Model):
    """What `orders.sales` counts as sold, summed per event × Lagos day of payment × ticket
    type × promo code, so the organizer's pages read a few rows however many orders there are.

    Rows with a ticket type hold its admissions (`tickets`, `revenue_kobo`); the row without
    one holds the orders' own figures (count, totals, refunds, fees, discounts). Changed only
    by `orders.sales` in the transaction that pays or refunds an order; `reconcile_sales`
    checks it against the orders.
    """

    event = models.ForeignKey("events.Event", on_delete=models.CASCADE, related_name="+")
    day = models.DateField(help_text="Lagos day the orders were paid.")
    ticket_type = models.ForeignKey(
        "events.TicketType", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    promo_code = models.ForeignKey(
        PromoCode, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    orders = models.IntegerField(default=0)
    total_kobo = models.BigIntegerField(default=0, help_text="What the buyers paid, fees in.")
    refunded_kobo = models.BigIntegerField(default=0)
    fees_kobo = models.BigIntegerField(default=0, help_text="Service fees paid by buyers.")
    discount_kobo = models.BigIntegerField(default=0)
    tickets = models.IntegerField(default=0)
    revenue_kobo = models.BigIntegerField(
        default=0, help_text="Ticket revenue: paid for the admissions, after discounts."
    )

    class Meta:
        constraints = [
            # NULLs as 0: one row per key, the target of the increments' ON CONFLICT.
            models.UniqueConstraint(
                "event",
                "day",
                Coalesce("ticket_type", 0),
                Coalesce("promo_code", 0),
                name="sales_rollup_one_row_per_key",
            )
        ]
