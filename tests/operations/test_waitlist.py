from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from events.models import TicketType
from orders import waitlist
from orders.models import WaitlistEntry
from tests.factories import UserFactory
from tickets import inventory as ticket_services
from tickets.models import Hold
from tickets.signals import stock_freed

pytestmark = pytest.mark.django_db


@pytest.fixture
def sold_out(regular):
    TicketType.objects.filter(pk=regular.pk).update(capacity=2, sold=2)
    regular.refresh_from_db()
    return regular


def join(buyer, tt, quantity=1):
    return waitlist.join(
        buyer=buyer,
        event=tt.event,
        ticket_type=tt,
        quantity=quantity,
        email=buyer.email,
        phone=str(buyer.phone),
    )


def free(tt, n=1):
    """What a refund does: stock goes back on sale and the holds area announces it."""
    ticket_services.return_sold(ticket_type_id=tt.pk, quantity=n)
    stock_freed.send(sender=None, ticket_type_ids=[tt.pk])


def test_buyers_cannot_join_while_tickets_are_on_sale(client, event, regular):
    client.force_login(UserFactory())
    url = f"/waitlist?event={event.slug}&ticket_type={regular.pk}"
    page = client.get(url)
    assert page.status_code == 200
    assert "Tickets are available" in page.content.decode()
    assert f"/events/{event.slug}" in page.content.decode()
    response = client.post(
        "/waitlist",
        {"event": event.slug, "ticket_type": regular.pk, "quantity": 1, "email": "x@example.ng"},
    )
    assert response.status_code == 409
    assert not WaitlistEntry.objects.exists()


def test_a_buyer_joins_a_sold_out_ticket_type_with_contact_prefilled(client, event, sold_out):
    buyer = UserFactory(email="chidi@example.ng", phone="+2348031234567")
    client.force_login(buyer)
    url = f"/waitlist?event={event.slug}&ticket_type={sold_out.pk}"
    form = client.get(url).context["form"]
    assert form.initial["email"] == "chidi@example.ng"
    response = client.post(
        url,
        {
            "event": event.slug,
            "ticket_type": sold_out.pk,
            "quantity": 2,
            "email": "chidi@example.ng",
            "phone": "08031234567",
        },
    )
    assert response.status_code == 302
    entry = WaitlistEntry.objects.get()
    assert (entry.quantity, entry.phone, entry.status) == (2, "+2348031234567", "waiting")
    assert "number 1 in line" in client.get(url).content.decode()
    too_many = client.post(url, {"event": event.slug, "quantity": 99, "email": "c@example.ng"})
    assert too_many.status_code in (400, 409)


def test_anonymous_visitors_sign_in_first(client, event, sold_out):
    response = client.get(f"/waitlist?event={event.slug}")
    assert response.status_code == 302


def test_freed_stock_is_offered_to_the_first_in_line_with_a_hold_and_email(
    event, sold_out, django_capture_on_commit_callbacks, settings
):
    settings.WAITLIST_OFFER_MINUTES = 30
    first, second = UserFactory(), UserFactory()
    a, b = join(first, sold_out), join(second, sold_out)

    with django_capture_on_commit_callbacks(execute=True):
        free(sold_out)

    a.refresh_from_db()
    b.refresh_from_db()
    assert a.status == "offered" and b.status == "waiting"
    hold = a.hold
    assert hold.buyer == first and hold.status == "active"
    assert [(line.ticket_type_id, line.quantity) for line in hold.lines.all()] == [(sold_out.pk, 1)]
    window = hold.expires_at - timezone.now()
    assert timedelta(minutes=29) < window <= timedelta(minutes=30)
    sold_out.refresh_from_db()
    assert sold_out.available == 0  # held for the waitlisted buyer alone
    [email] = mail.outbox
    assert email.to == [first.email]
    assert f"/checkout?hold={hold.pk}" in email.body


def test_an_unclaimed_offer_expires_and_passes_to_the_next_person(
    event, sold_out, django_capture_on_commit_callbacks
):
    first, second = UserFactory(), UserFactory()
    a, b = join(first, sold_out), join(second, sold_out)
    with django_capture_on_commit_callbacks(execute=True):
        free(sold_out)
    a.refresh_from_db()
    past = timezone.now() - timedelta(seconds=1)
    Hold.objects.filter(pk=a.hold_id).update(expires_at=past)
    WaitlistEntry.objects.filter(pk=a.pk).update(offer_expires_at=past)

    with django_capture_on_commit_callbacks(execute=True):
        offers = waitlist.expire_waitlist_offers()

    assert offers == 1
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.status == "expired" and a.hold.status == "expired"
    assert b.status == "offered" and b.hold.buyer == second and b.hold.status == "active"
    assert [m.to for m in mail.outbox] == [[first.email], [second.email]]
    sold_out.refresh_from_db()
    assert (sold_out.held, sold_out.sold) == (1, 1)


def test_the_beat_task_is_importable():
    from orders.tasks import expire_waitlist_offers

    assert expire_waitlist_offers.name == "orders.tasks.expire_waitlist_offers"


def test_a_bought_offer_is_marked_claimed(event, sold_out, django_capture_on_commit_callbacks):
    a = join(UserFactory(), sold_out)
    with django_capture_on_commit_callbacks(execute=True):
        free(sold_out)
    a.refresh_from_db()
    ticket_services.sell_hold(hold=a.hold)
    waitlist.expire_waitlist_offers()
    a.refresh_from_db()
    assert a.status == "claimed"


def test_the_next_person_whose_quantity_fits_gets_the_offer(
    event, sold_out, django_capture_on_commit_callbacks
):
    big = join(UserFactory(), sold_out, quantity=2)
    small = join(UserFactory(), sold_out, quantity=1)
    with django_capture_on_commit_callbacks(execute=True):
        free(sold_out, 1)
    big.refresh_from_db()
    small.refresh_from_db()
    assert (big.status, small.status) == ("waiting", "offered")


def test_a_capacity_increase_makes_offers(event, sold_out, django_capture_on_commit_callbacks):
    a = join(UserFactory(), sold_out, quantity=2)
    sold_out.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        sold_out.capacity = 4
        sold_out.save()
    a.refresh_from_db()
    assert a.status == "offered"
    assert a.hold.lines.get().quantity == 2


def test_organizer_sees_the_queue_removes_and_offers_by_hand(
    organizer_client, event, sold_out, django_capture_on_commit_callbacks
):
    a = join(UserFactory(email="first@example.ng"), sold_out)
    b = join(UserFactory(email="second@example.ng"), sold_out)
    page = organizer_client.get(reverse("organizer:waitlist", args=[event.pk]))
    text = page.content.decode()
    assert text.index("first@example.ng") < text.index("second@example.ng")

    # No stock: an offer by hand says so.
    response = organizer_client.post(
        reverse("organizer:waitlist_offer", args=[event.pk, b.pk]), follow=True
    )
    assert "Not enough tickets are free" in response.content.decode()

    organizer_client.post(reverse("organizer:waitlist_remove", args=[event.pk, a.pk]))
    a.refresh_from_db()
    assert a.status == "removed"

    TicketType.objects.filter(pk=sold_out.pk).update(capacity=3)  # no signal: by hand
    with django_capture_on_commit_callbacks(execute=True):
        organizer_client.post(reverse("organizer:waitlist_offer", args=[event.pk, b.pk]))
    b.refresh_from_db()
    assert b.status == "offered"
    assert mail.outbox[-1].to == ["second@example.ng"]


def test_removing_someone_with_an_open_offer_passes_it_on(
    organizer_client, event, sold_out, django_capture_on_commit_callbacks
):
    a, b = join(UserFactory(), sold_out), join(UserFactory(), sold_out)
    with django_capture_on_commit_callbacks(execute=True):
        free(sold_out)
    a.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        organizer_client.post(reverse("organizer:waitlist_remove", args=[event.pk, a.pk]))
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.status == "removed" and a.hold.status == "released"
    assert b.status == "offered"


def test_waiting_for_any_ticket_of_a_sold_out_event(
    event, sold_out, vip, django_capture_on_commit_callbacks
):
    TicketType.objects.filter(pk=vip.pk).update(capacity=1, sold=1)
    buyer = UserFactory()
    entry = waitlist.join(buyer=buyer, event=event, ticket_type=None, quantity=1, email=buyer.email)
    with django_capture_on_commit_callbacks(execute=True):
        free(vip)
    entry.refresh_from_db()
    assert entry.status == "offered"
    assert entry.hold.lines.get().ticket_type == vip
