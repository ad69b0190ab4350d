"""The delivery outbox: an order's tickets stored as a PDF, emailed and texted, each once.

Every step is a DeliveryLog row (unique per order, channel, kind), written as the intent
before anything is sent. `run_step` then:

1. claims the row in a short transaction: ``sending``, attempts + 1, a lease of
   ``DELIVERY_LEASE_SECONDS`` (longer than any provider call may take). A second copy of
   the task (a redelivered message next to a slow original) finds the lease running and
   retries later instead of sending side by side;
2. calls the provider outside any transaction or lock;
3. records ``sent`` (with the provider's id) in another short transaction.

A crash between 1 and 3 leaves ``sending`` with a lapsed lease: the provider *may* have the
message. What the next attempt does is the channel's guarantee (stated in the README):

* PDF: rendered again under the same fixed name; exactly one file.
* Email through Brevo: sent again with the row's stable UUID as Brevo's ``idempotencyKey``
  header; Brevo answers a repeated key with the first messageId and sends nothing. Exactly
  once while the key lives (Brevo documents 15–30 minutes); an interrupted attempt found
  later than that is not resent but marked ``uncertain``.
* Email through any other backend (SMTP, console): no idempotency key exists, so the
  interrupted attempt is never repeated: the row becomes ``uncertain`` (at most once), is
  shown to staff, and the buyer's "send it again" asks for a fresh copy.
* SMS through Twilio (its Messages API takes no idempotency key): the retry first lists the
  messages sent to that number since the first attempt and adopts one with the same body;
  only if there is none is it sent again. Exactly once as long as Twilio's list shows the
  message (it does once the create call has returned).

A provider that answers with an error has not taken the message: the row goes back to
``pending`` and Celery retries with backoff.
"""

import functools
import logging
from dataclasses import dataclass
from datetime import timedelta

import phonenumbers
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from getiickets.external import ensure_outside_transaction
from orders.models import Order
from tickets import holder_version, pdf, qr
from tickets.models import DeliveryLog, Ticket

log = logging.getLogger(__name__)

BREVO_KEY_TTL_SECONDS = 15 * 60
DONE = (DeliveryLog.State.SENT, DeliveryLog.State.SKIPPED, DeliveryLog.State.UNCERTAIN)


class Skip(Exception):  # noqa: N818 - a control-flow signal, not an error
    """The step cannot apply (no phone number, SMS not configured): logged as skipped."""


class StepInFlight(Exception):  # noqa: N818 - retried by Celery like any transient error
    """Another attempt holds the step's lease: retry once it has finished or lapsed."""


class Uncertain(Exception):  # noqa: N818 - a control-flow signal, not an error
    """An interrupted attempt may have sent the message and the provider cannot tell."""


@dataclass
class Outcome:
    provider_id: str = ""
    detail: str = ""


def record_intent(*, order_id: int, channel: str, kind: str, recipient: str = "") -> None:
    """Write the outbox row before anything is sent (idempotent)."""
    DeliveryLog.objects.get_or_create(
        order_id=order_id, channel=channel, kind=kind, defaults={"recipient": recipient}
    )


def _claim(*, order_id: int, channel: str, kind: str, recipient: str):
    """Short transaction: take the step's lease. Returns (entry, interrupted) or (done, None)."""
    with transaction.atomic():
        entry, _ = DeliveryLog.objects.select_for_update().get_or_create(
            order_id=order_id, channel=channel, kind=kind, defaults={"recipient": recipient}
        )
        if entry.state in DONE:
            return entry, None
        now = timezone.now()
        interrupted = entry.state == DeliveryLog.State.SENDING
        if interrupted and entry.lease_until and entry.lease_until > now:
            raise StepInFlight(f"{channel}/{kind} of order {order_id} is being sent")
        lease = timedelta(seconds=settings.DELIVERY_LEASE_SECONDS)
        entry.interrupted_attempt_began = (
            entry.lease_until - lease if (interrupted and entry.lease_until) else None
        )
        if entry.state == DeliveryLog.State.FAILED and channel == DeliveryLog.Channel.PDF:
            holder_version.pdf_failed_or_retried(order_id)
        entry.state = DeliveryLog.State.SENDING
        entry.attempts += 1
        entry.recipient = recipient or entry.recipient
        entry.started_at = entry.started_at or now
        entry.lease_until = now + lease
        entry.save()
        return entry, interrupted


def _record(entry: DeliveryLog, **fields) -> DeliveryLog:
    """Write this attempt's result unless a later attempt took the row over."""
    fields.setdefault("updated_at", timezone.now())
    DeliveryLog.objects.filter(pk=entry.pk, attempts=entry.attempts).exclude(state__in=DONE).update(
        lease_until=None, **fields
    )
    return DeliveryLog.objects.get(pk=entry.pk)


def run_step(*, order_id: int, channel: str, kind: str, recipient: str, action, resume=None):
    """Run `action(entry) -> Outcome` once for (order, channel, kind); see the module docstring.

    `resume(entry)` is asked first when an earlier attempt was interrupted: it returns the
    Outcome the provider already has, None to send again, or raises Uncertain.
    """
    entry, interrupted = _claim(order_id=order_id, channel=channel, kind=kind, recipient=recipient)
    if interrupted is None:
        return entry
    try:
        ensure_outside_transaction(f"delivery of {channel} {kind}")
        outcome = resume(entry) if (interrupted and resume) else None
        if outcome is None:
            outcome = action(entry)
    except Skip as skip:
        log.warning("%s %s for order %s skipped: %s", channel, kind, order_id, skip)
        return _record(entry, state=DeliveryLog.State.SKIPPED, detail=str(skip)[:255])
    except Uncertain as why:
        log.error("%s %s for order %s may have been sent: %s", channel, kind, order_id, why)
        return _record(entry, state=DeliveryLog.State.UNCERTAIN, detail=str(why)[:255])
    except Exception as exc:  # the provider refused: retried with backoff by Celery
        _record(
            entry, state=DeliveryLog.State.PENDING, last_error=f"{type(exc).__name__}: {exc}"[:2000]
        )
        raise
    # From here on the provider has the message: a crash leaves `sending` for the lease to
    # lapse, and the next attempt goes through `resume`.
    return _record(
        entry,
        state=DeliveryLog.State.SENT,
        provider_id=outcome.provider_id[:120],
        detail=outcome.detail[:255],
        sent_at=timezone.now(),
        last_error="",
    )


def mark_failed(*, order_id: int, channel: str, kind: str, error: str) -> None:
    """Retries are exhausted: say so in the log (the buyer can still ask for a resend)."""
    DeliveryLog.objects.filter(order_id=order_id, channel=channel, kind=kind).exclude(
        state__in=DONE
    ).update(state=DeliveryLog.State.FAILED, last_error=error[:2000], updated_at=timezone.now())
    if channel == DeliveryLog.Channel.PDF:
        holder_version.pdf_failed_or_retried(order_id)


# --- PDF ---------------------------------------------------------------------------


def store_pdf(*, order_id: int, kind: str = "confirmation") -> DeliveryLog:
    def action(entry):
        path = pdf.store_order_files(order_id=order_id)
        return Outcome(provider_id="", detail=path)

    return run_step(order_id=order_id, channel="pdf", kind=kind, recipient="", action=action)


def ensure_pdf(*, order: Order) -> bytes | None:
    """The PDF asked for before its queue got to it is rendered and stored now (the outbox
    step is then done). Returns the bytes only when a worker holds the step this instant."""
    if pdf.order_pdf_stored(order):
        return None
    try:
        store_pdf(order_id=order.pk)
    except StepInFlight:
        return pdf.render_pdf_bytes(order=order, tickets=list(pdf.pdf_tickets(order)))
    return None


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
    message.send(fail_silently=False)
    status = getattr(message, "anymail_status", None)
    return Outcome(provider_id=(status.message_id or "") if status else "", detail=f"to {to}")


def _resume_email(entry) -> None:
    """An attempt died mid-send: only Brevo's idempotency key makes sending again safe."""
    if not _uses_brevo():
        raise Uncertain("interrupted mid-send; this email backend has no idempotency key")
    began = entry.interrupted_attempt_began or entry.started_at
    if (timezone.now() - began).total_seconds() > BREVO_KEY_TTL_SECONDS:
        raise Uncertain("interrupted mid-send longer ago than Brevo keeps idempotency keys")
    return None  # same idempotencyKey: Brevo answers with the first message, sends nothing


@dataclass
class Confirmation:
    """An order's confirmation, read once for its email and its SMS: the order, the tickets
    its PDF carries and (when the email is sent) their QR codes, drawn once and stored."""

    order: Order
    tickets: list[Ticket]

    @classmethod
    def of(cls, order_id: int) -> "Confirmation":
        order = Order.objects.select_related("event", "event__venue", "buyer").get(pk=order_id)
        return cls(order=order, tickets=list(pdf.pdf_tickets(order)))

    @functools.cached_property
    def qr_codes(self) -> dict[int, bytes]:
        return pdf.store_qr_codes(self.tickets)


def _order_context(order: Order, tickets: list[Ticket]) -> dict:
    context = {
        "order": order,
        "event": order.event,
        "tickets": tickets,
        "site_url": settings.SITE_URL,
        "dashboard_url": f"{settings.SITE_URL}/dashboard/tickets",
        "order_url": f"{settings.SITE_URL}/orders/{order.reference}",
        "pdf_url": settings.SITE_URL + reverse("dashboard:order_pdf", args=[order.reference]),
    }
    if order.buyer.is_guest:  # no dashboard to sign in to: the signed link is the way back
        link = guest_order_url(order)
        context.update(dashboard_url=link, order_url=link, pdf_url=link, guest=True)
    return context


def guest_order_url(order: Order) -> str:
    from orders.access import link_path

    return settings.SITE_URL + link_path(order)


def send_confirmation_email(
    *, order_id: int, kind: str = "confirmation", confirmation: Confirmation | None = None
) -> DeliveryLog:
    """The first message: every ticket's QR code attached, and a link to the PDF (which is
    rendered on another queue, or on the first download if that comes sooner)."""
    confirmation = confirmation or Confirmation.of(order_id)
    order = confirmation.order

    def action(entry):
        images = confirmation.qr_codes
        return _send_email(
            entry=entry,
            to=order.email,
            subject=f"Your tickets for {order.event.title} ({order.reference})",
            template="ticket_confirmation",
            context=_order_context(order, confirmation.tickets),
            attachments=[
                (f"ticket-{t.pk}-qr.png", qr.enlarged(images[t.pk]), "image/png")
                for t in confirmation.tickets
            ],
        )

    return run_step(
        order_id=order_id,
        channel="email",
        kind=kind,
        recipient=order.email,
        action=action,
        resume=_resume_email,
    )


# --- SMS ---------------------------------------------------------------------------


def twilio_configured() -> bool:
    return bool(
        settings.TWILIO_ACCOUNT_SID and settings.TWILIO_AUTH_TOKEN and settings.TWILIO_FROM_NUMBER
    )


def twilio_client():
    """The one way to Twilio (ticket SMS, transfers, waitlist offers): never inside a
    database transaction, and bounded in time."""
    from twilio.http.http_client import TwilioHttpClient
    from twilio.rest import Client

    ensure_outside_transaction("Twilio")

    # Bounded, like every provider call: the step's lease (DELIVERY_LEASE_SECONDS) outlasts it.
    client = Client(
        settings.TWILIO_ACCOUNT_SID,
        settings.TWILIO_AUTH_TOKEN,
        http_client=TwilioHttpClient(timeout=settings.PROVIDER_TIMEOUT_SECONDS),
    )
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


def why_no_sms(phone: str) -> str:
    """Why no SMS can go to `phone`, or "" when one can: no number, or no SMS provider."""
    if not phone:
        return "not sent: no phone number on the order"
    if not e164(phone):
        return "not sent: the order's phone number is not a valid number"
    if not twilio_configured():
        return "not sent: no SMS provider (TWILIO_* not set)"
    return ""


def record_sms_intent(*, order_id: int, kind: str, phone: str) -> DeliveryLog:
    """The SMS's outbox row; written as skipped at once when no SMS can be sent, so the
    buyer's page and the organizer's delivery log say so instead of "Texting…"."""
    reason = why_no_sms(phone)
    entry, created = DeliveryLog.objects.get_or_create(
        order_id=order_id,
        channel=DeliveryLog.Channel.SMS,
        kind=kind,
        defaults={
            "recipient": (e164(phone) if phone else None) or phone or "",
            "state": DeliveryLog.State.SKIPPED if reason else DeliveryLog.State.PENDING,
            "detail": reason,
        },
    )
    if created and reason:
        log.warning("sms %s for order %s %s", kind, order_id, reason)
    return entry


def _sms_step(*, order_id: int, kind: str, phone: str, body: str) -> DeliveryLog:
    to = e164(phone) if phone else None

    def action(entry):
        if reason := why_no_sms(phone):
            raise Skip(reason)
        message = twilio_client().messages.create(
            to=to, from_=settings.TWILIO_FROM_NUMBER, body=body
        )
        return Outcome(provider_id=message.sid, detail=f"to {to}")

    def resume(entry):
        """Did the interrupted attempt get through? Ask Twilio before sending again."""
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
        resume=resume,
    )


def send_sms(
    *, order_id: int, kind: str = "confirmation", confirmation: Confirmation | None = None
) -> DeliveryLog:
    confirmation = confirmation or Confirmation.of(order_id)
    order, count = confirmation.order, len(confirmation.tickets)
    if order.buyer.is_guest:  # the signed link names the order: one SMS segment, not two
        where = f"Open: {guest_order_url(order)}"
    else:
        where = f"Order {order.reference}. Open: {settings.SITE_URL}/dashboard/tickets"
    body = (
        f"getiickets: your {count} ticket{'s' if count != 1 else ''} for {order.event.title} "
        f"{'are' if count != 1 else 'is'} ready. {where}"
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
            resume=_resume_email,
        )
    body = (
        f"getiickets: {sender_name} sent you a {ticket.ticket_type.name} ticket for "
        f"{ticket.event.title}. Claim it: {claim_url}"
    )
    return _sms_step(order_id=ticket.order_id, kind=kind, phone=transfer.to_phone, body=body)
