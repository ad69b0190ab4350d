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
