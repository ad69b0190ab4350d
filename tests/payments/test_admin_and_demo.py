import pytest

from getiickets.demo import seed_all
from orders.models import PromoCode
from payments.models import Payment, RefundBatch, WebhookEvent
from tests.checkout_helpers import order_for

pytestmark = pytest.mark.django_db


def test_staff_read_orders_with_items_payments_and_history(admin_client):
    order = order_for()
    Payment.objects.create(
        order=order,
        paystack_reference=order.reference,
        status="mismatch",
        amount_kobo=1,
        currency="USD",
        source="webhook",
    )
    WebhookEvent.objects.create(event_type="charge.success", reference=order.reference, body="{}")
    page = admin_client.get(f"/admin/orders/order/{order.pk}/change/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Mismatch — needs staff" in html
    assert "Awaiting payment" in html
    for url in (
        "/admin/payments/payment/",
        "/admin/payments/webhookevent/",
        "/admin/payments/refund/",
        "/admin/orders/promocode/",
        "/admin/orders/order/?status__exact=pending",
    ):
        assert admin_client.get(url).status_code == 200


def test_the_organizer_watches_refund_progress(client):
    order = order_for()
    organizer = order.event.organizer
    RefundBatch.objects.create(event=order.event, total=4, refunded=1, status="running")
    client.force_login(organizer.user)
    session = client.session
    session["active_role"] = "organizer"
    session.save()
    page = client.get(f"/organizer/events/{order.event.pk}/refunds")
    html = page.content.decode()
    assert "1 of 4 orders refunded" in html
    assert 'hx-trigger="every 2s"' in html
    partial = client.get(f"/organizer/events/{order.event.pk}/refunds", HTTP_HX_REQUEST="true")
    assert "<html" not in partial.content.decode()


def test_demo_promo_codes_are_seeded_once_for_the_demo_organizer():
    from accounts.models import User
    from events.models import Organizer
    from tests.factories import OrganizerFactory

    seed_all()
    demo_organizer = User.objects.get(email="organizer@demo.getiickets.ng")
    if not Organizer.objects.filter(user=demo_organizer).exists():  # seeded elsewhere or not
        OrganizerFactory(user=demo_organizer)
    seed_all()
    seed_all()
    codes = list(
        PromoCode.objects.filter(code__in=["NAIJA10", "EARLYBIRD"]).values_list("code", "value")
    )
    assert sorted(codes) == [("EARLYBIRD", 200_000), ("NAIJA10", 1_000)]
