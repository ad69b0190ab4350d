from django.conf import settings
from django.db import models
from django.db.models import Q


class Payment(models.Model):
    """A charge Paystack reported for an order. The unique reference makes it apply once."""

    class Status(models.TextChoices):
        SUCCESS = "success", "Applied"
        MISMATCH = "mismatch", "Mismatch — needs staff"
        LATE_REFUNDED = "late_refunded", "Late, sold out — refunded"

    order = models.ForeignKey(
        "orders.Order", null=True, blank=True, on_delete=models.PROTECT, related_name="payments"
    )
    paystack_reference = models.CharField(max_length=100, unique=True)
    status = models.CharField(max_length=20, choices=Status.choices, db_index=True)
    amount_kobo = models.BigIntegerField()
    currency = models.CharField(max_length=3)
    channel = models.CharField(max_length=40, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    source = models.CharField(max_length=20, help_text="webhook, callback or job")
    note = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.paystack_reference} ({self.status})"

    @property
    def is_mismatch(self) -> bool:
        return self.status == self.Status.MISMATCH


class RejectedCharge(models.Model):
    """A charge that gave no value: Paystack said it failed or was reversed, it did not match
    its order, or its reference is not ours. One row per (reference, kind, status), so a replay
    or the job asking again adds nothing; staff read them in the admin."""

    class Kind(models.TextChoices):
        FAILED = "failed", "Failed at Paystack"
        MISMATCH = "mismatch", "Did not match the order"
        UNMATCHED = "unmatched", "Unknown reference"

    reference = models.CharField(max_length=100, db_index=True)
    kind = models.CharField(max_length=10, choices=Kind.choices, db_index=True)
    paystack_status = models.CharField(max_length=20, blank=True)
    order = models.ForeignKey(
        "orders.Order",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="rejected_charges",
    )
    amount_kobo = models.BigIntegerField(default=0)
    currency = models.CharField(max_length=3, blank=True)
    customer_email = models.CharField(max_length=254, blank=True)
    reason = models.CharField(max_length=255, blank=True)
    source = models.CharField(max_length=20, help_text="webhook, callback or job")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["reference", "kind", "paystack_status"], name="rejected_charge_once"
            )
        ]

    def __str__(self):
        return f"{self.reference} ({self.get_kind_display()})"


class WebhookEvent(models.Model):
    """Every verified Paystack webhook, stored raw for audit."""

    class Outcome(models.TextChoices):
        RECEIVED = "received", "Received"
        APPLIED = "applied", "Applied"
        DUPLICATE = "duplicate", "Duplicate (already applied)"
        MISMATCH = "mismatch", "Mismatch — needs staff"
        UNMATCHED = "unmatched", "Unknown reference"
        IGNORED = "ignored", "Ignored event type"
        LATE = "late", "Late payment"

    event_type = models.CharField(max_length=60, db_index=True)
    reference = models.CharField(max_length=100, blank=True, db_index=True)
    body = models.TextField()
    outcome = models.CharField(
        max_length=20, choices=Outcome.choices, default=Outcome.RECEIVED, db_index=True
    )
    note = models.CharField(max_length=255, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_at"]

    def __str__(self):
        return f"{self.event_type} {self.reference}"


class Refund(models.Model):
    """Money sent back through Paystack's refund API; `processed` once Paystack confirms."""

    class Status(models.TextChoices):
        REQUESTED = "requested", "Requested"
        SENDING = "sending", "Being sent to Paystack"
        PENDING = "pending", "Pending at Paystack"
        PROCESSED = "processed", "Processed"
        FAILED = "failed", "Failed"

    OPEN = (Status.REQUESTED, Status.SENDING, Status.PENDING)  # money promised, not yet back

    order = models.ForeignKey("orders.Order", on_delete=models.PROTECT, related_name="refunds")
    amount_kobo = models.BigIntegerField()
    status = models.CharField(
        max_length=12, choices=Status.choices, default=Status.REQUESTED, db_index=True
    )
    paystack_refund_id = models.CharField(max_length=64, null=True, blank=True, unique=True)
    reason = models.CharField(max_length=255, blank=True)
    items = models.ManyToManyField(
        "orders.OrderItem",
        blank=True,
        related_name="refunds",
        help_text="Admissions refunded (their tickets are voided). A full refund covers all.",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    source = models.CharField(max_length=20, help_text="staff, organizer, late_payment, event")
    failure = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_kobo__gt=0), name="refund_amount_positive")
        ]

    def __str__(self):
        return f"Refund {self.pk} of {self.order_id} ({self.status})"


class RefundBatch(models.Model):
    """Refunding every paid order of a cancelled event; counts show the organizer progress."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"

    event = models.ForeignKey(
        "events.Event", on_delete=models.CASCADE, related_name="refund_batches"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(default=0)
    refunded = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    @property
    def done_count(self) -> int:
        return self.refunded + self.failed

    @property
    def percent(self) -> int:
        return 100 if not self.total else int(self.done_count * 100 / self.total)


class SandboxTransaction(models.Model):
    """A transaction in the offline Paystack stand-in (payments/sandbox)."""

    class Status(models.TextChoices):
        ONGOING = "ongoing", "Ongoing"
        SUCCESS = "success", "Success"
        FAILED = "failed", "Failed"

    reference = models.CharField(max_length=100, unique=True)
    access_code = models.CharField(max_length=64, unique=True)
    amount_kobo = models.BigIntegerField()
    currency = models.CharField(max_length=3, default="NGN")
    email = models.EmailField()
    callback_url = models.URLField(max_length=500, blank=True)
    metadata = models.TextField(blank=True)
    channels = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ONGOING)
    refunded_kobo = models.BigIntegerField(default=0)
    paid_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return self.reference
