"""/api/v1/organizer for each team role and token scope: what each may read and change, that
another organizer's ids are 404, and that writes go through the same rules as the pages."""

import pytest
from django.utils import timezone

from events.models import Event, TicketType
from orders.models import PromoCode
from organizer.models import ApiToken
from tests.api.conftest import bearer
from tickets.models import CheckIn

pytestmark = pytest.mark.django_db


def test_a_token_lists_its_organizers_events_with_stock(team, token_for, catalogue):
    api = bearer(token_for(team["owner"]))
    body = api.get("/api/v1/organizer/events").json()
    titles = {e["title"] for e in body["results"]}
    assert titles == {"Burna Live in Lagos", "Wedding Party the Play"}
    concert = next(e for e in body["results"] if e["title"] == "Burna Live in Lagos")
    regular = next(t for t in concert["ticket_types"] if t["name"] == "Regular")
    assert (regular["sold"], regular["available"], regular["price_kobo"]) == (2, 48, 1_500_000)


def test_another_organizers_event_and_order_are_404(team, token_for, catalogue):
    from tests.factories import TicketTypeFactory, paid_order_with_tickets

    api = bearer(token_for(team["owner"], scope="write"))
    rival_event = team["rival_event"]
    rival_order, _ = paid_order_with_tickets(ticket_type=TicketTypeFactory(event=rival_event))
    assert api.get(f"/api/v1/organizer/events/{rival_event.pk}").status_code == 404
    assert api.get(f"/api/v1/organizer/events/{rival_event.pk}/orders").status_code == 404
    assert api.get(f"/api/v1/organizer/orders/{rival_order.reference}").status_code == 404
    refund = api.post(
        f"/api/v1/organizer/orders/{rival_order.reference}/refunds", {}, format="json"
    )
    assert refund.status_code == 404
    patch = api.patch(
        f"/api/v1/organizer/events/{rival_event.pk}", {"title": "Mine now"}, format="json"
    )
    assert patch.status_code == 404
    assert Event.objects.get(pk=rival_event.pk).title == "Rival Night"


def test_a_read_token_cannot_write(team, token_for, catalogue):
    api = bearer(token_for(team["owner"], scope="read"))
    concert = catalogue["concert"]
    response = api.patch(f"/api/v1/organizer/events/{concert.pk}", {"title": "X"}, format="json")
    assert response.status_code == 403
    assert response.json()["detail" if "detail" in response.json() else "title"]
    assert Event.objects.get(pk=concert.pk).title == "Burna Live in Lagos"


def test_a_write_token_creates_an_event_and_a_ticket_type_through_the_forms_rules(
    team, token_for, catalogue
):
    api = bearer(token_for(team["manager"], scope="write"))
    starts = (timezone.now() + timezone.timedelta(days=30)).replace(second=0, microsecond=0)
    payload = {
        "title": "Comedy Jam",
        "description": "Laughs all night.",
        "category": catalogue["concert"].category.slug,
        "starts_at": starts.isoformat(),
        "ends_at": (starts + timezone.timedelta(hours=3)).isoformat(),
        "new_venue_name": "Terra Kulture",
        "new_venue_address": "1376 Tiamiyu Savage St",
        "new_venue_city": "Lagos",
    }
    created = api.post("/api/v1/organizer/events", payload, format="json")
    assert created.status_code == 201, created.json()["errors"]
    event = Event.objects.get(pk=created.json()["id"])
    assert event.status == Event.Status.DRAFT and event.organizer == team["organizer"]
    assert event.starts_at == starts

    bad = api.post(
        "/api/v1/organizer/events",
        {**payload, "ends_at": (starts - timezone.timedelta(hours=1)).isoformat()},
        format="json",
    )
    assert bad.status_code == 400 and "ends_at" in bad.json()["errors"]

    added = api.post(
        f"/api/v1/organizer/events/{event.pk}/ticket-types",
        {"name": "Early bird", "price_kobo": 750_000, "capacity": 100},
        format="json",
    )
    assert added.status_code == 201, added.json()
    tt = TicketType.objects.get(pk=added.json()["id"])
    assert (tt.price_kobo, tt.capacity) == (750_000, 100)

    renamed = api.patch(
        f"/api/v1/organizer/events/{event.pk}/ticket-types/{tt.pk}",
        {"capacity": 120},
        format="json",
    )
    assert renamed.status_code == 200
    tt.refresh_from_db()
    assert (tt.name, tt.capacity, tt.price_kobo) == ("Early bird", 120, 750_000)


def test_capacity_below_what_is_sold_is_refused_with_the_services_message(
    team, token_for, catalogue
):
    api = bearer(token_for(team["owner"], scope="write"))
    concert, regular = catalogue["concert"], catalogue["regular"]
    response = api.patch(
        f"/api/v1/organizer/events/{concert.pk}/ticket-types/{regular.pk}",
        {"capacity": 1},
        format="json",
    )
    assert response.status_code in (400, 409)
    regular.refresh_from_db()
    assert regular.capacity == 50


def test_orders_are_filtered_and_paged_by_cursor(team, token_for, catalogue):
    from tests.factories import paid_order_with_tickets

    for _ in range(3):
        paid_order_with_tickets(ticket_type=catalogue["regular"])
    api = bearer(token_for(team["manager"]))
    url = f"/api/v1/organizer/events/{catalogue['concert'].pk}/orders"
    first = api.get(url, {"page_size": 2}).json()
    assert len(first["results"]) == 2 and first["next"]
    second = api.get(first["next"]).json()
    assert len(second["results"]) == 2 and not second["next"]
    found = api.get(url, {"q": catalogue["order"].reference}).json()["results"]
    assert [o["reference"] for o in found] == [catalogue["order"].reference]
    assert api.get(url, {"status": "nonsense"}).status_code == 400


def test_door_staff_check_in_by_batch_but_cannot_read_orders_or_other_events(
    team, token_for, catalogue
):
    api = bearer(token_for(team["door"], scope="write"))
    concert, theatre = catalogue["concert"], catalogue["theatre"]
    assert api.get(f"/api/v1/organizer/events/{concert.pk}/orders").status_code == 403
    assert api.get("/api/v1/organizer/promo-codes").status_code == 403
    assert api.get(f"/api/v1/organizer/events/{theatre.pk}/check-in/guest-list").status_code == 404

    guest_list = api.get(f"/api/v1/organizer/events/{concert.pk}/check-in/guest-list").json()
    assert {t["id"] for t in guest_list["tickets"]} == {t.pk for t in catalogue["tickets"]}
    assert "secret" not in str(guest_list["tickets"][0].keys())

    first, second = catalogue["tickets"]
    early = timezone.now() - timezone.timedelta(minutes=5)
    report = api.post(
        f"/api/v1/organizer/events/{concert.pk}/check-in/admissions",
        {
            "device": "Gate 2",
            "admissions": [{"ticket_id": first.pk, "checked_in_at": early.isoformat()}],
        },
        format="json",
    ).json()
    assert [a["ticket_id"] for a in report["applied"]] == [first.pk]
    check_in = CheckIn.objects.get(ticket=first)
    assert (check_in.device, check_in.checked_in_by) == ("Gate 2", team["door"])

    # A second device that admitted the same ticket later is told, and the first stands.
    later = api.post(
        f"/api/v1/organizer/events/{concert.pk}/check-in/admissions",
        {
            "device": "Gate 5",
            "admissions": [
                {"ticket_id": first.pk, "checked_in_at": timezone.now().isoformat()},
                {"ticket_id": team["rival_event"].pk * 1000, "checked_in_at": early.isoformat()},
            ],
        },
        format="json",
    ).json()
    assert [c["ticket_id"] for c in later["conflicts"]] == [first.pk]
    assert CheckIn.objects.get(ticket=first).device == "Gate 2"
    assert len(later["rejected"]) == 1
    assert not CheckIn.objects.filter(ticket=second).exists()


def test_a_token_limited_to_one_event_cannot_reach_the_others(team, token_for, catalogue):
    api = bearer(token_for(team["owner"], events=[catalogue["concert"]]))
    listed = api.get("/api/v1/organizer/events").json()["results"]
    assert [e["title"] for e in listed] == ["Burna Live in Lagos"]
    assert api.get(f"/api/v1/organizer/events/{catalogue['theatre'].pk}").status_code == 404


def test_a_revoked_token_or_one_of_a_member_who_left_is_refused(team, token_for, catalogue):
    from accounts.models import TeamMember
    from organizer import services

    secret = token_for(team["manager"])
    assert bearer(secret).get("/api/v1/organizer/events").status_code == 200
    TeamMember.objects.filter(user=team["manager"]).delete()
    assert bearer(secret).get("/api/v1/organizer/events").status_code == 403

    owner_secret = token_for(team["owner"])
    services.revoke_api_token(token=ApiToken.objects.get(user=team["owner"]))
    response = bearer(owner_secret).get("/api/v1/organizer/events")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert bearer("gt_forged").get("/api/v1/organizer/events").status_code == 401


def test_tokens_are_stored_hashed_and_record_their_last_use(team, token_for, catalogue):
    secret = token_for(team["owner"])
    token = ApiToken.objects.get(user=team["owner"])
    assert secret not in (token.digest, token.hint) and token.last_used_at is None
    bearer(secret).get("/api/v1/organizer/events")
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_a_promo_code_is_created_with_the_forms_rules(team, token_for, catalogue):
    api = bearer(token_for(team["manager"], scope="write"))
    created = api.post(
        "/api/v1/organizer/promo-codes",
        {"code": "NAIJA20", "kind": "percent", "value": "20"},
        format="json",
    )
    assert created.status_code == 201, created.json()["errors"]
    promo = PromoCode.objects.get(code="NAIJA20")
    assert promo.organizer == team["organizer"] and promo.value == 2_000
    again = api.post(
        "/api/v1/organizer/promo-codes",
        {"code": "NAIJA20", "kind": "percent", "value": "20"},
        format="json",
    )
    assert again.status_code == 400


def test_a_refund_through_the_api_reaches_paystack_once_with_the_amount_paid(
    team, token_for, catalogue, paystack_standin
):
    api = bearer(token_for(team["manager"], scope="write"))
    order = catalogue["order"]
    item = order.items.first()
    response = api.post(
        f"/api/v1/organizer/orders/{order.reference}/refunds",
        {"item_ids": [item.pk], "reason": "Could not attend"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["amount_kobo"] == item.unit_price_kobo
    assert len(paystack_standin.refunds) == 1


def test_a_fixed_discount_too_large_for_its_column_is_a_400_not_a_500(team, token_for, catalogue):
    api = bearer(token_for(team["manager"], scope="write"))
    response = api.post(
        "/api/v1/organizer/promo-codes",
        {"code": "HUGE", "kind": "fixed", "value": "8832210290.66"},
        format="json",
    )
    assert response.status_code == 400
    assert "value_input" in response.json()["errors"]
    assert not PromoCode.objects.filter(code="HUGE").exists()


def test_an_organizer_token_does_not_open_its_members_own_tickets_and_orders(
    team, token_for, catalogue
):
    from tests.factories import paid_order_with_tickets

    paid_order_with_tickets(ticket_type=catalogue["regular"], buyer=team["door"])
    api = bearer(token_for(team["door"]))
    for path in ("/api/v1/me/tickets", "/api/v1/me/orders"):
        assert api.get(path).status_code in (401, 403)


def test_a_token_limited_to_some_events_cannot_touch_promo_codes(team, token_for, catalogue):
    api = bearer(token_for(team["owner"], scope="write", events=[catalogue["concert"]]))
    assert api.get("/api/v1/organizer/promo-codes").status_code == 403
    created = api.post(
        "/api/v1/organizer/promo-codes",
        {"code": "SNEAKY", "kind": "percent", "value": "50"},
        format="json",
    )
    assert created.status_code == 403
    assert not PromoCode.objects.filter(code="SNEAKY").exists()


def test_orders_and_attendees_name_a_seat_as_buyers_see_it(team, token_for, catalogue):
    from tests.factories import SeatFactory, paid_order_with_tickets

    concert, regular = catalogue["concert"], catalogue["regular"]
    seat = SeatFactory(
        section__event=concert,
        section__name="Balcony",
        row_label="A",
        number="4",
        ticket_type=regular,
    )
    order, tickets = paid_order_with_tickets(ticket_type=regular, quantity=1)
    order.items.update(seat=seat)
    tickets[0].seat = seat
    tickets[0].save()
    api = bearer(token_for(team["manager"]))
    detail = api.get(f"/api/v1/organizer/orders/{order.reference}").json()
    assert [i["seat_place"] for i in detail["items"]] == ["Balcony · Row A · Seat 4"]
    attendees = api.get(f"/api/v1/organizer/events/{concert.pk}/attendees").json()["results"]
    places = {a["id"]: a["seat_place"] for a in attendees}
    assert places[tickets[0].pk] == "Balcony · Row A · Seat 4"
