"""Issuing tickets for a paid order: one valid Ticket per OrderItem, exactly once."""

import logging
import secrets

from django.db import IntegrityError, transaction

from getiickets.errors import DomainError
from orders.models import Order, OrderItem
from tickets import holder_version, signing
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


def _create_all(order: Order, items: list[OrderItem], sign) -> None:
    """Every item's ticket in one transaction of two statements: the rows, then their signed
    payloads (a payload names its ticket's id, known once the rows exist)."""
    with transaction.atomic():
        tickets = Ticket.objects.bulk_create(
            Ticket(
                order=order,
                order_item=item,
                event_id=order.event_id,
                ticket_type_id=item.ticket_type_id,
                seat_id=item.seat_id,
                holder=order.buyer,
                attendee_name=item.attendee_name or order.full_name,
                secret=new_secret(),
            )
            for item in items
        )
        for ticket in tickets:
            ticket.qr_payload = sign(ticket.pk, ticket.secret)
        Ticket.objects.bulk_update(tickets, ["qr_payload"])
        holder_version.holders_changed([order.buyer_id])


def issue_tickets(*, order_id: int) -> list[Ticket]:
    """Issue the order's tickets. Safe to run any number of times, concurrently too.

    Items that already have a ticket (valid, or transferred onwards) are skipped; the partial
    unique index "one valid ticket per order item" is the last word if two workers race: the
    loser's batch rolls back and it issues item by item what the winner left.
    """
    order = Order.objects.select_related("buyer").get(pk=order_id)
    if order.status != Order.Status.PAID:
        raise OrderNotPaid(f"Order {order.reference} is {order.status}, not paid.")
    pending = list(order.items.filter(tickets__isnull=True).order_by("pk"))
    if pending:
        sign = signing.signer_for_event(order.event_id)  # the key is made outside the batch
        try:
            _create_all(order, pending, sign)
        except IntegrityError:
            log.info("order %s is being issued concurrently: item by item", order.pk)
            _create_one_by_one(order, pending)
    return list(order.tickets.filter(status=Ticket.Status.VALID).order_by("pk"))


def _create_one_by_one(order: Order, items: list[OrderItem]) -> None:
    for item in items:
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
