from django import template

from tickets import fulfilment
from tickets.models import Ticket

register = template.Library()


@register.simple_tag
def order_ticket_state(order):
    """What tickets/_order_tickets.html needs from an order, so any page can include it."""
    tickets = (
        order.tickets.exclude(status=Ticket.Status.VOID)
        .select_related("ticket_type", "seat__section", "holder", "replaced_by__holder")
        .order_by("order_item_id", "pk")
    )
    return {
        "ready": fulfilment.tickets_ready(order),
        "stuck": fulfilment.tickets_stuck(order),
        # After a partial refund the tickets still valid stay on show.
        "paid": order.status in (order.Status.PAID, order.Status.PARTIALLY_REFUNDED),
        "pdf": order.status == order.Status.PAID,
        "tickets": [t for t in tickets if t.status == Ticket.Status.VALID]
        + [t for t in tickets if t.status == Ticket.Status.TRANSFERRED],
    }


@register.simple_tag
def delivery_logs(order):
    return list(order.delivery_logs.order_by("created_at", "pk"))


@register.simple_tag
def order_passes(order):
    """What tickets/_order_passes.html shows after payment: the tickets once issued, and
    where the confirmation went (email, SMS) with each delivery's state."""
    ready = fulfilment.tickets_ready(order)
    tickets = []
    if ready:
        tickets = list(
            order.tickets.filter(status=Ticket.Status.VALID)
            .select_related("ticket_type", "seat__section")
            .order_by("order_item_id", "pk")
        )
    sent = {
        log.channel: log
        for log in order.delivery_logs.filter(kind="confirmation").exclude(channel="pdf")
    }
    unsettled = {"pending", "sending"}
    return {
        "ready": ready,
        "stuck": fulfilment.tickets_stuck(order),
        "tickets": tickets,
        "email": sent.get("email"),
        "sms": sent.get("sms"),
        # Keep polling until the tickets are shown and both messages have an outcome.
        "polling": not ready
        or any(log.state in unsettled for log in sent.values())
        or "email" not in sent,
    }
