"""One buyer reserving in several tabs: one reservation per event is kept, and every tab
tells the truth about its own (issue 17 item 10)."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from tests.factories import (
    EventFactory,
    SeatFactory,
    SeatSectionFactory,
    TicketTypeFactory,
    UserFactory,
)
from tickets.models import Hold

pytestmark = [pytest.mark.django_db]


@pytest.fixture
def buyer(client):
    user = UserFactory()
    client.force_login(user)
    return user


def reserve_in_three_tabs(client, event, post):
    """Three tabs of one browser (one session) each reserve; returns their checkout URLs."""
    urls = []
    for data in post:
        response = client.post(reverse("tickets:hold", args=[event.slug]), data)
        assert response.status_code == 302
        urls.append(response.url)
    return urls


def test_older_tabs_are_told_their_reservation_was_replaced_and_led_to_the_newest(client, buyer):
    event = EventFactory()
    regular = TicketTypeFactory(event=event, capacity=100)
    tabs = reserve_in_three_tabs(client, event, [{f"qty_{regular.pk}": n} for n in (1, 2, 3)])
    first, second, third = Hold.objects.filter(buyer=buyer).order_by("pk")
    assert [first.status, second.status, third.status] == ["replaced", "replaced", "active"]
    regular.refresh_from_db()
    assert regular.held == 3  # only the newest reservation holds stock

    # The first tab goes on to pay: it is told what happened and shown the newest.
    response = client.get(tabs[0])
    assert response.status_code == 302
    assert response.url == f"{reverse('orders:checkout')}?hold={third.pk}"
    told = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("in another tab or window" in m and "replaced this one" in m for m in told)
    page = client.get(response.url)
    assert page.status_code == 200

    # The reservation page of the second tab says so too and links to the newest.
    detail = client.get(reverse("tickets:hold_detail", args=[second.pk])).content.decode()
    assert "replaced this one" in detail
    assert reverse("tickets:hold_detail", args=[third.pk]) in detail
    assert "has expired" not in detail


def test_the_newest_tab_is_told_it_replaced_the_earlier_reservation(client, buyer):
    event = EventFactory()
    regular = TicketTypeFactory(event=event, capacity=100)
    client.post(reverse("tickets:hold", args=[event.slug]), {f"qty_{regular.pk}": 1})
    response = client.post(
        reverse("tickets:hold", args=[event.slug]), {f"qty_{regular.pk}": 2}, follow=True
    )
    assert "replaces the one you made earlier" in response.content.decode()


def test_seats_reserved_in_several_tabs_tell_the_same_truth(client, buyer):
    event = EventFactory(seating="reserved")
    stalls = TicketTypeFactory(event=event, capacity=10)
    section = SeatSectionFactory(event=event)
    seats = [SeatFactory(section=section, ticket_type=stalls, number=str(n)) for n in range(1, 4)]
    tabs = []
    for seat in seats:
        response = client.post(
            reverse("tickets:hold_seats", args=[event.slug]), {"seat": [seat.pk]}
        )
        assert response.status_code == 302
        tabs.append(response.url)
    newest = Hold.objects.get(buyer=buyer, status="active")
    assert Hold.objects.filter(buyer=buyer, status="replaced").count() == 2
    response = client.get(tabs[0])
    assert response.url == f"{reverse('orders:checkout')}?hold={newest.pk}"


def test_a_replaced_reservation_whose_successor_ended_says_so_and_leads_to_the_event(client, buyer):
    event = EventFactory()
    regular = TicketTypeFactory(event=event, capacity=100)
    tabs = reserve_in_three_tabs(client, event, [{f"qty_{regular.pk}": 1}] * 2)
    newest = Hold.objects.get(buyer=buyer, status="active")
    client.post(reverse("tickets:release", args=[newest.pk]))
    response = client.get(tabs[0])
    assert response.url == reverse("events:detail", kwargs={"slug": event.slug})
    told = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("replaced this one" in m and "choose your tickets again" in m for m in told)
