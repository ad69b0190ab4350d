"""The buyer's dashboard: only their own tickets, orders and PDFs; the "preparing" state."""

from datetime import timedelta
from urllib.parse import parse_qs, urlparse

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import PASSWORD, EventFactory, OrderFactory, UserFactory
from tickets import fulfilment, issuing
from tickets.models import DeliveryLog

pytestmark = pytest.mark.django_db


@pytest.fixture
def buyer():
    return UserFactory(email="ada@example.ng", full_name="Ada Obi")


@pytest.fixture
def signed_in(client, buyer):
    client.login(email=buyer.email, password=PASSWORD)
    return client


def fulfilled_order(buyer, **kwargs):
    order = OrderFactory(buyer=buyer, items=2, **kwargs)
    fulfilment.start_fulfilment(order.pk)
    return order


def test_my_tickets_lists_upcoming_and_past(signed_in, buyer):
    fulfilled_order(buyer, event__title="Lagos Jazz Night")
    past_event = EventFactory(
        title="Old Concert",
        starts_at=timezone.now() - timedelta(days=10),
        ends_at=timezone.now() - timedelta(days=9, hours=20),
    )
    fulfilled_order(buyer, event=past_event)
    someone_else = fulfilled_order(UserFactory(), event__title="Not Mine Fest")

    page = signed_in.get("/dashboard/tickets").content.decode()
    assert page.count("Lagos Jazz Night") == 1  # one card for the event, its two tickets in it
    assert page.count("Show QR") == 2
    assert "Past events (1)" in page and "Old Concert" in page
    assert "Not Mine Fest" not in page
    assert someone_else.reference not in page


def test_the_dashboard_needs_sign_in(client):
    response = client.get("/dashboard/tickets")
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next=/dashboard/tickets"


def test_while_tickets_are_prepared_the_page_says_so_and_polls(signed_in, buyer):
    order = OrderFactory(buyer=buyer, items=1, event__title="Gidi Fest")  # not yet fulfilled
    page = signed_in.get("/dashboard/tickets").content.decode()
    assert "Your tickets are being prepared" in page
    assert f'hx-get="/dashboard/orders/{order.reference}/tickets"' in page
    assert 'hx-trigger="every 2s"' in page

    fulfilment.start_fulfilment(order.pk)
    fragment = signed_in.get(f"/dashboard/orders/{order.reference}/tickets").content.decode()
    assert "being prepared" not in fragment and "hx-trigger" not in fragment
    assert "Show QR" in fragment and "Download PDF" in fragment


def test_the_qr_page_is_self_contained_and_cacheable(signed_in, buyer):
    order = fulfilled_order(buyer)
    ticket = order.tickets.first()
    response = signed_in.get(f"/dashboard/tickets/{ticket.pk}/qr")
    assert response.status_code == 200
    page = response.content.decode()
    assert "<svg" in page and "app.css" not in page  # inline QR, nothing else to fetch
    assert "private" in response["Cache-Control"] and "max-age=43200" in response["Cache-Control"]


def test_another_users_ticket_qr_transfer_and_pdf_are_404(signed_in):
    other = fulfilled_order(UserFactory())
    ticket = other.tickets.first()
    assert signed_in.get(f"/dashboard/tickets/{ticket.pk}/qr").status_code == 404
    assert signed_in.get(f"/dashboard/tickets/{ticket.pk}/transfer").status_code == 404
    assert signed_in.get(f"/dashboard/orders/{other.reference}/pdf").status_code == 404
    assert signed_in.get(f"/dashboard/orders/{other.reference}/tickets").status_code == 404
    assert signed_in.post(f"/dashboard/orders/{other.reference}/resend").status_code == 404


def test_the_owner_downloads_the_pdf(signed_in, buyer):
    order = fulfilled_order(buyer)
    response = signed_in.get(f"/dashboard/orders/{order.reference}/pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert f'filename="tickets-{order.reference}.pdf"' in response["Content-Disposition"]
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_no_pdf_before_the_tickets_are_ready(signed_in, buyer):
    order = OrderFactory(buyer=buyer, items=1)
    assert signed_in.get(f"/dashboard/orders/{order.reference}/pdf").status_code == 404


def test_with_s3_the_pdf_is_a_short_lived_presigned_url(signed_in, buyer, s3_storage):
    order = fulfilled_order(buyer)
    key = f"private/tickets/{order.reference}/tickets-{order.reference}.pdf"
    stored = s3_storage["client"].get_object(Bucket=s3_storage["bucket"], Key=key)
    assert stored["Body"].read().startswith(b"%PDF")

    response = signed_in.get(f"/dashboard/orders/{order.reference}/pdf")
    assert response.status_code == 302
    url = urlparse(response["Location"])
    params = parse_qs(url.query)
    assert url.path == f"/{s3_storage['bucket']}/{key}"
    assert params["X-Amz-Algorithm"] == ["AWS4-HMAC-SHA256"]
    assert params["X-Amz-Expires"] == ["300"]
    assert params["X-Amz-Signature"][0] and params["X-Amz-Credential"][0].startswith("testing/")
    assert "attachment" in params["response-content-disposition"][0]
    assert "private" in response["Cache-Control"]


def test_my_orders_shows_status_and_totals(signed_in, buyer):
    order = fulfilled_order(buyer)  # 2 × ₦10,000.00
    pending = OrderFactory(buyer=buyer, status="pending", items=1)
    page = signed_in.get("/dashboard/orders").content.decode()
    assert order.reference in page and pending.reference in page
    assert "₦20,000.00" in page and "Paid" in page and "Awaiting payment" in page
    assert f'href="/orders/{order.reference}"' in page


def test_the_buyer_can_ask_for_a_resend_a_few_times(
    signed_in, buyer, mailoutbox, django_capture_on_commit_callbacks
):
    order = fulfilled_order(buyer)
    assert len(mailoutbox) == 1
    for n in range(1, 4):
        with django_capture_on_commit_callbacks(execute=True):
            response = signed_in.post(f"/dashboard/orders/{order.reference}/resend", follow=True)
        assert "sending your tickets" in response.content.decode()
        assert len(mailoutbox) == 1 + n
    response = signed_in.post(f"/dashboard/orders/{order.reference}/resend", follow=True)
    assert "try later" in response.content.decode()
    assert len(mailoutbox) == 4
    kinds = set(order.delivery_logs.filter(channel="email").values_list("kind", flat=True))
    assert kinds == {"confirmation", "resend-1", "resend-2", "resend-3"}


def test_resend_before_the_tickets_exist_is_refused_clearly(signed_in, buyer, mailoutbox):
    order = OrderFactory(buyer=buyer, items=1)
    response = signed_in.post(f"/dashboard/orders/{order.reference}/resend", follow=True)
    assert "not ready yet" in response.content.decode()
    assert mailoutbox == []


def test_the_delivery_log_shows_in_the_admin_and_in_the_organizer_include(admin_client, buyer):
    order = fulfilled_order(buyer)
    page = admin_client.get(f"/admin/orders/order/{order.pk}/change/").content.decode()
    assert "Delivery logs" in page or "delivery log" in page.lower()
    assert page.count("confirmation") >= 3

    from django.template.loader import render_to_string

    html = render_to_string("tickets/_delivery_log.html", {"order": order})
    assert "Email" in html and "SMS" in html and "Sent" in html and "Skipped" in html


def test_issued_tickets_survive_a_rerun_of_the_issue_step(buyer):
    order = fulfilled_order(buyer)
    before = set(order.tickets.values_list("secret", flat=True))
    issuing.issue_tickets(order_id=order.pk)
    assert set(order.tickets.values_list("secret", flat=True)) == before
    assert DeliveryLog.objects.filter(order=order, channel="email").count() == 1


def test_when_the_pdf_step_failed_for_good_the_page_stops_polling_and_says_so(signed_in, buyer):
    order = OrderFactory(buyer=buyer, items=1)
    DeliveryLog.objects.create(order=order, channel="pdf", state="failed", last_error="x")
    fragment = signed_in.get(f"/dashboard/orders/{order.reference}/tickets").text
    assert "could not prepare your tickets yet" in fragment and "hx-trigger" not in fragment


def test_the_pdf_asked_for_before_its_queue_got_to_it_is_rendered_then_kept(signed_in, buyer):
    order = OrderFactory(buyer=buyer, items=2)
    issuing.issue_tickets(order_id=order.pk)  # confirmed; the PDF queue has not run yet

    response = signed_in.get(f"/dashboard/orders/{order.reference}/pdf")
    assert response.status_code == 200
    first = b"".join(response.streaming_content)
    assert first.startswith(b"%PDF")
    assert order.delivery_logs.get(channel="pdf").state == "sent"  # the queue's step is done

    again = signed_in.get(f"/dashboard/orders/{order.reference}/pdf")
    assert b"".join(again.streaming_content) == first  # the stored copy, not a new render
