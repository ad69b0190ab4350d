"""Payments: start a Paystack transaction once per order, apply a charge exactly once, refunds.

A charge becomes value only through `apply_charge`: under a row lock on the order and a
UNIQUE Paystack reference on Payment, after checking status, amount and currency.
"""

import logging
import time
from datetime import timedelta

from django.conf import settings
from django.core.mail import mail_admins
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from getiickets.errors import DomainError
from getiickets.templatetags.money import format_naira
from orders import services as orders
from orders.models import Order
from payments import gateway
from payments.models import Payment, Refund, RefundBatch, RejectedCharge, WebhookEvent
from payments.signals import refund_confirmed

log = logging.getLogger(__name__)
S = Order.Status


class PaymentUnavailable(DomainError):
    """We could not reach the payment provider. Please try again in a moment."""

    status_code = 503


class RefundRefused(DomainError):
    """That refund is not possible."""

    status_code = 400


def callback_url() -> str:
    return settings.SITE_URL + reverse("orders:callback")


# --- Starting a payment ------------------------------------------------------------------
# A claim to initialise older than Paystack's timeout plus this belonged to a dead process.
CLAIM_GRACE_SECONDS = 5


def start_payment(*, order: Order) -> str:
    """The Paystack page for this order: one Paystack transaction per order, however often Pay
    is pressed, and no transaction or row lock held while Paystack answers.

    1. claim the right to initialise (a short transaction stamps `payment_started_at`);
    2. call Paystack with no transaction open;
    3. record the page (another short statement).

    A second click meanwhile waits for the first one's page. A claim older than Paystack's
    timeout belonged to a process that died, so it is taken over; should that process have
    reached Paystack after all, Paystack refuses the duplicate reference, and we wait for
    the page it recorded instead of starting a second transaction.
    """
    deadline = time.monotonic() + settings.PAYSTACK_TIMEOUT_SECONDS + CLAIM_GRACE_SECONDS
    while True:
        claimed, url = _claim_initialisation(order)
        if url:
            return url
        if claimed:
            break
        if time.monotonic() > deadline:
            raise PaymentUnavailable("Your payment is still being set up. Please try again.")
        time.sleep(0.2)
    try:
        started = gateway.initialize(
            reference=order.reference,
            amount_kobo=order.total_kobo,
            email=order.email,
            callback_url=callback_url(),
            metadata={
                "order_id": order.pk,
                "order_reference": order.reference,
                "event": order.event.title,
                "buyer_name": order.full_name,
            },
        )
    except gateway.DuplicateReference:
        return _wait_for_recorded_page(order, deadline)
    except gateway.GatewayError as exc:
        # Free the claim so the next click tries again at once.
        Order.objects.filter(pk=order.pk, authorization_url="").update(payment_started_at=None)
        raise PaymentUnavailable(str(exc)) from exc
    Order.objects.filter(pk=order.pk, authorization_url="").update(
        authorization_url=started.authorization_url,
        access_code=started.access_code,
        payment_started_at=timezone.now(),
    )
    # Whoever recorded first wins (a taken-over claim may have finished too): one page.
    return Order.objects.values_list("authorization_url", flat=True).get(pk=order.pk)


def _claim_initialisation(order: Order) -> tuple[bool, str]:
    """(True, "") if this caller may initialise now; (False, url) once a page is recorded;
    (False, "") while another caller is initialising."""
    now = timezone.now()
    stale = now - timedelta(seconds=settings.PAYSTACK_TIMEOUT_SECONDS + CLAIM_GRACE_SECONDS)
    with transaction.atomic():
        order = (
            Order.objects.select_for_update(of=("self",)).select_related("hold").get(pk=order.pk)
        )
        if order.status != S.PENDING:
            raise orders.OrderClosed("This order is no longer awaiting payment.")
        if order.hold_id is None or not orders.hold_is_live(order.hold):
            raise orders.HoldExpired()
        if order.authorization_url:
            return False, order.authorization_url
        if order.payment_started_at and order.payment_started_at > stale:
            return False, ""
        Order.objects.filter(pk=order.pk).update(payment_started_at=now)
        return True, ""


def _wait_for_recorded_page(order: Order, deadline: float) -> str:
    while time.monotonic() <= deadline:
        url = Order.objects.values_list("authorization_url", flat=True).get(pk=order.pk)
        if url:
            return url
        time.sleep(0.2)
    log.error("paystack has a transaction for %s but no page was recorded", order.reference)
    raise PaymentUnavailable(
        "This payment was already started with Paystack. Please contact support with your "
        f"order reference {order.reference}."
    )


# --- Applying a charge ---------------------------------------------------------------------
def apply_charge(*, payment: gateway.VerifiedPayment, source: str) -> str:
    """Give value for a successful Paystack charge, exactly once.

    Returns one of: "applied", "duplicate", "mismatch", "unmatched", "not_successful",
    "late_refunded".
    """
    if payment.status != "success":
        if payment.status in FAILED_STATUSES:
            _record_rejected(payment, RejectedCharge.Kind.FAILED, source, "Paystack: not paid")
        return "not_successful"
    try:
        with transaction.atomic():
            order = Order.objects.select_for_update().filter(reference=payment.reference).first()
            if order is None:
                log.warning("paystack charge for an unknown reference %s", payment.reference)
                _record_rejected(
                    payment, RejectedCharge.Kind.UNMATCHED, source, "no order has this reference"
                )
                return "unmatched"
            if Payment.objects.filter(paystack_reference=payment.reference).exists():
                return "duplicate"
            problems = charge_problems(payment=payment, order=order)
            fields = dict(
                order=order,
                paystack_reference=payment.reference,
                amount_kobo=payment.amount_kobo,
                currency=payment.currency or "?",
                channel=payment.channel,
                paystack_fee_kobo=payment.fees_kobo,
                paid_at=payment.paid_at,
                source=source,
            )
            if problems:
                Payment.objects.create(
                    status=Payment.Status.MISMATCH, note="; ".join(problems)[:255], **fields
                )
                _record_rejected(
                    payment, RejectedCharge.Kind.MISMATCH, source, "; ".join(problems), order=order
                )
                from orders.models import OrderEvent

                OrderEvent.objects.create(
                    order=order,
                    from_status=order.status,
                    to_status=order.status,
                    source=source,
                    note=("payment mismatch: " + "; ".join(problems))[:255],
                )
                reference = order.reference
                note = "; ".join(problems)
                transaction.on_commit(
                    lambda: mail_admins(
                        f"Paystack payment mismatch on {reference}",
                        f"Order {reference} stays unpaid: {note}. See the admin (Payments, "
                        "status Mismatch).",
                        fail_silently=True,
                    )
                )
                return "mismatch"
            record = Payment.objects.create(status=Payment.Status.SUCCESS, **fields)
            outcome = orders.mark_paid(order=order, source=source)
            if outcome == "sold_out":
                record.status = Payment.Status.LATE_REFUNDED
                record.note = "paid after the hold lapsed; sold out, refunded automatically"
                record.save(update_fields=["status", "note"])
                refund = _create_refund(
                    order=order,
                    amount_kobo=payment.amount_kobo,
                    source="late_payment",
                    reason="Paid after the reservation expired and the tickets sold out.",
                )
                refund_id = refund.pk
                transaction.on_commit(lambda: _send_refund_later(refund_id))
                return "late_refunded"
            return "applied"
    except IntegrityError:
        # Somebody else inserted this reference between our check and insert.
        return "duplicate"


# Paystack statuses of a charge that will never be paid (abandoned is only an unpaid page).
FAILED_STATUSES = ("failed", "reversed")


def charge_problems(*, payment: gateway.VerifiedPayment, order: Order) -> list[str]:
    """Why a successful charge does not pay this order ([] if it does): it must be in naira,
    for the order's total, started for this order (metadata) and paid by its customer."""
    problems = []
    if payment.currency != settings.CURRENCY:
        problems.append(f"currency {payment.currency or '?'} is not {settings.CURRENCY}")
    if payment.amount_kobo != order.total_kobo:
        problems.append(
            f"paid {format_naira(payment.amount_kobo)}, "
            f"order total {format_naira(order.total_kobo)}"
        )
    named = str(payment.metadata.get("order_reference") or "")
    if named != order.reference:
        problems.append(f"metadata names order {named or 'none'}")
    order_id = payment.metadata.get("order_id")
    if order_id not in (None, "") and str(order_id) != str(order.pk):
        problems.append(f"metadata names order id {order_id}")
    if payment.customer_email.strip().lower() != order.email.strip().lower():
        problems.append(f"customer {payment.customer_email or 'none'} is not the order's email")
    return problems


def _record_rejected(payment, kind, source, reason, order=None) -> None:
    """Keep a charge that gave no value for staff, once per (reference, kind, status)."""
    RejectedCharge.objects.get_or_create(
        reference=payment.reference[:100],
        kind=kind,
        paystack_status=payment.status[:20],
        defaults={
            "order": order or Order.objects.filter(reference=payment.reference).only("pk").first(),
            "amount_kobo": payment.amount_kobo,
            "currency": payment.currency[:3],
            "customer_email": payment.customer_email[:254],
            "reason": reason[:255],
            "source": source,
        },
    )


def _send_refund_later(refund_id: int) -> None:
    from payments.tasks import send_refund

    send_refund.delay(refund_id)


def confirm(*, reference: str, source: str) -> tuple[str, gateway.VerifiedPayment | None]:
    """Ask Paystack about a transaction and apply it if it succeeded (callback and job)."""
    try:
        verified = gateway.verify(reference)
    except gateway.GatewayError:
        return "unreachable", None
    return apply_charge(payment=verified, source=source), verified


def reverify_pending_payments() -> int:
    """Re-verify pending orders whose Paystack transaction was started (bank transfer and USSD
    finish later) — while their hold is still live, or just lapsed, so value is not lost."""
    window = timezone.now() - timedelta(seconds=settings.HOLD_SECONDS)
    applied = 0
    for order in Order.objects.filter(
        status=S.PENDING, payment_started_at__isnull=False, hold__expires_at__gte=window
    ).only("pk", "reference"):
        outcome, _ = confirm(reference=order.reference, source="job")
        applied += outcome == "applied"
    return applied


# --- Refunds -----------------------------------------------------------------------------
def refundable_kobo(order: Order) -> int:
    """What can still be refunded: the payment less every refund asked for and not failed."""
    return order.total_kobo - order.refunds_reserved_kobo


def _create_refund(*, order: Order, amount_kobo: int, items=(), **fields) -> Refund:
    """Reserve `amount_kobo` of the order's payment and record the refund, in the caller's
    transaction. The reservation is one conditional UPDATE, so two racing refunds can never
    together pass what was paid (and the CHECK order_refunds_at_most_paid backs it)."""
    if not Order.objects.filter(
        pk=order.pk, refunds_reserved_kobo__lte=F("total_kobo") - amount_kobo
    ).update(refunds_reserved_kobo=F("refunds_reserved_kobo") + amount_kobo):
        raise RefundRefused("That is more than is left to refund on this order.")
    refund = Refund.objects.create(order=order, amount_kobo=amount_kobo, **fields)
    if items:
        refund.items.set(items)
    return refund


UNANSWERED_REFUND = (
    "Paystack did not answer. The refund is kept as being sent and its amount reserved "
    "until staff have checked it with Paystack, so it cannot go out twice."
)


class RefundUnconfirmed(RefundRefused):
    """Paystack did not answer a refund; it may have been made, so it is not retried."""

    status_code = 503


class RefundToConfirm(Exception):  # noqa: N818 - a question for the person asking, not an error
    """A refund is sent only once the person asking has seen and confirmed its amount: this
    carries the amount to show, and whether it changed since the amount they confirmed."""

    def __init__(self, amount_kobo: int, *, changed: bool):
        super().__init__(amount_kobo)
        self.amount_kobo = amount_kobo
        self.changed = changed


def fail_refund(*, refund_id: int, failure: str) -> bool:
    """Paystack will not make this refund: mark it failed and free its amount, once."""
    with transaction.atomic():
        refund = Refund.objects.select_for_update().filter(pk=refund_id).first()
        if refund is None or refund.status not in Refund.OPEN:
            return False
        Refund.objects.filter(pk=refund.pk).update(
            status=Refund.Status.FAILED, failure=failure[:255] or refund.failure
        )
        Order.objects.filter(pk=refund.order_id).update(
            refunds_reserved_kobo=F("refunds_reserved_kobo") - refund.amount_kobo
        )
    return True


def request_refund(
    *,
    order: Order,
    amount_kobo: int | None,
    actor=None,
    source: str,
    reason: str = "",
    item_ids=(),
    confirm: bool = False,
    confirmed_kobo: str | int | None = None,
) -> Refund:
    """Ask Paystack to refund `amount_kobo` — None means what the buyer paid for the chosen
    admissions (`item_ids`: price less its share of the discount), or everything left (the
    service fee with it). Never more than was paid for what is refunded. The order changes
    only when Paystack confirms (the API answer says processed, or refund.processed arrives).

    `confirm=True` (an organizer's refund) sends it only if `confirmed_kobo` is the amount
    that would go back, decided under the order's lock; otherwise RefundToConfirm says the
    amount to show them, changing nothing."""
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order.pk)
        if order.status not in (S.PAID, S.PARTIALLY_REFUNDED):
            raise RefundRefused("Only paid orders can be refunded.")
        left = refundable_kobo(order)
        wanted = {int(pk) for pk in item_ids}
        items = list(order.items.filter(pk__in=wanted, refunded_at__isnull=True))
        if len(items) != len(wanted):
            raise RefundRefused("One of those tickets is not on this order or already refunded.")
        paid_for_items = min(sum(item.paid_kobo for item in items), left)
        if amount_kobo is not None:
            amount = int(amount_kobo)
        elif items:
            amount = paid_for_items
        else:
            amount = left
        if amount <= 0 or left <= 0:
            raise RefundRefused("Nothing is left to refund on this order.")
        if amount > left:
            raise RefundRefused(f"At most {format_naira(left)} can still be refunded.")
        if items and amount > paid_for_items:
            raise RefundRefused(
                f"Those tickets were paid {format_naira(paid_for_items)}; "
                "a refund for them cannot be more."
            )
        if confirm and str(confirmed_kobo) != str(amount):
            raise RefundToConfirm(amount, changed=confirmed_kobo not in (None, ""))
        refund = _create_refund(
            order=order,
            amount_kobo=amount,
            items=items,
            requested_by=actor,
            source=source,
            reason=reason,
        )
    try:
        send_refund(refund_id=refund.pk)
    except gateway.GatewayUnreachable:
        # Paystack may have taken it: keep the amount reserved until staff have checked.
        raise RefundUnconfirmed(UNANSWERED_REFUND) from None
    except gateway.GatewayError as exc:
        # Refused, asked in person: say so now and free the amount for another try.
        fail_refund(refund_id=refund.pk, failure=str(exc))
        raise
    refund.refresh_from_db()
    return refund


def send_refund(*, refund_id: int) -> Refund:
    """Call Paystack's refund API for a requested refund, once: claim it (requested → sending)
    in one statement, call Paystack with no transaction open, record the answer. A refusal
    puts it back to `requested` for the retry; no answer (a timeout, a dropped connection:
    Paystack may have made it) or a process dying after the claim leaves it `sending`, its
    amount still reserved, for staff to check with Paystack, so money is never sent twice."""
    if not Refund.objects.filter(pk=refund_id, status=Refund.Status.REQUESTED).update(
        status=Refund.Status.SENDING
    ):
        return Refund.objects.get(pk=refund_id)
    refund = Refund.objects.select_related("order").get(pk=refund_id)
    try:
        result = gateway.refund(reference=refund.order.reference, amount_kobo=refund.amount_kobo)
    except gateway.GatewayUnreachable:
        Refund.objects.filter(pk=refund_id, status=Refund.Status.SENDING).update(
            failure=UNANSWERED_REFUND
        )
        raise
    except gateway.GatewayError as exc:
        Refund.objects.filter(pk=refund_id, status=Refund.Status.SENDING).update(
            status=Refund.Status.REQUESTED, failure=str(exc)[:255]
        )
        raise
    Refund.objects.filter(pk=refund_id, paystack_refund_id__isnull=True).update(
        paystack_refund_id=result.refund_id or None
    )
    # A refund.processed webhook may have confirmed it already; then it stays processed.
    Refund.objects.filter(pk=refund_id, status=Refund.Status.SENDING).update(
        status=Refund.Status.PENDING
    )
    refund.refresh_from_db()
    if result.status == "processed":
        confirm_refund(refund=refund, source="refund_api")
    return refund


def confirm_refund(*, refund: Refund, source: str) -> bool:
    """Paystack says the refund is done: apply it to the order exactly once."""
    with transaction.atomic():
        if not Refund.objects.filter(pk=refund.pk, status__in=Refund.OPEN).update(
            status=Refund.Status.PROCESSED, processed_at=timezone.now()
        ):
            return False
        orders.apply_refund(
            order=refund.order,
            amount_kobo=refund.amount_kobo,
            source=source,
            actor=refund.requested_by,
            note=f"refund of {format_naira(refund.amount_kobo)} confirmed ({refund.source})",
            item_ids=list(refund.items.values_list("pk", flat=True)),
        )
        # Inside the transaction: the ledger's refund line and the buyer's notice (its outbox
        # rows) commit with the refund or not at all; the receivers send nothing themselves
        # (tickets.notices enqueues the sending on commit).
        refund_confirmed.send(sender=Refund, refund_id=refund.pk)
    return True


def refund_processed(*, data: dict) -> str:
    """A refund.processed webhook: find our Refund by Paystack id, else by reference+amount."""
    refund_id = str(data.get("id") or data.get("refund_id") or "")
    transaction_data = data.get("transaction")
    reference = str(
        data.get("transaction_reference")
        or (transaction_data.get("reference") if isinstance(transaction_data, dict) else "")
        or ""
    )
    amount = gateway.to_kobo(data.get("amount"))
    refund = Refund.objects.filter(paystack_refund_id=refund_id).first() if refund_id else None
    if refund is None and reference:
        refund = (
            Refund.objects.filter(
                order__reference=reference,
                amount_kobo=amount,
                status__in=Refund.OPEN,
            )
            .order_by("created_at")
            .first()
        )
    if refund is None:
        return "unmatched"
    return "applied" if confirm_refund(refund=refund, source="webhook") else "duplicate"


# --- Event cancelled: refund everything ---------------------------------------------------
def start_event_refunds(*, event) -> RefundBatch:
    batch = RefundBatch.objects.create(
        event=event, total=Order.objects.paid().filter(event=event).exclude(total_kobo=0).count()
    )
    batch_id = batch.pk

    def enqueue():
        from payments.tasks import refund_event_orders

        refund_event_orders.delay(batch_id)

    transaction.on_commit(enqueue)
    return batch


def run_refund_batch(*, batch_id: int) -> RefundBatch:
    batch = RefundBatch.objects.get(pk=batch_id)
    if batch.status == RefundBatch.Status.DONE:
        return batch
    RefundBatch.objects.filter(pk=batch_id).update(status=RefundBatch.Status.RUNNING)
    live = [*Refund.OPEN, Refund.Status.PROCESSED]
    orders_left = (
        Order.objects.paid()
        .filter(event_id=batch.event_id)
        .exclude(total_kobo=0)
        .exclude(refunds__source="event", refunds__status__in=live)  # a re-run skips them
    )
    for order in orders_left:
        try:
            request_refund(
                order=order, amount_kobo=None, source="event", reason="The event was cancelled."
            )
        except (RefundRefused, gateway.GatewayError) as exc:
            log.warning("event refund failed for %s: %s", order.reference, exc)
            RefundBatch.objects.filter(pk=batch_id).update(failed=F("failed") + 1)
        else:
            RefundBatch.objects.filter(pk=batch_id).update(refunded=F("refunded") + 1)
    RefundBatch.objects.filter(pk=batch_id).update(
        status=RefundBatch.Status.DONE, finished_at=timezone.now()
    )
    batch.refresh_from_db()
    return batch


# --- Webhooks ------------------------------------------------------------------------------
_OUTCOMES = {
    "applied": WebhookEvent.Outcome.APPLIED,
    "duplicate": WebhookEvent.Outcome.DUPLICATE,
    "mismatch": WebhookEvent.Outcome.MISMATCH,
    "unmatched": WebhookEvent.Outcome.UNMATCHED,
}


def handle_webhook(*, body: bytes, event: dict) -> WebhookEvent:
    """Store a verified webhook raw, then act on it. Fast: a few queries; refunds that must
    call Paystack are queued on commit."""
    kind = str(event.get("event") or "")
    data = event.get("data") if isinstance(event.get("data"), dict) else {}
    reference = str(data.get("reference") or data.get("transaction_reference") or "")[:100]
    record = WebhookEvent.objects.create(
        event_type=kind[:60], reference=reference, body=body.decode("utf-8", "replace")
    )
    if kind in ("charge.success", "charge.failed"):
        outcome = apply_charge(payment=gateway.payment_from(data), source="webhook")
        mapping = {
            "applied": WebhookEvent.Outcome.APPLIED,
            "duplicate": WebhookEvent.Outcome.DUPLICATE,
            "mismatch": WebhookEvent.Outcome.MISMATCH,
            "unmatched": WebhookEvent.Outcome.UNMATCHED,
            "late_refunded": WebhookEvent.Outcome.LATE,
            "not_successful": WebhookEvent.Outcome.IGNORED,
        }
        record.outcome = mapping[outcome]
    elif kind in ("transfer.success", "transfer.failed", "transfer.reversed"):
        from payments import payouts

        outcome = payouts.transfer_finished(kind=kind, data=data)
        record.outcome = _OUTCOMES.get(outcome, WebhookEvent.Outcome.UNMATCHED)
    elif kind in ("charge.dispute.create", "charge.dispute.resolve"):
        from payments import payouts

        outcome = payouts.record_dispute(data=data, resolved=kind.endswith("resolve"))
        record.outcome = _OUTCOMES.get(outcome, WebhookEvent.Outcome.UNMATCHED)
    elif kind == "refund.processed":
        outcome = refund_processed(data=data)
        record.outcome = {
            "applied": WebhookEvent.Outcome.APPLIED,
            "duplicate": WebhookEvent.Outcome.DUPLICATE,
            "unmatched": WebhookEvent.Outcome.UNMATCHED,
        }[outcome]
    else:
        record.outcome = WebhookEvent.Outcome.IGNORED
    record.save(update_fields=["outcome"])
    return record
