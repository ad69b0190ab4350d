"""The waitlist: buyers queue for sold-out tickets; freed stock is offered in turn.

An offer is a Hold (tickets.inventory.hold_tickets) made for that buyer alone, with a deadline
of WAITLIST_OFFER_MINUTES; the buyer gets an email and an SMS linking to
/checkout?hold=<id>. An offer that lapses releases its hold and passes to the next in line.

Triggers: tickets.signals.stock_freed (expired or released holds, refunds) and a capacity
increase on a TicketType; orders.tasks.expire_waitlist_offers runs every minute.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver
from django.template.loader import render_to_string
from django.utils import timezone

from events.models import Event, TicketType
from getiickets.datetimes import format_when
from getiickets.errors import DomainError
from orders.models import WaitlistEntry
from tickets import inventory as ticket_services
from tickets.models import Hold
from tickets.signals import stock_freed

log = logging.getLogger(__name__)


class TicketsAvailable(DomainError):
    """Tickets are still on sale — buy them now instead of joining the waitlist."""

    status_code = 409


class AlreadyWaiting(DomainError):
    """You are already on the waitlist for this event."""

    status_code = 409


class InvalidWaitlistRequest(DomainError):
    """That waitlist request is not valid."""

    status_code = 400


class NoStockToOffer(DomainError):
    """Not enough tickets are free to make this offer right now."""

    status_code = 409


def offer_window() -> timedelta:
    return timedelta(minutes=getattr(settings, "WAITLIST_OFFER_MINUTES", 30))


def available_for(*, event: Event, ticket_type: TicketType | None) -> int:
    """Tickets a buyer could take right now (of this type, or of any visible type)."""
    if ticket_type is not None:
        ticket_type.refresh_from_db(fields=["capacity", "held", "sold"])
        return ticket_type.available
    return sum(tt.available for tt in event.ticket_types.filter(is_visible=True))


def max_quantity(*, event: Event, ticket_type: TicketType | None) -> int:
    if ticket_type is not None:
        return min(ticket_type.max_per_order, settings.MAX_TICKETS_PER_ACCOUNT_PER_EVENT)
    limits = [tt.max_per_order for tt in event.ticket_types.filter(is_visible=True)]
    return min(max(limits or [1]), settings.MAX_TICKETS_PER_ACCOUNT_PER_EVENT)


@transaction.atomic
def join(
    *, buyer, event: Event, ticket_type: TicketType | None, quantity: int, email: str, phone=""
) -> WaitlistEntry:
    if ticket_type is not None and ticket_type.event_id != event.pk:
        raise InvalidWaitlistRequest()
    if not 1 <= quantity <= max_quantity(event=event, ticket_type=ticket_type):
        raise InvalidWaitlistRequest("Choose a quantity you could buy in one order.")
    if available_for(event=event, ticket_type=ticket_type) > 0:
        raise TicketsAvailable()
    if WaitlistEntry.objects.filter(
        buyer=buyer, event=event, status__in=["waiting", "offered"]
    ).exists():
        raise AlreadyWaiting()
    return WaitlistEntry.objects.create(
        buyer=buyer,
        event=event,
        ticket_type=ticket_type,
        quantity=quantity,
        email=email,
        phone=str(phone or ""),
    )


def position(entry: WaitlistEntry) -> int:
    """1 for the first person waiting."""
    return (
        WaitlistEntry.objects.in_line()
        .filter(event=entry.event)
        .filter(
            Q(created_at__lt=entry.created_at) | Q(created_at=entry.created_at, pk__lt=entry.pk)
        )
        .count()
        + 1
    )


@transaction.atomic
def leave(*, entry: WaitlistEntry) -> None:
    _remove(entry)


# --- Offers ------------------------------------------------------------------------------


def _choose_ticket_type(entry: WaitlistEntry) -> TicketType | None:
    """The ticket type this entry can be offered now, or None if its quantity does not fit."""
    if entry.ticket_type_id is not None:
        candidates = TicketType.objects.filter(pk=entry.ticket_type_id)
    else:
        candidates = entry.event.ticket_types.filter(is_visible=True).order_by("price_kobo", "pk")
    for tt in candidates:
        if tt.available >= entry.quantity:
            return tt
    return None


def make_offer(*, entry: WaitlistEntry, by_hand: bool = False) -> Hold:
    """Hold tickets for this entry's buyer and tell them. Raises NoStockToOffer."""
    with transaction.atomic():
        entry = WaitlistEntry.objects.select_for_update().select_related("event").get(pk=entry.pk)
        if entry.status != WaitlistEntry.Status.WAITING:
            raise InvalidWaitlistRequest("This person is not waiting any more.")
        ticket_type = _choose_ticket_type(entry)
        if ticket_type is None:
            raise NoStockToOffer()
        try:
            with transaction.atomic():
                hold = ticket_services.hold_tickets(
                    buyer=entry.buyer,
                    event=entry.event,
                    quantities={ticket_type.pk: entry.quantity},
                )
        except ticket_services.SoldOut as exc:
            raise NoStockToOffer() from exc
        now = timezone.now()
        hold.expires_at = now + offer_window()
        hold.save(update_fields=["expires_at"])
        entry.status = WaitlistEntry.Status.OFFERED
        entry.hold = hold
        entry.offered_at = now
        entry.offer_expires_at = hold.expires_at
        entry.save(update_fields=["status", "hold", "offered_at", "offer_expires_at"])
        transaction.on_commit(lambda: notify_offer(entry_id=entry.pk))
    log.info("waitlist offer", extra={"entry": entry.pk, "hold": hold.pk, "by_hand": by_hand})
    return hold


def offer_freed_stock(*, ticket_type_ids) -> list[Hold]:
    """Offer what is free now to the people waiting, first come first served.

    A person whose quantity does not fit is skipped (they keep their place) and the next
    one whose quantity fits gets the offer.
    """
    ticket_types = TicketType.objects.filter(pk__in=list(ticket_type_ids or []))
    event_ids = set(ticket_types.values_list("event_id", flat=True))
    made = []
    for event_id in sorted(event_ids):
        waiting = WaitlistEntry.objects.in_line().filter(
            Q(ticket_type_id__in=ticket_type_ids) | Q(ticket_type__isnull=True),
            event_id=event_id,
        )
        for entry in waiting.select_related("event", "buyer"):
            if not any(tt.available for tt in TicketType.objects.filter(event_id=event_id)):
                break  # nothing left to offer to anybody
            try:
                made.append(make_offer(entry=entry))
            except (NoStockToOffer, InvalidWaitlistRequest):
                continue
            except DomainError:
                log.exception("waitlist offer failed", extra={"entry": entry.pk})
                continue
    return made


def _release(entry: WaitlistEntry, status: str) -> list[int]:
    """Close an offer's hold if still active; the ticket type ids whose stock came back."""
    freed = []
    if entry.hold_id:
        hold = Hold.objects.get(pk=entry.hold_id)
        ticket_type_ids = list(hold.lines.values_list("ticket_type_id", flat=True))
        released = ticket_services.release_hold(hold=hold, status=status)
        if released or hold.status == Hold.Status.EXPIRED:  # or the holds job got there first
            freed = ticket_type_ids
    return freed


def _remove(entry: WaitlistEntry) -> list[int]:
    entry = WaitlistEntry.objects.select_for_update().get(pk=entry.pk)
    if entry.status not in (WaitlistEntry.Status.WAITING, WaitlistEntry.Status.OFFERED):
        return []
    freed = []
    if entry.status == WaitlistEntry.Status.OFFERED:
        freed = _release(entry, Hold.Status.RELEASED)
    entry.status = WaitlistEntry.Status.REMOVED
    entry.save(update_fields=["status"])
    return freed


def remove(*, entry: WaitlistEntry) -> None:
    """The organizer takes someone off the list; an open offer is withdrawn and passed on."""
    with transaction.atomic():
        freed = _remove(entry)
    if freed:
        offer_freed_stock(ticket_type_ids=freed)


def _settle(entry: WaitlistEntry, now) -> list[int]:
    """One offered entry: bought → claimed; lapsed → expired (hold released)."""
    with transaction.atomic():
        entry = WaitlistEntry.objects.select_for_update().get(pk=entry.pk)
        if entry.status != WaitlistEntry.Status.OFFERED:
            return []
        hold = entry.hold
        if hold is not None and hold.status == Hold.Status.SOLD:
            entry.status = WaitlistEntry.Status.CLAIMED
            entry.save(update_fields=["status"])
            return []
        if hold is not None and hold.status == Hold.Status.ACTIVE and hold.expires_at > now:
            return []
        freed = _release(entry, Hold.Status.EXPIRED)
        entry.status = WaitlistEntry.Status.EXPIRED
        entry.save(update_fields=["status"])
        return freed


def expire_waitlist_offers() -> int:
    """Close lapsed offers and pass their tickets to the next in line. Returns offers made."""
    now = timezone.now()
    freed: set[int] = set()
    offered = WaitlistEntry.objects.filter(status=WaitlistEntry.Status.OFFERED).filter(
        Q(offer_expires_at__lte=now)
        | Q(hold__status__in=[Hold.Status.SOLD, Hold.Status.EXPIRED])
        | Q(hold__isnull=True)
    )
    for entry in offered.only("pk"):
        freed.update(_settle(entry, now))
    if not freed:
        return 0
    return len(offer_freed_stock(ticket_type_ids=sorted(freed)))


# --- Telling the buyer -------------------------------------------------------------------


def offer_link(entry: WaitlistEntry) -> str:
    return f"{settings.SITE_URL}/checkout?hold={entry.hold_id}"


def send_sms(*, to: str, body: str) -> bool:
    """Send through the fulfilment area's Twilio client (tickets.delivery) when it is there
    and configured; otherwise log the message. Never raises: the email already went."""
    if not to:
        return False
    try:
        from tickets.delivery import e164, twilio_client, twilio_configured
    except ImportError:
        log.info("waitlist sms (no sender installed)", extra={"to": to, "body": body})
        return False
    number = e164(to)
    if not number or not twilio_configured():
        log.info("waitlist sms skipped", extra={"to": to, "configured": twilio_configured()})
        return False
    try:
        twilio_client().messages.create(to=number, from_=settings.TWILIO_FROM_NUMBER, body=body)
    except Exception:  # noqa: BLE001 - an SMS failure must not lose the offer
        log.exception("waitlist sms failed", extra={"to": number})
        return False
    return True


def notify_offer(*, entry_id: int) -> None:
    entry = WaitlistEntry.objects.select_related("event", "hold", "ticket_type").get(pk=entry_id)
    if entry.status != WaitlistEntry.Status.OFFERED:
        return
    deadline = timezone.localtime(entry.offer_expires_at)
    context = {
        "entry": entry,
        "event": entry.event,
        "link": offer_link(entry),
        "deadline": deadline,
        "minutes": int(offer_window().total_seconds() // 60),
    }
    send_mail(
        subject=f"Tickets for {entry.event.title} are yours to claim",
        message=render_to_string("orders/waitlist_offer_email.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[entry.email],
    )
    send_sms(
        to=entry.phone,
        body=(
            f"getiickets: {entry.quantity} ticket(s) for {entry.event.title} are held for you "
            f"until {format_when(deadline, 'time')}. Pay here: {context['link']}"
        ),
    )


# --- Triggers ----------------------------------------------------------------------------


@receiver(stock_freed, dispatch_uid="waitlist_on_stock_freed")
def _on_stock_freed(sender, ticket_type_ids=(), **kwargs):
    ids = [int(i) for i in ticket_type_ids or []]
    if (
        not ids
        or not WaitlistEntry.objects.in_line()
        .filter(
            Q(ticket_type_id__in=ids) | Q(ticket_type__isnull=True, event__ticket_types__in=ids)
        )
        .exists()
    ):
        return
    try:
        offer_freed_stock(ticket_type_ids=ids)
    except Exception:  # noqa: BLE001 - the sender's commit already happened; the job retries
        log.exception("waitlist offers after stock_freed failed")


@receiver(pre_save, sender=TicketType, dispatch_uid="waitlist_capacity_before")
def _remember_capacity(sender, instance, raw=False, **kwargs):
    if raw or instance.pk is None:
        instance._capacity_before = None
        return
    instance._capacity_before = (
        TicketType.objects.filter(pk=instance.pk).values_list("capacity", flat=True).first()
    )


@receiver(post_save, sender=TicketType, dispatch_uid="waitlist_capacity_after")
def _on_capacity_change(sender, instance, created, raw=False, **kwargs):
    before = getattr(instance, "_capacity_before", None)
    if raw or created or before is None or instance.capacity <= before:
        return
    pk = instance.pk
    transaction.on_commit(lambda: _on_stock_freed(sender=TicketType, ticket_type_ids=[pk]))


def expire_waitlist_offers_for_event(*, event: Event) -> None:
    """Settle this event's lapsed or bought offers now (the page must not wait for the job)."""
    if (
        WaitlistEntry.objects.filter(
            event=event, status=WaitlistEntry.Status.OFFERED, offer_expires_at__lte=timezone.now()
        ).exists()
        or WaitlistEntry.objects.filter(
            event=event, status=WaitlistEntry.Status.OFFERED, hold__status=Hold.Status.SOLD
        ).exists()
    ):
        expire_waitlist_offers()
