"""The PDF: a page per ticket, stored once at a fixed path, with a QR that decodes and verifies."""

import base64
import io
import os
import shutil
import subprocess
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image

from tests.factories import OrderFactory, SeatFactory
from tickets import delivery, issuing, pdf, qr, signing

pytestmark = pytest.mark.django_db
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"


def decode(image: Image.Image) -> list[str]:
    return [r.text for r in zxingcpp.read_barcodes(image)]


def paid_order_with_tickets(n=2):
    order = OrderFactory(items=n, event__title="Felabration Live")
    issuing.issue_tickets(order_id=order.pk)
    return order


def test_the_qr_image_decodes_to_a_payload_that_verifies_and_fails_when_altered():
    order = paid_order_with_tickets(1)
    ticket = order.tickets.get()
    [text] = decode(Image.open(io.BytesIO(qr.png(ticket.qr_payload))))
    assert text == ticket.qr_payload
    assert signing.verify(text).secret == ticket.secret

    prefix, body, sig = text.split(".")

    def flip(part: str) -> str:  # change one character in the middle (every bit counts there)
        i = len(part) // 2
        return part[:i] + ("A" if part[i] != "A" else "B") + part[i + 1 :]

    assert signing.verify(f"{prefix}.{flip(body)}.{sig}") is None
    assert signing.verify(f"{prefix}.{body}.{flip(sig)}") is None
    forged = signing._b64(
        b'{"t":%d,"e":%d,"s":"%s"}' % (ticket.pk, ticket.event_id, b"x" * len(ticket.secret))
    )
    assert signing.verify(f"{prefix}.{forged}.{sig}") is None  # a made-up secret


def test_the_pdf_is_stored_once_at_a_fixed_path_and_rerendering_overwrites(
    private_storage_in_tmp,
):
    order = paid_order_with_tickets(2)
    delivery.store_pdf(order_id=order.pk)
    path = private_storage_in_tmp / pdf.order_pdf_path(order)
    first = path.read_bytes()
    assert first.startswith(b"%PDF")

    pdf.store_order_files(order_id=order.pk)  # a re-run (e.g. after a crash)
    files = sorted(p.name for p in path.parent.iterdir())
    tickets = list(order.tickets.order_by("pk"))
    assert files == sorted([path.name] + [f"qr-{t.pk}.png" for t in tickets]), (
        "no duplicates like tickets-…_AbC123.pdf"
    )
    log = order.delivery_logs.get(channel="pdf")
    assert (log.state, log.detail) == ("sent", pdf.order_pdf_path(order))


@pytest.mark.skipif(not shutil.which("pdftoppm"), reason="pdftoppm (poppler-utils) missing")
def test_each_pdf_page_shows_the_ticket_and_its_qr_decodes_and_verifies(tmp_path):
    order = OrderFactory(items=0, event__title="Felabration Live")
    seat = SeatFactory(
        event=order.event,
        section__event=order.event,
        section__name="VIP",
        row_label="A",
        number="7",
        label="VIP-A7",
    )
    from tests.factories import OrderItemFactory

    OrderItemFactory(order=order, ticket_type=seat.ticket_type, seat=seat, attendee_name="Ada")
    OrderItemFactory(order=order, attendee_name="Chidi")
    tickets = issuing.issue_tickets(order_id=order.pk)
    data = pdf.render_pdf_bytes(order=order, tickets=pdf.pdf_tickets(order))
    (tmp_path / "t.pdf").write_bytes(data)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "110", str(tmp_path / "t.pdf"), str(tmp_path / "page")],
        check=True,
    )
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) == 2  # a page per ticket

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(pages[0], ARTIFACTS / "fulfilment-ticket-pdf-page1.png")
    text = subprocess.run(
        ["pdftotext", str(tmp_path / "t.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    seat_line = "VIP · Row A · Seat 7"  # section, row and seat: never ambiguous
    for expected in ["Felabration Live", order.reference, seat_line, "Ada", "Chidi", "Lagos"]:
        assert expected in text

    for page, ticket in zip(pages, tickets, strict=True):
        [payload] = decode(Image.open(page))
        assert payload == ticket.qr_payload
        claim = signing.verify(payload)
        assert (claim.ticket_id, claim.secret) == (ticket.pk, ticket.secret)


def test_each_ticket_code_is_drawn_once_for_the_email_the_pdf_and_a_download(
    brevo, twilio, monkeypatch, client
):
    """Issuing draws each code once; the email (enlarged) and the PDF reuse the stored image."""
    drawn = []
    real_make = qr.segno.make_qr
    monkeypatch.setattr(qr.segno, "make_qr", lambda *a, **k: drawn.append(a) or real_make(*a, **k))
    order = OrderFactory(items=10, event__title="Felabration Live")
    from tickets import fulfilment

    fulfilment.start_fulfilment(order.pk)
    client.force_login(order.buyer)
    assert client.get(f"/dashboard/orders/{order.reference}/pdf").status_code == 200
    fulfilment.start_fulfilment(order.pk)  # a re-run finds everything stored and sent

    tickets = list(order.tickets.order_by("pk"))
    assert len(tickets) == 10
    assert sorted(payload for payload, *_ in drawn) == sorted(t.qr_payload for t in tickets)
    [email] = brevo.messages
    for attachment, ticket in zip(email["attachment"], tickets, strict=True):
        image = Image.open(io.BytesIO(base64.b64decode(attachment["content"])))
        assert image.width >= 8 * 45  # 8 px a module on a phone, not the stored 1 px
        assert decode(image) == [ticket.qr_payload]


def test_codes_with_the_fixed_mask_decode_small_and_blurred():
    """The fixed mask must read as well as any: ticket-sized payloads at 2 px a module,
    softened as a phone camera sees a screen, still decode."""
    from PIL import ImageFilter

    for _ in range(25):
        payload = signing._b64(os.urandom(90)) + "." + signing._b64(os.urandom(30))
        small = Image.open(io.BytesIO(qr.small_png(payload)))
        assert decode(Image.open(io.BytesIO(qr.enlarged(qr.small_png(payload))))) == [payload]
        tiny = small.convert("L").resize((small.width * 2, small.height * 2), Image.NEAREST)
        blurred = tiny.resize((tiny.width * 2, tiny.height * 2), Image.BILINEAR).filter(
            ImageFilter.GaussianBlur(1.2)
        )
        assert decode(blurred) == [payload]
