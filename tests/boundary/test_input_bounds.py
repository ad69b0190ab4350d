"""Input is validated at the boundary: control characters, numbers, dates and query strings
answer a 4xx with a message and write nothing (issue 17 item 1). tests/fuzz walks every
route; these are the reported cases, readable."""

import importlib
import json

import pytest
from django.db import connection
from django.urls import reverse

from events.models import Event, TicketType
from tests.events.conftest import event_form_data, sign_in_as_organizer, ticket_form_data
from tests.factories import (
    CategoryFactory,
    EventFactory,
    OrganizerFactory,
    TicketTypeFactory,
    UserFactory,
    VenueFactory,
    paid_order_with_tickets,
)
from tickets.models import Hold

pytestmark = [pytest.mark.django_db, pytest.mark.needs_services]


@pytest.fixture
def organizer():
    return OrganizerFactory()


@pytest.fixture
def organizer_client(client, organizer):
    return sign_in_as_organizer(client, organizer)


@pytest.fixture
def event(organizer):
    return EventFactory(organizer=organizer)


@pytest.fixture
def buyer_client(client):
    client.force_login(UserFactory())
    return client


# --- NUL and control characters, everywhere -------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/orders/a%00b",
        "/dashboard/orders/a%00b/tickets",
        "/transfers/a%00b",
        "/checkout/success?reference=a%00b",
        "/waitlist?event=a%00b",
        "/events?q=x%1fy",
    ],
)
def test_nul_and_control_characters_in_paths_and_query_strings_answer_400(buyer_client, url):
    response = buyer_client.get(url)

    assert response.status_code == 400
    assert "control characters" in response.content.decode()


def test_nul_in_organizer_search_and_form_fields_answers_400_and_writes_nothing(
    organizer_client, event
):
    search = organizer_client.get(f"/organizer/events/{event.pk}/orders?q=a%00b")
    form = organizer_client.post(
        f"/organizer/events/{event.pk}/tickets/add", ticket_form_data(name="VIP\x00")
    )

    assert search.status_code == form.status_code == 400
    assert not TicketType.objects.filter(event=event).exists()


def test_line_breaks_in_a_description_are_still_accepted(organizer_client, event):
    response = organizer_client.post(
        f"/organizer/events/{event.pk}/tickets/add",
        ticket_form_data(description="Front rows.\r\nFree drink."),
    )

    assert response.status_code == 302
    assert TicketType.objects.get(event=event).description == "Front rows.\r\nFree drink."


@pytest.mark.parametrize("body", [[], "x", None, 1.5, {"device": "Gate\u0000A"}])
def test_check_in_scan_answers_400_to_json_that_is_not_an_object_or_carries_nul(
    organizer_client, event, body
):
    url = reverse("organizer:check_in_scan", args=[event.pk])

    response = organizer_client.post(url, json.dumps(body), content_type="application/json")

    assert response.status_code == 400
    assert response.json()["error"]


# --- numbers ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("capacity", str(2**63), "At most 1,000,000."),
        ("capacity", "9" * 10_000, "Enter a whole number"),
        ("price_kobo", str(2**63), "Ensure"),
        ("price_kobo", "100000000.01", "At most ₦100,000,000.00."),
        ("min_per_order", str(2**63), "At most 100."),
        ("max_per_order", "40000", "At most 100."),
    ],
)
def test_ticket_type_numbers_out_of_range_are_refused_with_a_message(
    organizer_client, event, field, value, message
):
    response = organizer_client.post(
        f"/organizer/events/{event.pk}/tickets/add", ticket_form_data(**{field: value})
    )

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not TicketType.objects.filter(event=event).exists()


def test_editing_a_ticket_type_validates_the_same_ranges(organizer_client, event):
    tt = TicketTypeFactory(event=event, capacity=10)

    response = organizer_client.post(
        f"/organizer/events/{event.pk}/tickets/{tt.pk}", ticket_form_data(capacity=str(2**40))
    )

    assert response.status_code == 400
    tt.refresh_from_db()
    assert tt.capacity == 10


def test_checkout_with_a_hold_that_is_not_a_number_answers_400(buyer_client):
    buyer = buyer_client.session["_auth_user_id"]
    UserFactory._meta.model.objects.filter(pk=buyer).update(
        full_name="Ada Obi", phone="+2348031112222"
    )

    response = buyer_client.get("/checkout?hold=abc")

    assert response.status_code == 400
    assert "“hold” must be a number" in response.content.decode()


@pytest.mark.parametrize("query", ["", "?event=", "?event=ok&ticket_type=abc"])
def test_waitlist_without_a_valid_event_answers_400(buyer_client, query):
    response = buyer_client.get(f"/waitlist{query}")

    assert response.status_code == 400


@pytest.mark.parametrize(
    "body",
    [
        lambda tt: {f"qty_{tt.pk}": "9" * 10_000},
        lambda tt: {f"qty_{'9' * 10_000}": "1"},
        lambda tt: {"seat": "9" * 10_000},
        lambda tt: {"seat": str(2**70)},
    ],
)
def test_selector_quantities_and_seat_ids_as_huge_digit_strings_answer_400(buyer_client, body):
    tt = TicketTypeFactory(capacity=10)

    response = buyer_client.post(reverse("tickets:hold", args=[tt.event.slug]), body(tt))

    assert response.status_code == 400
    assert not Hold.objects.exists()


# --- dates ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "override",
    [
        {"starts_at": "0001-01-01T00:00"},
        {"ends_at": "9999-12-31T23:59"},
    ],
)
def test_event_dates_out_of_range_are_refused_with_a_message(organizer_client, override):
    data = event_form_data(CategoryFactory(), VenueFactory(), **override)

    response = organizer_client.post(reverse("organizer:event_create"), data)

    assert response.status_code == 400
    assert "Choose a date between 2000 and 2099." in response.content.decode()
    assert not Event.objects.exists()


@pytest.mark.parametrize("field", ["sales_start", "sales_end"])
def test_sales_windows_out_of_range_are_refused_with_a_message(organizer_client, event, field):
    response = organizer_client.post(
        f"/organizer/events/{event.pk}/tickets/add",
        ticket_form_data(**{field: "0001-01-01T00:00"}),
    )

    assert response.status_code == 400
    assert "Choose a date between 2000 and 2099." in response.content.decode()
    assert not TicketType.objects.filter(event=event).exists()


def test_catalogue_date_filters_out_of_range_do_not_fail(client):
    response = client.get("/events?date_from=0001-01-01&date_to=9999-12-31")

    assert response.status_code < 500


def test_year_1_dates_already_stored_are_repaired_and_the_organizer_pages_work_again(
    organizer_client, event
):
    tt = TicketTypeFactory(event=event)
    paid_order_with_tickets(ticket_type=tt)
    with connection.cursor() as cursor:  # what the unvalidated form used to store
        cursor.execute(
            "UPDATE events_event SET starts_at = '0001-01-01 00:00+01' WHERE id = %s", [event.pk]
        )
        cursor.execute(
            "UPDATE events_tickettype SET sales_start = '0001-01-01 00:00+01' WHERE id = %s",
            [tt.pk],
        )
    migration = importlib.import_module("events.migrations.0003_input_bounds")

    with connection.schema_editor() as editor:
        migration.repair_out_of_range_dates(None, editor)

    for url in ("/organizer/events", "/organizer/dashboard", f"/organizer/events/{event.pk}"):
        assert organizer_client.get(url).status_code == 200, url
    tt.refresh_from_db()
    assert tt.sales_start is None
