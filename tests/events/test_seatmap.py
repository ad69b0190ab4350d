"""Seat map builder: generate, rename, block, price bands, capacity sync, 5,000 seats."""

import time
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from events import services
from events.models import Event, Seat, TicketType
from tests.factories import EventFactory, TicketTypeFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def seated(organizer):
    event = EventFactory(organizer=organizer, seating=Event.Seating.RESERVED)
    regular = TicketTypeFactory(event=event, name="Regular", capacity=0)
    vip = TicketTypeFactory(event=event, name="VIP", capacity=0, price_kobo=5_000_000)
    return event, regular, vip


def claim(seat, state="held"):
    from tickets.models import Hold, SeatClaim

    hold = Hold.objects.create(
        buyer=UserFactory(), event=seat.event, expires_at=timezone.now() + timedelta(minutes=10)
    )
    return SeatClaim.objects.create(seat=seat, hold=hold, state=state)


def test_row_labels_go_a_to_z_then_aa():
    assert [services.row_label(i) for i in (0, 1, 25, 26, 27, 51, 52, 701, 702)] == [
        "A", "B", "Z", "AA", "AB", "AZ", "BA", "ZZ", "AAA",
    ]  # fmt: skip


def test_generate_section_creates_labelled_seats_and_sets_capacity(seated):
    event, regular, vip = seated
    section = services.generate_section(
        event=event, name="Orchestra", rows=3, seats_per_row=4, ticket_type=regular
    )
    labels = list(section.seats.order_by("y", "x").values_list("label", flat=True))
    assert labels[:5] == [
        "Orchestra-A1",
        "Orchestra-A2",
        "Orchestra-A3",
        "Orchestra-A4",
        "Orchestra-B1",
    ]
    assert labels[-1] == "Orchestra-C4"
    regular.refresh_from_db()
    assert regular.capacity == 12
    services.generate_section(event=event, name="Balcony", rows=2, seats_per_row=5, ticket_type=vip)
    vip.refresh_from_db()
    assert vip.capacity == 10
    # The second section is drawn below the first.
    assert Seat.objects.filter(section__name="Balcony").order_by("y").first().y > 2


def test_duplicate_section_name_is_refused(seated):
    event, regular, _ = seated
    services.generate_section(
        event=event, name="Stalls", rows=1, seats_per_row=2, ticket_type=regular
    )
    with pytest.raises(services.SeatMapError, match="already a section"):
        services.generate_section(
            event=event, name="stalls", rows=1, seats_per_row=2, ticket_type=regular
        )


def test_block_and_rebanding_keep_capacity_in_sync(seated):
    event, regular, vip = seated
    section = services.generate_section(
        event=event, name="Main", rows=2, seats_per_row=5, ticket_type=regular
    )
    services.set_seats_blocked(event=event, blocked=True, section_id=section.pk, rows=["A"])
    regular.refresh_from_db()
    assert regular.capacity == 5
    seat_ids = list(section.seats.filter(row_label="B").values_list("pk", flat=True)[:2])
    services.assign_price_band(event=event, ticket_type=vip, seat_ids=seat_ids)
    regular.refresh_from_db()
    vip.refresh_from_db()
    assert (regular.capacity, vip.capacity) == (3, 2)
    services.set_seats_blocked(event=event, blocked=False, section_id=section.pk, rows=["a"])
    regular.refresh_from_db()
    assert regular.capacity == 8


def test_rename_section_and_row_relabels_seats(seated):
    event, regular, _ = seated
    section = services.generate_section(
        event=event, name="Main", rows=2, seats_per_row=2, ticket_type=regular
    )
    services.rename_section(event=event, section_id=section.pk, name="Stalls")
    services.rename_row(event=event, section_id=section.pk, old_label="A", new_label="AA")
    labels = set(Seat.objects.filter(event=event).values_list("label", flat=True))
    assert labels == {"Stalls-AA1", "Stalls-AA2", "Stalls-B1", "Stalls-B2"}
    with pytest.raises(services.SeatMapError, match="already exists"):
        services.rename_row(event=event, section_id=section.pk, old_label="B", new_label="AA")


def test_held_or_sold_seats_cannot_be_rebanded_blocked_or_deleted(seated):
    event, regular, vip = seated
    section = services.generate_section(
        event=event, name="Main", rows=1, seats_per_row=3, ticket_type=regular
    )
    seat = section.seats.get(number="1")
    claim(seat, "sold")
    with pytest.raises(services.SeatsInUse, match="Main-A1"):
        services.assign_price_band(event=event, ticket_type=vip, seat_ids=[seat.pk])
    with pytest.raises(services.SeatsInUse):
        services.set_seats_blocked(event=event, blocked=True, seat_ids=[seat.pk])
    with pytest.raises(services.SeatsInUse):
        services.delete_seats(event=event, seat_ids=[seat.pk])
    with pytest.raises(services.SeatsInUse):
        services.delete_section(event=event, section_id=section.pk)
    seat.refresh_from_db()
    assert seat.ticket_type_id == regular.pk and not seat.is_blocked


def test_capacity_never_drops_below_sold_plus_held(seated):
    event, regular, _ = seated
    section = services.generate_section(
        event=event, name="Main", rows=1, seats_per_row=4, ticket_type=regular
    )
    TicketType.objects.filter(pk=regular.pk).update(sold=3)
    free = list(section.seats.values_list("pk", flat=True)[:2])
    with pytest.raises(services.CapacityTooLow):
        services.set_seats_blocked(event=event, blocked=True, seat_ids=free)
    assert not Seat.objects.filter(is_blocked=True).exists()


def test_general_admission_event_has_no_seat_map(organizer):
    event = EventFactory(organizer=organizer)
    tt = TicketTypeFactory(event=event)
    with pytest.raises(services.SeatMapError, match="reserved seating"):
        services.generate_section(event=event, name="A", rows=1, seats_per_row=1, ticket_type=tt)


def test_ticket_type_capacity_follows_the_seat_map_in_the_form(organizer_client, seated):
    event, regular, _ = seated
    services.generate_section(
        event=event, name="Main", rows=2, seats_per_row=5, ticket_type=regular
    )
    url = reverse("organizer:ticket_type_edit", args=[event.pk, regular.pk])
    response = organizer_client.post(
        url,
        {
            "name": "Regular",
            "price_kobo": "100",
            "capacity": "999",
            "min_per_order": "1",
            "max_per_order": "10",
            "is_visible": "on",
        },
    )
    assert response.status_code == 302
    regular.refresh_from_db()
    assert regular.capacity == 10


@pytest.mark.slow
def test_five_thousand_seats_generate_and_render_quickly(organizer_client, seated):
    event, regular, vip = seated
    started = time.monotonic()
    for name in ("North", "South"):
        services.generate_section(
            event=event, name=name, rows=50, seats_per_row=50, ticket_type=regular
        )
    assert Seat.objects.filter(event=event).count() == 5000
    assert time.monotonic() - started < 10
    regular.refresh_from_db()
    assert regular.capacity == 5000

    url = reverse("organizer:event_seats", args=[event.pk])
    started = time.monotonic()
    with CaptureQueriesContext(connection) as ctx:
        response = organizer_client.get(url)
    elapsed = time.monotonic() - started
    assert response.status_code == 200
    body = response.content.decode()
    assert body.count('<use href="#seat"') == 5000
    seat_queries = [q for q in ctx.captured_queries if 'FROM "events_seat"' in q["sql"]]
    assert len(seat_queries) == 1  # one query draws every seat
    assert elapsed < 5

    # Re-band a whole section in one step.
    services.assign_price_band(
        event=event,
        ticket_type=vip,
        section_id=event.sections.get(name="South").pk,
        rows=[services.row_label(i) for i in range(50)],
    )
    vip.refresh_from_db()
    assert vip.capacity == 2500


def test_builder_actions_through_htmx(organizer_client, seated):
    event, regular, vip = seated
    htmx = {"HTTP_HX_REQUEST": "true"}
    add = reverse("organizer:seat_section_add", args=[event.pk])
    response = organizer_client.post(
        add,
        {
            "add-name": "Front",
            "add-rows": "2",
            "add-seats_per_row": "3",
            "add-ticket_type": regular.pk,
        },
        **htmx,
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="seatmap-builder"' in body and "<html" not in body
    assert body.count('<use href="#seat"') == 6
    seat_ids = ",".join(
        str(pk) for pk in Seat.objects.filter(row_label="A").values_list("pk", flat=True)
    )
    response = organizer_client.post(
        reverse("organizer:seat_selection", args=[event.pk]),
        {"sel-action": "band", "sel-seat_ids": seat_ids, "sel-ticket_type": vip.pk},
        **htmx,
    )
    assert response.status_code == 200
    vip.refresh_from_db()
    assert vip.capacity == 3
    # A refusal comes back as the builder with the message (409), never a 500.
    seat = Seat.objects.filter(row_label="A").first()
    claim(seat)
    response = organizer_client.post(
        reverse("organizer:seat_selection", args=[event.pk]),
        {"sel-action": "delete", "sel-seat_ids": str(seat.pk)},
        **htmx,
    )
    assert response.status_code == 409
    assert "can&#x27;t be deleted" in response.content.decode()
    # Without htmx: a redirect back to the page.
    response = organizer_client.post(
        add,
        {
            "add-name": "Back",
            "add-rows": "1",
            "add-seats_per_row": "2",
            "add-ticket_type": regular.pk,
        },
    )
    assert response.status_code == 302


def test_builder_validation_error_is_400(organizer_client, seated):
    event, regular, _ = seated
    response = organizer_client.post(
        reverse("organizer:seat_section_add", args=[event.pk]),
        {
            "add-name": "Huge",
            "add-rows": "0",
            "add-seats_per_row": "3",
            "add-ticket_type": regular.pk,
        },
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 400
