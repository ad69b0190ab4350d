"""One PDF per order, a page per ticket, stored in the private storage at a fixed path."""

import logging

from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.template.loader import render_to_string

from orders.models import Order
from tickets import qr
from tickets.models import Ticket


def private_storage():
    return storages["private"]


def order_pdf_path(order: Order) -> str:
    return f"tickets/{order.reference}/tickets-{order.reference}.pdf"


def ticket_qr_path(ticket: Ticket) -> str:
    return f"tickets/{ticket.order.reference}/qr-{ticket.pk}.png"


def pdf_tickets(order: Order):
    """The tickets the order's PDF carries: the buyer's own, still valid (not given away)."""
    return (
        order.tickets.filter(status=Ticket.Status.VALID, holder_id=order.buyer_id)
        .select_related("event", "event__venue", "ticket_type", "seat", "order")
        .order_by("pk")
    )


def render_pdf_bytes(*, order: Order, tickets) -> bytes:
    from weasyprint import HTML  # heavy import: only where a PDF is made

    pages = [{"ticket": t, "qr": qr.png_data_uri(t.qr_payload, scale=10)} for t in tickets]
    html = render_to_string(
        "tickets/pdf/order.html", {"order": order, "event": order.event, "pages": pages}
    )
    return HTML(string=html).write_pdf()


def _overwrite(storage, path: str, data: bytes) -> str:
    if storage.exists(path):
        storage.delete(path)
    return storage.save(path, ContentFile(data))


def store_order_files(*, order_id: int) -> str:
    """Render and store the order's PDF and each ticket's QR PNG; returns the PDF's path.

    Re-running overwrites the same names (the caller serialises runs per order).
    """
    order = Order.objects.select_related("event", "event__venue").get(pk=order_id)
    tickets = list(pdf_tickets(order))
    storage = private_storage()
    for ticket in tickets:
        _overwrite(storage, ticket_qr_path(ticket), qr.png(ticket.qr_payload))
    path = order_pdf_path(order)
    stored = _overwrite(storage, path, render_pdf_bytes(order=order, tickets=tickets))
    if stored != path:  # a concurrent writer slipped in; keep one file at the fixed name
        storage.delete(stored)
    return path


def read_order_pdf(order: Order) -> bytes | None:
    storage = private_storage()
    path = order_pdf_path(order)
    if not storage.exists(path):
        return None
    with storage.open(path, "rb") as fh:
        return fh.read()


# weasyprint logs every layout step at INFO; keep worker logs about our work.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
