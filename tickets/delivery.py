"""Delivering an order's tickets, each step exactly once: PDF stored, email, SMS.

How "exactly once" holds when a worker dies at any instant:

1. The step's DeliveryLog row (unique per order, channel, kind) is switched to ``sending``
   (attempts + 1) and *committed* before anything leaves the building.
2. The provider is called while holding that row's lock (``SELECT ... FOR UPDATE``), so two
   copies of the task (a redelivered message next to a slow original) never send side by
   side; the loser finds ``sent`` and returns. A dead worker's lock dies with its connection.
3. ``sent`` (with the provider's id) is committed right after the provider answered.

A crash between 2 and 3 leaves ``sending`` with attempts ≥ 1, so the next attempt knows the
provider *may* already have the message and does not send blindly:

* Email (Brevo): every attempt carries the row's stable UUID as Brevo's ``idempotencyKey``
  header; Brevo (and the test stand-in) accept a key once and answer repeats with the first
  messageId. Exactly once within Brevo's key TTL (15–30 min); a retry later than that (or a
  non-Brevo backend such as SMTP) is at-least-once, logged as a warning.
* SMS (Twilio has no idempotency key on Messages): the retry first lists the messages already
  sent to that number since the first attempt and adopts one with the same body instead of
  sending again. Exactly once as long as Twilio's list shows the message (it does once the
  create call returned).
"""

import logging
import os
import time
from dataclasses import dataclass
from datetime import timedelta

import phonenumbers
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from orders.models import Order
from tickets import pdf
from tickets.models import DeliveryLog, Ticket

log = logging.getLogger(__name__)

PAUSE_ENV = "GT_FULFILMENT_PAUSE"  # test hook: "<channel>:<point>", e.g. "email:after_provider"
BREVO_KEY_TTL_SECONDS = 15 * 60


class Skip(Exception):  # noqa: N818 - a control-flow signal, not an error
    """The step cannot apply (no phone number, SMS not configured): logged as skipped."""


def pause(channel: str, point: str) -> None:
    """A deliberate slow point so a test can SIGKILL a worker at a known instant."""
    if os.environ.get(PAUSE_ENV) == f"{channel}:{point}":
        seconds = float(os.environ.get("GT_FULFILMENT_PAUSE_SECONDS", "120"))
        log.warning("pausing %s seconds at %s:%s (%s)", seconds, channel, point, PAUSE_ENV)
        time.sleep(seconds)


@dataclass
class Outcome:
    provider_id: str = ""
    detail: str = ""


def run_step(*, order_id: int, channel: str, kind: str, recipient: str, action, reconcile=None):
    """Run `action(log) -> Outcome` once for (order, channel, kind); see the module docstring."""
    with transaction.atomic():
        entry, _ = DeliveryLog.objects.select_for_update().get_or_create(
            order_id=order_id, channel=channel, kind=kind, defaults={"recipient": recipient}
        )
        if entry.state in (DeliveryLog.State.SENT, DeliveryLog.State.SKIPPED):
            return entry
        entry.state = DeliveryLog.State.SENDING
        entry.attempts += 1
        entry.recipient = recipient or entry.recipient
        entry.started_at = entry.started_at or timezone.now()
        entry.save()

    try:
        with transaction.atomic():
            entry = DeliveryLog.objects.select_for_update().get(pk=entry.pk)
            if entry.state == DeliveryLog.State.SENT:
                return entry
            outcome = reconcile(entry) if (reconcile and entry.attempts > 1) else None
            if outcome is None:
                pause(channel, "before_provider")
                outcome = action(entry)
                pause(channel, "after_provider")
            entry.state = DeliveryLog.State.SENT
            entry.provider_id = outcome.provider_id[:120]
            entry.detail = outcome.detail[:255]
            entry.sent_at = timezone.now()
            entry.last_error = ""
            entry.save()
            return entry
    except Skip as skip:
        DeliveryLog.objects.filter(pk=entry.pk).update(
            state=DeliveryLog.State.SKIPPED, detail=str(skip)[:255], updated_at=timezone.now()
        )
        log.warning("%s %s for order %s skipped: %s", channel, kind, order_id, skip)
        return DeliveryLog.objects.get(pk=entry.pk)
    except Exception as exc:
        DeliveryLog.objects.filter(pk=entry.pk).exclude(state=DeliveryLog.State.SENT).update(
            last_error=f"{type(exc).__name__}: {exc}"[:2000], updated_at=timezone.now()
        )
        raise


def mark_failed(*, order_id: int, channel: str, kind: str, error: str) -> None:
    """Retries are exhausted: say so in the log (the buyer can still ask for a resend)."""
    DeliveryLog.objects.filter(order_id=order_id, channel=channel, kind=kind).exclude(
        state__in=[DeliveryLog.State.SENT, DeliveryLog.State.SKIPPED]
    ).update(state=DeliveryLog.State.FAILED, last_error=error[:2000], updated_at=timezone.now())


# --- PDF ---------------------------------------------------------------------------


def store_pdf(*, order_id: int, kind: str = "confirmation") -> DeliveryLog:
    def action(entry):
        path = pdf.store_order_files(order_id=order_id)
        return Outcome(provider_id="", detail=path)

    return run_step(order_id=order_id, channel="pdf", kind=kind, recipient="", action=action)


def refresh_pdf(*, order_id: int) -> None:
    """After a transfer the order's PDF must no longer carry the ticket given away."""
    pdf.store_order_files(order_id=order_id)


# --- Email -------------------------------------------------------------------------


def _uses_brevo() -> bool:
    return "anymail.backends.brevo" in settings.EMAIL_BACKEND


def _send_email(*, entry, to: str, subject: str, template: str, context: dict, attachments=()):
    text = render_to_string(f"email/{template}.txt", context)
    html = render_to_string(f"email/{template}.html", context)
    message = EmailMultiAlternatives(
        subject=subject, body=text, from_email=settings.DEFAULT_FROM_EMAIL, to=[to]
    )
    message.attach_alternative(html, "text/html")
    for name, content, mimetype in attachments:
        message.attach(name, content, mimetype)
    if _uses_brevo():
        message.extra_headers["idempotencyKey"] = str(entry.idempotency_key)
        age = (timezone.now() - entry.started_at).total_seconds() if entry.started_at else 0
        if entry.attempts > 1 and age > BREVO_KEY_TTL_SECONDS:
            log.warning("email retry for %s after the idempotency TTL: may duplicate", entry)
    elif entry.attempts > 1:
        log.warning("email retry for %s without provider idempotency: may duplicate", entry)
    message.send(fail_silently=False)
    status = getattr(message, "anymail_status", None)
    return Outcome(provider_id=(status.message_id or "") if status else "", detail=f"to {to}")


def _order_context(order: Order) -> dict:
    tickets = list(
        pdf.pdf_tickets(order).select_related("ticket_type", "seat", "event", "event__venue")
    )
    return {
        "order": order,
        "event": order.event,
        "tickets": tickets,
        "site_url": settings.SITE_URL,
        "dashboard_url": f"{settings.SITE_URL}/dashboard/tickets",
        "order_url": f"{settings.SITE_URL}/orders/{order.reference}",
    }


def send_confirmation_email(*, order_id: int, kind: str = "confirmation") -> DeliveryLog:
    order = Order.objects.select_related("event", "event__venue", "buyer").get(pk=order_id)

    def action(entry):
        data = pdf.read_order_pdf(order)
        if data is None:
            pdf.store_order_files(order_id=order.pk)
            data = pdf.read_order_pdf(order)
        return _send_email(
            entry=entry,
            to=order.email,
            subject=f"Your tickets for {order.event.title} ({order.reference})",
            template="ticket_confirmation",
            context=_order_context(order),
            attachments=[(f"tickets-{order.reference}.pdf", data, "application/pdf")],
        )

    return run_step(
        order_id=order_id, channel="email", kind=kind, recipient=order.email, action=action
    )


# --- SMS ---------------------------------------------------------------------------


def twilio_configured() -> bool:
    return bool(
        settings.TWILIO_ACCOUNT_SID and settings.TWILIO_AUTH_TOKEN and settings.TWILIO_FROM_NUMBER
    )


def twilio_client():
    from twilio.rest import Client

    client = Client(settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN)
    if settings.TWILIO_API_BASE_URL:  # a local stand-in speaking Twilio's REST API
        client.api.base_url = settings.TWILIO_API_BASE_URL.rstrip("/")
    return client


def e164(phone: str) -> str | None:
    try:
        number = phonenumbers.parse(str(phone), settings.PHONENUMBER_DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _sms_step(*, order_id: int, kind: str, phone: str, body: str) -> DeliveryLog:
    to = e164(phone) if phone else None

    def action(entry):
        if not to:
            raise Skip("no valid phone number on the order")
        if not twilio_configured():
            raise Skip("SMS is not configured (TWILIO_* settings)")
        message = twilio_client().messages.create(
            to=to, from_=settings.TWILIO_FROM_NUMBER, body=body
        )
        return Outcome(provider_id=message.sid, detail=f"to {to}")

    def reconcile(entry):
        """Did an earlier attempt get through? Ask Twilio before sending again."""
        if not (to and twilio_configured()):
            return None
        since = entry.started_at - timedelta(minutes=1)
        # No DateSent filter: a message still queued at Twilio has no date_sent yet.
        for message in twilio_client().messages.list(to=to, limit=100):
            created = message.date_created or message.date_sent
            if message.body == body and (created is None or created >= since):
                log.info("SMS %s for order %s was already sent as %s", kind, order_id, message.sid)
                return Outcome(provider_id=message.sid, detail=f"to {to} (found at provider)")
        return None

    return run_step(
        order_id=order_id,
        channel="sms",
        kind=kind,
        recipient=to or phone,
        action=action,
        reconcile=reconcile,
    )


def send_sms(*, order_id: int, kind: str = "confirmation") -> DeliveryLog:
    order = Order.objects.select_related("event").get(pk=order_id)
    count = pdf.pdf_tickets(order).count()
    body = (
        f"getiickets: your {count} ticket{'s' if count != 1 else ''} for {order.event.title} "
        f"{'are' if count != 1 else 'is'} ready. Order {order.reference}. "
        f"Open: {settings.SITE_URL}/dashboard/tickets"
    )
    return _sms_step(order_id=order_id, kind=kind, phone=order.phone, body=body)


# --- Transfers ---------------------------------------------------------------------


def send_transfer_notice(*, transfer_id: int) -> DeliveryLog:
    from tickets.models import TicketTransfer

    transfer = TicketTransfer.objects.select_related(
        "ticket", "ticket__event", "ticket__ticket_type", "sender", "ticket__order"
    ).get(pk=transfer_id)
    ticket: Ticket = transfer.ticket
    claim_url = f"{settings.SITE_URL}/transfers/{transfer.token}"
    kind = f"transfer-{transfer.pk}"
    sender_name = transfer.sender.get_full_name()
    if transfer.to_email:

        def action(entry):
            return _send_email(
                entry=entry,
                to=transfer.to_email,
                subject=f"{sender_name} sent you a ticket for {ticket.event.title}",
                template="ticket_transfer",
                context={
                    "transfer": transfer,
                    "ticket": ticket,
                    "event": ticket.event,
                    "sender_name": sender_name,
                    "claim_url": claim_url,
                },
            )

        return run_step(
            order_id=ticket.order_id,
            channel="email",
            kind=kind,
            recipient=transfer.to_email,
            action=action,
        )
    body = (
        f"getiickets: {sender_name} sent you a {ticket.ticket_type.name} ticket for "
        f"{ticket.event.title}. Claim it: {claim_url}"
    )
    return _sms_step(order_id=ticket.order_id, kind=kind, phone=transfer.to_phone, body=body)
