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
    paystack_fee_kobo = models.BigIntegerField(default=0, help_text="Paystack's fee on it.")
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
        verbose_name_plural = "refund batches"

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


# --- Organizer payouts (payments/payouts.py) ------------------------------------------------
class PayoutAccount(models.Model):
    """Where an organizer's money goes: a Nigerian bank account Paystack resolved by name,
    with the transfer recipient Paystack made for it. Staff can hold an organizer's payouts."""

    organizer = models.OneToOneField(
        "events.Organizer", on_delete=models.PROTECT, related_name="payout_account"
    )
    bank_code = models.CharField(max_length=20, blank=True)
    bank_name = models.CharField(max_length=120, blank=True)
    account_number = models.CharField(max_length=10, blank=True)
    account_name = models.CharField(max_length=150, blank=True)
    recipient_code = models.CharField(max_length=60, blank=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    on_hold = models.BooleanField(
        default=False, help_text="Staff: no payouts while the organizer is under review."
    )
    hold_reason = models.CharField(max_length=255, blank=True)
    release_early = models.BooleanField(
        default=False,
        help_text="Staff: a trusted organizer's revenue is payable at once, not after the event.",
    )
    payout_delay_hours = models.PositiveIntegerField(
        default=72,
        help_text="An event's money (sales less fees, refunds, chargebacks) is payable this long "
        "after it ends. Set from PAYOUT_DELAY_HOURS when the account is made; staff may change it.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"Payout account of {self.organizer}"

    @property
    def is_verified(self) -> bool:
        return bool(self.recipient_code and self.verified_at)


class Payout(models.Model):
    """A Paystack transfer of an organizer's available balance, confirmed only by the signed
    transfer.success webhook."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENDING = "sending", "Being sent to Paystack"
        PENDING = "pending", "Pending at Paystack"
        PAID = "paid", "Paid"
        FAILED = "failed", "Failed — returned to balance"
        REVERSED = "reversed", "Reversed — returned to balance"

    OPEN = (Status.QUEUED, Status.SENDING, Status.PENDING)

    organizer = models.ForeignKey(
        "events.Organizer", on_delete=models.PROTECT, related_name="payouts"
    )
    amount_kobo = models.BigIntegerField()
    reference = models.CharField(max_length=64, unique=True)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    transfer_code = models.CharField(max_length=60, blank=True)
    recipient_code = models.CharField(max_length=60)
    account_label = models.CharField(max_length=200, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    source = models.CharField(max_length=20, help_text="job, staff or organizer")
    failure = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_kobo__gt=0), name="payout_amount_positive")
        ]

    def __str__(self):
        return f"Payout {self.reference} ({self.status})"


class LedgerEntry(models.Model):
    """One line of an organizer's ledger, in kobo: credits positive, debits negative. Rows are
    only ever added (a PostgreSQL trigger refuses UPDATE and DELETE); every balance is a sum.
    Rows of an event are payable once the event ended PayoutAccount.payout_delay_hours ago
    (so its refunds and chargebacks come out of it first); rows without an event at once. A
    payout row is refused by the database if it would take more than is payable."""

    class Kind(models.TextChoices):
        SALE = "sale", "Ticket sale"
        PLATFORM_FEE = "platform_fee", "Platform fee"
        REFUND = "refund", "Refund"
        FEE_RETURNED = "fee_returned", "Platform fee returned with a refund"
        CHARGEBACK = "chargeback", "Chargeback"
        CHARGEBACK_WON = "chargeback_won", "Chargeback won"
        PAYOUT = "payout", "Payout"
        PAYOUT_RETURNED = "payout_returned", "Payout returned"

    organizer = models.ForeignKey(
        "events.Organizer", on_delete=models.PROTECT, related_name="ledger"
    )
    event = models.ForeignKey(
        "events.Event", null=True, blank=True, on_delete=models.PROTECT, related_name="ledger"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, db_index=True)
    amount_kobo = models.BigIntegerField()
    order = models.ForeignKey(
        "orders.Order", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    refund = models.ForeignKey(
        Refund, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    payout = models.ForeignKey(
        Payout, null=True, blank=True, on_delete=models.PROTECT, related_name="entries"
    )
    dispute_id = models.CharField(max_length=60, blank=True)
    paystack_fee_kobo = models.BigIntegerField(
        default=0,
        help_text="Paystack's fee on the charge (sales only; paid from the platform fee).",
    )
    memo = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name_plural = "ledger entries"
        constraints = [
            # Each fact is written once, whoever reports it first (signal, webhook, job).
            models.UniqueConstraint(
                fields=["order", "kind"],
                condition=Q(kind__in=["sale", "platform_fee"]),
                name="ledger_sale_once",
            ),
            models.UniqueConstraint(
                fields=["refund", "kind"],
                condition=Q(refund__isnull=False),
                name="ledger_refund_once",
            ),
            models.UniqueConstraint(
                fields=["payout", "kind"],
                condition=Q(payout__isnull=False),
                name="ledger_payout_once",
            ),
            models.UniqueConstraint(
                fields=["dispute_id", "kind"],
                condition=~Q(dispute_id=""),
                name="ledger_dispute_once",
            ),
            models.CheckConstraint(
                condition=(
                    Q(kind__in=["sale", "fee_returned", "chargeback_won", "payout_returned"])
                    & Q(amount_kobo__gte=0)
                )
                | (
                    Q(kind__in=["platform_fee", "refund", "chargeback", "payout"])
                    & Q(amount_kobo__lte=0)
                ),
                name="ledger_sign_follows_kind",
            ),
            models.CheckConstraint(
                condition=~Q(kind="payout") | Q(payout__isnull=False),
                name="ledger_payout_has_payout",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.amount_kobo} ({self.organizer_id})"


class SandboxRecipient(models.Model):
    """A transfer recipient in the offline Paystack stand-in."""

    recipient_code = models.CharField(max_length=60, unique=True)
    name = models.CharField(max_length=150)
    bank_code = models.CharField(max_length=20)
    account_number = models.CharField(max_length=10)
    created_at = models.DateTimeField(auto_now_add=True)


class SandboxTransfer(models.Model):
    """A transfer in the offline Paystack stand-in."""

    reference = models.CharField(max_length=64, unique=True)
    transfer_code = models.CharField(max_length=60, unique=True)
    recipient = models.ForeignKey(SandboxRecipient, on_delete=models.PROTECT)
    amount_kobo = models.BigIntegerField()
    reason = models.CharField(max_length=255, blank=True)
    status = models.CharField(max_length=12, default="pending")
    created_at = models.DateTimeField(auto_now_add=True)
