"""A burst of paid orders on a real worker: each buyer's confirmation (QR codes by email, the
link by SMS) overtakes the backlog, PDFs come after on their own queue, everything once."""

import time
from pathlib import Path

import pytest
from django.db.models import Max, Min

from orders.signals import order_paid
from tests.factories import OrderFactory, UserFactory
from tests.fulfilment.test_real_worker import broker, logs_of, wait_for, workers  # noqa: F401
from tickets import pdf
from tickets.models import DeliveryLog, Ticket

pytestmark = [
    pytest.mark.slow,
    pytest.mark.needs_services,
    pytest.mark.django_db(transaction=True),
]
BURST = 8


def test_in_a_burst_the_first_confirmation_goes_before_the_backlog_and_each_once(
    workers,  # noqa: F811
    brevo,
    twilio,
    tmp_path,
):
    orders = [
        OrderFactory(items=2, buyer=UserFactory(phone="+2348031234567"), phone="+2348031234567")
        for _ in range(BURST)
    ]
    for order in orders:  # the burst is queued before any worker is up
        order_paid.send(sender=None, order_id=order.pk)
    workers("w1")
    done = DeliveryLog.objects.filter(kind="confirmation", state="sent")
    try:
        wait_for(lambda: done.count() == 3 * BURST, timeout=180, what="the burst delivered")
        time.sleep(2)
    except AssertionError:
        pytest.fail(logs_of(tmp_path))

    first = orders[0]
    first_email = DeliveryLog.objects.get(order=first, channel="email").sent_at
    last_issued = Ticket.objects.aggregate(at=Max("issued_at"))["at"]
    assert first_email < last_issued  # the first buyer did not wait for the backlog's tickets
    emails = DeliveryLog.objects.filter(channel__in=["email", "sms"])
    assert (
        emails.aggregate(at=Max("sent_at"))["at"]
        < (DeliveryLog.objects.filter(channel="pdf").aggregate(at=Min("sent_at"))["at"])
    )  # every confirmation went before the first PDF

    assert Ticket.objects.count() == 2 * BURST
    assert sorted(len(brevo.to(o.email)) for o in orders) == [1] * BURST
    assert len(twilio.messages) == BURST
    root = Path(pdf.private_storage().location)
    for order in orders:
        assert (root / pdf.order_pdf_path(order)).read_bytes().startswith(b"%PDF")
