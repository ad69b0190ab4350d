import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class HoldQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=Hold.Status.ACTIVE, expires_at__gt=timezone.now())

    def lapsed(self):
        return self.filter(status=Hold.Status.ACTIVE, expires_at__lte=timezone.now())


class Hold(models.Model):
    """Tickets or seats set aside for one buyer until `expires_at`.

    Stock taken by an active hold is counted in TicketType.held; a release or expiry gives
    it back exactly once (the status change is the guard), a sale moves it to `sold`.
    """

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        RELEASED = "released", "Released by the buyer"
        EXPIRED = "expired", "Expired"
        SOLD = "sold", "Sold"
        # The buyer reserved again for the event (another tab, say): one hold per buyer.
        REPLACED = "replaced", "Replaced by a newer reservation"

    buyer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="holds"
    )
    event = models.ForeignKey("events.Event", on_delete=models.CASCADE, related_name="holds")
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.ACTIVE, db_index=True
    )
    expires_at = models.DateTimeField(db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    objects = HoldQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["buyer", "event"],
                condition=Q(status="active"),
                name="one_active_hold_per_buyer_per_event",
            )
        ]

    def __str__(self):
        return f"Hold {self.pk} ({self.status})"

    @property
    def quantity(self) -> int:
        return sum(line.quantity for line in self.lines.all())

    @property
    def seconds_left(self) -> int:
        return max(int((self.expires_at - timezone.now()).total_seconds()), 0)


class HoldLine(models.Model):
    hold = models.ForeignKey(Hold, on_delete=models.CASCADE, related_name="lines")
    ticket_type = models.ForeignKey(
        "events.TicketType", on_delete=models.PROTECT, related_name="hold_lines"
    )
    quantity = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["hold", "ticket_type"], name="one_line_per_ticket_type"
            ),
            models.CheckConstraint(
                condition=Q(quantity__gte=1), name="hold_line_quantity_positive"
            ),
        ]


class SeatClaim(models.Model):
    """A seat held or sold. The partial unique index means a seat has one live claim at most."""

    class State(models.TextChoices):
        HELD = "held", "Held"
        SOLD = "sold", "Sold"
        RELEASED = "released", "Released"

    seat = models.ForeignKey("events.Seat", on_delete=models.PROTECT, related_name="claims")
    hold = models.ForeignKey(Hold, on_delete=models.CASCADE, related_name="seat_claims")
    state = models.CharField(max_length=10, choices=State.choices, default=State.HELD)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["seat"],
                condition=Q(state__in=["held", "sold"]),
                name="one_live_claim_per_seat",
            )
        ]


class Ticket(models.Model):
    """One admission, issued after payment. A transfer revokes this row and issues a new one."""

    class Status(models.TextChoices):
        VALID = "valid", "Valid"
        TRANSFERRED = "transferred", "Transferred"
        VOID = "void", "Void (refunded or cancelled)"

    order = models.ForeignKey("orders.Order", on_delete=models.PROTECT, related_name="tickets")
    order_item = models.ForeignKey(
        "orders.OrderItem", on_delete=models.PROTECT, related_name="tickets"
    )
    event = models.ForeignKey("events.Event", on_delete=models.PROTECT, related_name="tickets")
    ticket_type = models.ForeignKey(
        "events.TicketType", on_delete=models.PROTECT, related_name="tickets"
    )
    seat = models.ForeignKey(
        "events.Seat", null=True, blank=True, on_delete=models.PROTECT, related_name="tickets"
    )
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="tickets"
    )
    attendee_name = models.CharField(max_length=150, blank=True)
    # ≥128 bits from `secrets`; the QR carries it inside a signed payload.
    secret = models.CharField(max_length=64, unique=True)
    qr_payload = models.TextField(blank=True)
    status = models.CharField(
        max_length=12, choices=Status.choices, default=Status.VALID, db_index=True
    )
    replaced_by = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="replaces"
    )
    issued_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["event__starts_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["order_item"],
                condition=Q(status="valid"),
                name="one_valid_ticket_per_order_item",
            )
        ]

    def __str__(self):
        return f"{self.ticket_type} #{self.pk}"


class CheckIn(models.Model):
    """A ticket is admitted once: the one-to-one is the guarantee, across devices."""

    ticket = models.OneToOneField(Ticket, on_delete=models.PROTECT, related_name="check_in")
    device = models.CharField(max_length=80, blank=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    checked_in_at = models.DateTimeField(default=timezone.now)
    offline = models.BooleanField(default=False)


class EventSigningKey(models.Model):
    """Ed25519 key pair per event: QR payloads are signed with it; scanners verify offline."""

    event = models.OneToOneField(
        "events.Event", on_delete=models.CASCADE, related_name="signing_key"
    )
    private_key = models.CharField(max_length=64, editable=False)  # raw 32 bytes, base64url
    public_key = models.CharField(max_length=64, editable=False)  # raw 32 bytes, base64url
    created_at = models.DateTimeField(auto_now_add=True)


class DeliveryLog(models.Model):
    """The delivery outbox: one row per ticket set (order, transfer) per channel and kind.

    The row is the intent, written before anything is sent (``pending``). A sender claims it
    (``sending``, attempts + 1, a lease) in a short transaction, calls the provider outside
    any transaction and records ``sent`` in another. A crash in between leaves ``sending``
    with a lapsed lease; what the next attempt may do then depends on the channel
    (tickets/delivery.py): resend under the same ``idempotency_key`` (Brevo), look the
    message up at the provider (Twilio), re-render (PDF), or, without either, stop at
    ``uncertain`` rather than risk a second copy (SMTP, console).
    """

    class Channel(models.TextChoices):
        PDF = "pdf", "PDF"
        EMAIL = "email", "Email"
        SMS = "sms", "SMS"

    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        SKIPPED = "skipped", "Skipped"
        # The sender died after handing the message to a provider that cannot tell whether
        # it got it: not sent again automatically (staff or the buyer can ask for a copy).
        UNCERTAIN = "uncertain", "Maybe sent (not retried)"

    order = models.ForeignKey(
        "orders.Order", on_delete=models.CASCADE, related_name="delivery_logs"
    )
    channel = models.CharField(max_length=10, choices=Channel.choices)
    # "confirmation", "resend-2", "transfer-15", ...
    kind = models.CharField(max_length=40, default="confirmation")
    state = models.CharField(
        max_length=10, choices=State.choices, default=State.PENDING, db_index=True
    )
    recipient = models.CharField(max_length=254, blank=True)
    idempotency_key = models.UUIDField(default=uuid.uuid4, editable=False)
    provider_id = models.CharField(max_length=120, blank=True)
    detail = models.CharField(max_length=255, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    started_at = models.DateTimeField(null=True, blank=True)
    # Until then the current attempt owns the row; after it, the attempt is presumed dead.
    lease_until = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["order", "channel", "kind"], name="one_delivery_per_order_channel_kind"
            )
        ]

    def __str__(self):
        return f"{self.order_id} {self.channel}/{self.kind}: {self.state}"


class TicketTransfer(models.Model):
    """A holder hands a ticket to someone else; claiming it revokes the old ticket."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for the recipient"
        CLAIMED = "claimed", "Claimed"
        CANCELLED = "cancelled", "Cancelled"

    ticket = models.ForeignKey(Ticket, on_delete=models.PROTECT, related_name="transfers")
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="transfers_sent"
    )
    to_email = models.EmailField(blank=True)
    to_phone = models.CharField(max_length=20, blank=True)
    token = models.CharField(max_length=64, unique=True)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="transfers_received",
    )
    new_ticket = models.OneToOneField(
        Ticket, null=True, blank=True, on_delete=models.PROTECT, related_name="transferred_in"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["ticket"], condition=Q(status="pending"), name="one_pending_transfer"
            ),
            models.CheckConstraint(
                condition=~Q(to_email="") | ~Q(to_phone=""), name="transfer_has_recipient"
            ),
        ]

    def __str__(self):
        return f"Transfer of {self.ticket_id} to {self.recipient}"

    @property
    def recipient(self) -> str:
        return self.to_email or self.to_phone


class WaitingRoom(models.Model):
    """An organizer's waiting room for an event's on-sale (tickets.inventory.waiting_room).
    Who waits where lives in Redis only; this row is the organizer's switch and rate."""

    event = models.OneToOneField(
        "events.Event", on_delete=models.CASCADE, related_name="waiting_room"
    )
    enabled = models.BooleanField(default=False)
    # What the server sustains, set by the organizer; 0: the site's default.
    admissions_per_minute = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"Waiting room of {self.event}"
