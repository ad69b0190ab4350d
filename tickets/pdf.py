"""One PDF per order, a page per ticket, stored in the private storage at a fixed path.

Each ticket's QR code is drawn once, when the ticket is issued (`store_qr_codes`), and
stored as a PNG of one pixel a module that the PDF embeds as it is and the confirmation
email enlarges. The PDF's stylesheet and
font configuration are prepared once per process.
"""

import functools
import logging
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.template.loader import render_to_string

from orders.models import Order
from tickets import qr
from tickets.models import Ticket

STYLESHEET = Path(__file__).parent / "templates" / "tickets" / "pdf" / "order.css"


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
        .select_related("event", "event__venue", "ticket_type", "seat__section", "order")
        .order_by("pk")
    )


def _overwrite(storage, path: str, data: bytes) -> str:
    if storage.exists(path):
        storage.delete(path)
    return storage.save(path, ContentFile(data))


def _read(storage, path: str) -> bytes | None:
    if not storage.exists(path):
        return None
    with storage.open(path, "rb") as fh:
        return fh.read()


def store_qr_codes(tickets) -> dict[int, bytes]:
    """Each ticket's QR PNG by ticket id: read when stored, drawn (once) and stored when not."""
    storage = private_storage()
    images = {}
    for ticket in tickets:
        path = ticket_qr_path(ticket)
        data = _read(storage, path)
        if data is None:
            data = qr.small_png(ticket.qr_payload)
            stored = storage.save(path, ContentFile(data))
            if stored != path:  # drawn at the same instant elsewhere: the same code, kept once
                storage.delete(stored)
        images[ticket.pk] = data
    return images


@functools.cache
def _weasyprint_setup():
    """The parsed stylesheet and font configuration, shared by every PDF of this process."""
    from weasyprint import CSS  # heavy import: only where a PDF is made
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    return CSS(string=STYLESHEET.read_text(), font_config=fonts), fonts


def _qr_fetcher(images: dict[int, bytes]):
    """WeasyPrint's fetcher for this PDF: each page's QR code (`qr:<ticket id>`) from
    memory, and nothing else. As data: URIs the codes made most of the HTML that WeasyPrint
    parses in Python, and decoded them from base64 again."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class QrCodes(URLFetcher):
        def fetch(self, url, headers=None):
            scheme, _, ticket_id = url.partition(":")
            if scheme != "qr":
                raise ValueError(f"a ticket PDF loads nothing but its QR codes: {url}")
            return URLFetcherResponse(url, images[int(ticket_id)], {"Content-Type": "image/png"})

    return QrCodes(fail_on_errors=True)


def render_pdf_bytes(*, order: Order, tickets) -> bytes:
    from weasyprint import HTML

    images = store_qr_codes(tickets)
    pages = [{"ticket": t, "qr": f"qr:{t.pk}"} for t in tickets]
    html = render_to_string(
        "tickets/pdf/order.html", {"order": order, "event": order.event, "pages": pages}
    )
    stylesheet, fonts = _weasyprint_setup()
    return HTML(string=html, url_fetcher=_qr_fetcher(images)).write_pdf(
        stylesheets=[stylesheet], font_config=fonts
    )


def store_order_files(*, order_id: int) -> str:
    """Render and store the order's PDF (and any QR PNG not stored yet); returns the path.

    Re-running overwrites the same name (the caller serialises runs per order).
    """
    order = Order.objects.select_related("event", "event__venue").get(pk=order_id)
    tickets = list(pdf_tickets(order))
    storage = private_storage()
    path = order_pdf_path(order)
    stored = _overwrite(storage, path, render_pdf_bytes(order=order, tickets=tickets))
    if stored != path:  # a concurrent writer slipped in; keep one file at the fixed name
        storage.delete(stored)
    return path


def order_pdf_stored(order: Order) -> bool:
    return private_storage().exists(order_pdf_path(order))


def read_order_pdf(order: Order) -> bytes | None:
    return _read(private_storage(), order_pdf_path(order))


# weasyprint logs every layout step at INFO; keep worker logs about our work.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
