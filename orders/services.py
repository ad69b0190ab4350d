"""Orders: creation from a hold, promo codes, and the guarded state machine (DESIGN.md §3).

Each transition is one function: a conditional UPDATE on the status is the guard (it succeeds
for exactly one caller) and an OrderEvent row records who or what moved it, from where.
"""

import base64
import secrets
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from accounts import services as accounts_services
from getiickets.errors import DomainError
from getiickets.templatetags.money import format_naira
from orders import pricing, sales
from orders.models import Order, OrderEvent, OrderItem, PromoCode, PromoRedemption
from orders.signals import order_paid, order_refunded
from tickets import holder_version
from tickets import inventory as tickets
from tickets.models import Hold, Ticket

S = Order.Status


class HoldExpired(tickets.HoldExpired):
    """Your reservation has expired. Please choose your tickets again."""


class OrderClosed(DomainError):
    """This order can no longer be changed."""

    status_code = 409


class PromoRefused(DomainError):
    """That promo code cannot be used."""

    status_code = 400


# The exact reasons a code is refused (shown to the buyer as they are).
UNKNOWN = "We don't know that promo code. Check the spelling."
INACTIVE = "That promo code is no longer active."
NOT_YET = "That promo code is not valid yet."
EXPIRED = "That promo code has expired."
USED_UP = "That promo code has been used up."
NOT_FOR_EVENT = "That promo code is not valid for this event."
NOT_FOR_TICKETS = "That promo code is not valid for the tickets you chose."
ALREADY_USED = "You have already used that promo code."


def new_reference() -> str:
    return "GT-" + base64.b32encode(secrets.token_bytes(10)).decode()[:10]


# --- Promo codes -----------------------------------------------------------------------
def find_promo(*, code: str, event) -> PromoCode:
    code = (code or "").strip()
    promo = (
        PromoCode.objects.filter(organizer_id=event.organizer_id, code__iexact=code).first()
        if code
        else None
    )
    if promo is None:
        raise PromoRefused(UNKNOWN)
    return promo


def check_promo(*, promo: PromoCode, buyer, event, lines=None) -> None:
    """Raise PromoRefused with the exact reason, or return if the code applies."""
    now = timezone.now()
    if not promo.is_active:
        raise PromoRefused(INACTIVE)
    if promo.valid_from and now < promo.valid_from:
        raise PromoRefused(NOT_YET)
    if promo.valid_until and now >= promo.valid_until:
        raise PromoRefused(EXPIRED)
    if promo.max_uses is not None and promo.uses >= promo.max_uses:
        raise PromoRefused(USED_UP)
    event_ids = set(promo.events.values_list("pk", flat=True))
    if event_ids and event.pk not in event_ids:
        raise PromoRefused(NOT_FOR_EVENT)
    type_ids = set(promo.ticket_types.values_list("pk", flat=True))
    if type_ids:
        if not {tt.event_id for tt in promo.ticket_types.all()} & {event.pk}:
            raise PromoRefused(NOT_FOR_EVENT)
        if lines is not None and not type_ids & {line.ticket_type_id for line in lines}:
            raise PromoRefused(NOT_FOR_TICKETS)
    if promo.max_uses_per_buyer is not None and buyer is not None:
        used = PromoRedemption.objects.filter(
            promo_code=promo, buyer=buyer, released_at__isnull=True
        ).count()
        if used >= promo.max_uses_per_buyer:
            raise PromoRefused(ALREADY_USED)


def validate_promo(*, code: str, buyer, hold: Hold) -> PromoCode:
    promo = find_promo(code=code, event=hold.event)
    check_promo(promo=promo, buyer=buyer, event=hold.event, lines=pricing.lines_for_hold(hold))
    return promo


def _take_promo_use(promo: PromoCode) -> bool:
    """uses = uses + 1 only while below max_uses: one statement, never over the limit."""
    return bool(
        PromoCode.objects.filter(pk=promo.pk, is_active=True)
        .filter(Q(max_uses__isnull=True) | Q(uses__lt=F("max_uses")))
        .update(uses=F("uses") + 1)
    )


def _give_back_promo_use(order: Order) -> None:
    redemption = PromoRedemption.objects.filter(order=order, released_at__isnull=True).first()
    if redemption is None:
        return
    if PromoRedemption.objects.filter(pk=redemption.pk, released_at__isnull=True).update(
        released_at=timezone.now()
    ):
        PromoCode.objects.filter(pk=redemption.promo_code_id, uses__gt=0).update(uses=F("uses") - 1)


# --- Quotes and order creation ---------------------------------------------------------
def quote_for_hold(*, hold: Hold, promo: PromoCode | None = None) -> pricing.Quote:
    return pricing.price(pricing.lines_for_hold(hold), promo, hold.event)


def active_hold_for(*, buyer, hold_id=None, among=None) -> Hold | None:
    """The buyer's hold to check out: the given one (theirs only) or their most recent active.
    `among`: the hold ids a guest's session made (it sees no other hold of that guest)."""
    holds = Hold.objects.filter(buyer=buyer).select_related("event")
    if among is not None:
        holds = holds.filter(pk__in=among)
    if hold_id:
        return holds.filter(pk=hold_id).first()
    return holds.filter(status=Hold.Status.ACTIVE).order_by("-created_at").first()


def hold_is_live(hold: Hold) -> bool:
    return hold.status == Hold.Status.ACTIVE and hold.expires_at > timezone.now()


@dataclass
class BuyerDetails:
    full_name: str
    email: str
    phone: str = ""


def held_seats_by_type(hold) -> dict[int, list]:
    """The hold's seats by ticket type, in the order the order's items take them (the
    checkout names each attendee field by its seat in the same order)."""
    seats: dict[int, list] = {}
    for claim in hold.seat_claims.select_related("seat__section").order_by("seat_id"):
        seats.setdefault(claim.seat.ticket_type_id, []).append(claim.seat)
    return seats


@transaction.atomic
def place_order(
    *,
    buyer,
    hold: Hold,
    details: BuyerDetails,
    attendee_names: list[str] | None = None,
    promo_code: str = "",
) -> Order:
    """Create the pending order for a live hold. Idempotent per hold: a second call (a
    double-clicked Pay) returns the order the first one made."""
    hold = Hold.objects.select_for_update().select_related("event").get(pk=hold.pk)
    if hold.buyer_id != buyer.pk:
        raise HoldExpired()
    existing = Order.objects.filter(hold=hold).first()
    if existing is not None:
        return existing
    if not hold_is_live(hold):
        raise HoldExpired()
    event = hold.event
    lines = pricing.lines_for_hold(hold)
    promo = None
    if promo_code:
        promo = find_promo(code=promo_code, event=event)
        get_user_model().objects.select_for_update().filter(pk=buyer.pk).first()  # per buyer
        check_promo(promo=promo, buyer=buyer, event=event, lines=lines)
        if not _take_promo_use(promo):
            raise PromoRefused(USED_UP)
    quote = pricing.price(lines, promo, event)
    order = Order.objects.create(
        reference=new_reference(),
        buyer=buyer,
        event=event,
        hold=hold,
        email=details.email,
        full_name=details.full_name,
        phone=str(details.phone or ""),
        promo_code=promo,
        subtotal_kobo=quote.subtotal_kobo,
        discount_kobo=quote.discount_kobo,
        fee_kobo=quote.fee_kobo,
        absorbed_fee_kobo=quote.absorbed_fee_kobo,
        total_kobo=quote.total_kobo,
    )
    if promo is not None:
        PromoRedemption.objects.create(
            promo_code=promo, order=order, buyer=buyer, discount_kobo=quote.discount_kobo
        )
    names = list(attendee_names or [])
    seats = {tt: [seat.pk for seat in listed] for tt, listed in held_seats_by_type(hold).items()}
    items = []
    paid = iter(quote.item_amounts_kobo)
    for line in lines:
        for i in range(line.quantity):
            seat_list = seats.get(line.ticket_type_id, [])
            items.append(
                OrderItem(
                    order=order,
                    ticket_type_id=line.ticket_type_id,
                    seat_id=seat_list[i] if i < len(seat_list) else None,
                    unit_price_kobo=line.unit_price_kobo,
                    paid_kobo=next(paid),
                    attendee_name=(names.pop(0) if names else "")[:150],
                )
            )
    OrderItem.objects.bulk_create(items)
    OrderEvent.objects.create(
        order=order, from_status="", to_status=S.PENDING, actor=buyer, source="buyer"
    )
    if not buyer.buyer_profile_complete:  # asked at checkout, kept for the next time
        accounts_services.complete_buyer_profile(
            user=buyer,
            full_name=buyer.full_name or details.full_name,
            phone=buyer.phone or details.phone,
        )
    return order


# --- Transitions -----------------------------------------------------------------------
def _transition(
    order: Order, *, from_statuses, to: str, source: str, actor=None, note="", **fields
) -> bool:
    """Move the order if (and only if) it is in one of `from_statuses`; log it."""
    current = Order.objects.filter(pk=order.pk).values_list("status", flat=True).first()
    if current not in from_statuses:
        return False
    if not Order.objects.filter(pk=order.pk, status=current).update(status=to, **fields):
        return False
    holder_version.holders_changed([order.buyer_id])  # "being prepared", the PDF link
    OrderEvent.objects.create(
        order=order,
        from_status=current,
        to_status=to,
        actor=actor if getattr(actor, "pk", None) else None,
        source=source,
        note=note[:255],
    )
    order.status = to
    for key, value in fields.items():
        setattr(order, key, value)
    return True


PAID_STATES = (S.PAID, S.PARTIALLY_REFUNDED, S.REFUNDED)


@transaction.atomic
def mark_paid(*, order: Order, source: str, actor=None, note: str = "") -> str:
    """The money is in: sell the hold and mark the order paid.

    Returns "paid", "already" (it was paid before: nothing changes) or "sold_out" (a late
    payment whose stock is gone: nothing changes, the caller refunds it).
    """
    order = Order.objects.select_for_update().get(pk=order.pk)
    if order.status in PAID_STATES:
        return "already"
    late = order.status in (S.EXPIRED, S.CANCELLED)
    if order.hold_id is None or not tickets.sell_lapsed_hold(hold=order.hold):
        return "sold_out"
    if late and order.promo_code_id:
        redemption = PromoRedemption.objects.filter(order=order).first()
        if redemption and redemption.released_at and _take_promo_use(order.promo_code):
            PromoRedemption.objects.filter(pk=redemption.pk).update(released_at=None)
    now = timezone.now()
    moved = _transition(
        order,
        from_statuses=(S.PENDING, S.EXPIRED, S.CANCELLED),
        to=S.PAID,
        source=source,
        actor=actor,
        note=note or ("late payment honoured" if late else ""),
        paid_at=now,
        closed_at=now,
    )
    if not moved:  # cannot happen under the row lock; be explicit anyway
        raise OrderClosed()
    sales.book_paid(order_id=order.pk)
    # Inside the transaction: the receivers write what a paid order owes (the confirmation's
    # outbox rows, the ledger's sale) in it, so a crash right after the commit cannot lose
    # them; anything they send waits for the commit (transaction.on_commit).
    order_paid.send(sender=Order, order_id=order.pk)
    return "paid"


@transaction.atomic
def complete_free_order(*, order: Order, actor=None) -> Order:
    """A ₦0 order skips payment: sell the hold and mark it paid at once."""
    order = Order.objects.select_for_update().get(pk=order.pk)
    if order.total_kobo != 0:
        raise OrderClosed("This order is not free.")
    if order.status == S.PAID:
        return order
    if order.status != S.PENDING or not hold_is_live(order.hold):
        raise HoldExpired()
    if mark_paid(order=order, source="free", actor=actor, note="free order") != "paid":
        raise HoldExpired()
    order.refresh_from_db()
    return order


def _release(order: Order, status: str) -> None:
    if order.hold_id:
        tickets.release_hold(hold=order.hold, status=status)
    _give_back_promo_use(order)


@transaction.atomic
def expire(*, order: Order, source: str = "job", note: str = "hold lapsed unpaid") -> bool:
    if not _transition(
        order,
        from_statuses=(S.PENDING,),
        to=S.EXPIRED,
        source=source,
        note=note,
        closed_at=timezone.now(),
    ):
        return False
    _release(order, Hold.Status.EXPIRED)
    return True


@transaction.atomic
def cancel(*, order: Order, actor=None, source: str = "buyer", note: str = "") -> bool:
    if not _transition(
        order,
        from_statuses=(S.PENDING,),
        to=S.CANCELLED,
        source=source,
        actor=actor,
        note=note,
        closed_at=timezone.now(),
    ):
        return False
    _release(order, Hold.Status.RELEASED)
    return True


def expire_unpaid_orders() -> int:
    """Pending orders whose hold lapsed (or is gone) expire; safe to run concurrently."""
    now = timezone.now()
    lapsed = Order.objects.awaiting_payment().filter(
        Q(hold__isnull=True) | Q(hold__expires_at__lte=now) | ~Q(hold__status=Hold.Status.ACTIVE)
    )
    count = 0
    for order in lapsed.only("pk", "hold_id"):
        count += expire(order=order)
    return count


def _refund_items(items) -> None:
    """Void these admissions' tickets and put their stock back, once per item."""
    for item in items:
        if not OrderItem.objects.filter(pk=item.pk, refunded_at__isnull=True).update(
            refunded_at=timezone.now()
        ):
            continue
        voided = Ticket.objects.filter(order_item=item, status=Ticket.Status.VALID)
        holder_version.holders_changed(voided.values_list("holder_id", flat=True))
        voided.update(status=Ticket.Status.VOID)
        tickets.return_sold(ticket_type_id=item.ticket_type_id, quantity=1, seat_id=item.seat_id)


@transaction.atomic
def apply_refund(
    *, order: Order, amount_kobo: int, source: str, actor=None, note="", item_ids=()
) -> str:
    """Paystack confirmed a refund of `amount_kobo`: move the order to refunded or partially
    refunded. The refunded admissions (all of them for a full refund) get their tickets voided
    and their stock put back; a money-only partial refund leaves the tickets valid."""
    order = Order.objects.select_for_update().get(pk=order.pk)
    amount = min(int(amount_kobo), order.total_kobo - order.refunded_kobo)
    refunded = order.refunded_kobo + max(amount, 0)
    to = S.REFUNDED if refunded >= order.total_kobo else S.PARTIALLY_REFUNDED
    was_paid = order.paid_at is not None
    # The rollup moves by what the order counted for before the refund and after it.
    with sales.tracking(order_id=order.pk):
        moved = _transition(
            order,
            from_statuses=(S.EXPIRED, S.CANCELLED)
            if not was_paid
            else (S.PAID, S.PARTIALLY_REFUNDED),
            to=to,
            source=source,
            actor=actor,
            note=note or f"refunded {amount / 100:,.2f} naira",
            refunded_kobo=refunded,
        )
        if moved and was_paid:
            items = order.items.filter(refunded_at__isnull=True)
            if to != S.REFUNDED:
                items = items.filter(pk__in=list(item_ids))
            _refund_items(items)
    if not moved:
        return "ignored"
    order_id = order.pk
    transaction.on_commit(lambda: order_refunded.send(sender=Order, order_id=order_id))
    return to


# --- Reading an order's story -----------------------------------------------------------
def order_timeline(order) -> list[dict]:
    """Everything that happened to an order, oldest first: its state changes (OrderEvent),
    payments, refunds and ticket deliveries (each read through the order's relations)."""
    entries = []
    for e in order.history.select_related("actor"):
        who = e.actor.email if e.actor else e.source
        change = f"{e.from_status or 'new'} → {e.to_status}"
        entries.append(
            {"at": e.created_at, "what": "Status", "detail": change, "by": who, "note": e.note}
        )
    for p in order.payments.all():
        entries.append(
            {
                "at": p.paid_at or p.created_at,
                "what": "Payment",
                "detail": f"{format_naira(p.amount_kobo)} {p.get_status_display()} "
                f"({p.paystack_reference})",
                "by": p.source,
                "note": p.note,
            }
        )
    for r in order.refunds.select_related("requested_by"):
        entries.append(
            {
                "at": r.created_at,
                "what": "Refund",
                "detail": f"{format_naira(r.amount_kobo)} {r.get_status_display()}",
                "by": r.requested_by.email if r.requested_by else r.source,
                "note": r.reason,
            }
        )
    # Deliveries belong to the tickets app (a layer above): reached through the relation.
    for d in order.delivery_logs.all() if hasattr(order, "delivery_logs") else []:
        entries.append(
            {
                "at": d.sent_at or d.created_at,
                "what": "Delivery",
                "detail": f"{d.channel} {d.kind} to {d.recipient}: {d.state}",
                "by": "",
                "note": "",
            }
        )
    return sorted(entries, key=lambda e: e["at"])
