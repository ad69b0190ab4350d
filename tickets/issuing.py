"""Issuing tickets for a paid order: one valid Ticket per OrderItem, exactly once."""

import logging
import secrets

from django.db import IntegrityError, transaction

from getiickets.errors import DomainError
from orders.models import Order, OrderItem
from tickets import signing
from tickets.models import Ticket

log = logging.getLogger(__name__)


class OrderNotPaid(DomainError):
    """Tickets are only issued for paid orders."""


def new_secret() -> str:
    return secrets.token_urlsafe(24)  # 192 bits


def create_ticket(*, order_item: OrderItem, holder, attendee_name: str) -> Ticket:
    """A fresh ticket row with its own secret and signed QR payload (caller holds the lock)."""
    ticket = Ticket.objects.create(
        order=order_item.order,
        order_item=order_item,
        event_id=order_item.order.event_id,
        ticket_type_id=order_item.ticket_type_id,
        seat_id=order_item.seat_id,
        holder=holder,
        attendee_name=attendee_name,
        secret=new_secret(),
    )
    ticket.qr_payload = signing.sign(
        ticket_id=ticket.pk, event_id=ticket.event_id, secret=ticket.secret
    )
    ticket.save(update_fields=["qr_payload"])
    return ticket


def issue_tickets(*, order_id: int) -> list[Ticket]:
    """Issue the order's tickets. Safe to run any number of times, concurrently too.

    Items that already have a ticket (valid, or transferred onwards) are skipped; the partial
    unique index "one valid ticket per order item" is the last word if two workers race.
    """
    order = Order.objects.select_related("buyer").get(pk=order_id)
    if order.status != Order.Status.PAID:
        raise OrderNotPaid(f"Order {order.reference} is {order.status}, not paid.")
    signing.key_for_event(order.event_id)
    for item in order.items.all():
        if Ticket.objects.filter(order_item=item).exists():
            continue
        try:
            with transaction.atomic():
                create_ticket(
                    order_item=item,
                    holder=order.buyer,
                    attendee_name=item.attendee_name or order.full_name,
                )
        except IntegrityError:
            log.info("ticket for order item %s was issued concurrently", item.pk)
    return list(order.tickets.filter(status=Ticket.Status.VALID).order_by("pk"))
