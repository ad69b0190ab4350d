"""The waiting room of an on-sale: a fair order, a pass nobody can forge, copy or stretch,
one place per account, and a queue whose loss never lets anyone oversell."""

import re
import time
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts import roles
from tests.factories import EventFactory, TicketTypeFactory, UserFactory
from tickets import inventory
from tickets.inventory import gate, waiting_room
from tickets.models import Hold, WaitingRoom

pytestmark = [pytest.mark.needs_services, pytest.mark.django_db]


def on_sale(capacity=100, per_minute=6000, opens_in=None):
    event = EventFactory()
    start = timezone.now() + opens_in if opens_in else None
    regular = TicketTypeFactory(event=event, name="Regular", capacity=capacity, sales_start=start)
    WaitingRoom.objects.create(event=event, enabled=True, admissions_per_minute=per_minute)
    return event, regular


def room(event):
    return waiting_room.room(event.slug)


def queue_order(event):
    return [int(m) for m in gate.client().zrange(f"wr:{event.pk}:queue", 0, -1)]


def buyer_client(user=None):
    client = Client()
    client.force_login(user or UserFactory())
    return client


def test_arrivals_before_the_opening_are_drawn_at_random_and_later_ones_queue_in_order():
    early = [UserFactory().pk for _ in range(20)]
    late = [UserFactory().pk for _ in range(5)]
    event, regular = on_sale(per_minute=1, opens_in=timedelta(seconds=3))
    for account in early:
        place = waiting_room.join(room(event), account_id=account, session_key=f"s{account}")
        assert place.state == "draw"
    assert place.in_draw == 20
    time.sleep(max((regular.sales_start - timezone.now()).total_seconds(), 0) + 0.1)
    for account in late:
        place = waiting_room.join(room(event), account_id=account, session_key="x")
        assert place.state in ("queued", "admitted")
    order = queue_order(event)
    admitted = [int(a) for a in gate.client().hkeys(f"wr:{event.pk}:admitted")]
    everyone = admitted + order
    assert sorted(everyone[:20]) == sorted(early)
    assert everyone[:20] != early  # drawn, not in arrival order (1 chance in 20! otherwise)
    assert everyone[20:] == late  # first come, first served after the opening


def test_later_arrivals_queue_by_when_their_request_reached_the_site():
    """Two requests a millisecond apart may get through the session and the middleware in
    either order; the queue follows when each reached the site (stamped first thing)."""
    event, _regular = on_sale(per_minute=1)
    reached = time.time()
    for account, offset in ((2, 0.002), (1, 0.001), (3, 0.003)):  # 2 got through first
        waiting_room.join(
            room(event), account_id=account, session_key="s", arrived_at=reached + offset
        )
    assert queue_order(event) == [1, 2, 3]

    client = buyer_client()
    before = time.time()
    assert client.get(reverse("tickets:queue", args=[event.slug])).status_code == 200
    score = gate.client().zscore(f"wr:{event.pk}:queue", client.session["_auth_user_id"])
    assert before <= score / 1_000_000 <= time.time()  # the page's own stamp


def test_before_the_opening_the_queue_page_tells_of_the_draw_not_a_sell_out():
    event, _regular = on_sale(opens_in=timedelta(minutes=5))
    page = buyer_client().get(reverse("tickets:queue", args=[event.slug])).content.decode()
    assert "random draw" in page and "Sold out" not in page


def test_buyers_are_admitted_from_the_front_at_the_sales_rate(settings):
    settings.HOLD_SECONDS = 60  # 1,000 left: the stock would allow 1,250 a minute
    event, _regular = on_sale(capacity=1000, per_minute=600)  # the server: ten a second
    accounts = [UserFactory().pk for _ in range(30)]
    started = time.monotonic()
    for account in accounts:
        waiting_room.join(room(event), account_id=account, session_key=f"s{account}")
    time.sleep(1.05)
    places = {
        a: waiting_room.join(room(event), account_id=a, session_key=f"s{a}") for a in accounts
    }
    elapsed = time.monotonic() - started
    admitted = [a for a in accounts if places[a].state == "admitted"]
    assert 10 <= len(admitted) <= elapsed * 10 + 1
    assert admitted == accounts[: len(admitted)]  # in arrival order
    last = places[accounts[-1]]
    assert last.state == "queued" and last.ahead < 30 - len(admitted)
    assert last.wait_minutes == 1


def test_a_buyer_at_the_front_who_asks_last_is_not_overtaken(settings):
    settings.HOLD_SECONDS = 60
    event, _regular = on_sale(capacity=1000, per_minute=600)  # ten a second
    accounts = [UserFactory().pk for _ in range(20)]
    for account in accounts:
        waiting_room.join(room(event), account_id=account, session_key=f"s{account}")
    time.sleep(0.35)
    # The back of the queue asks first: the turns still go to the front, kept until asked.
    places = {
        a: waiting_room.join(room(event), account_id=a, session_key=f"s{a}")
        for a in reversed(accounts)
    }
    admitted = [a for a in accounts if places[a].state == "admitted"]
    assert len(admitted) >= 3
    assert admitted == accounts[: len(admitted)]


def test_buyers_are_let_in_at_what_the_server_sustains_while_any_ticket_is_left():
    event, _regular = on_sale(per_minute=300)
    assert waiting_room.admissions_per_minute(room(event), left=1000) == 300
    # The last tickets go as fast as the first: a rate shrinking with the stock left the last
    # few unsold for minutes while thousands waited.
    assert waiting_room.admissions_per_minute(room(event), left=1) == 300
    assert waiting_room.admissions_per_minute(room(event), left=0) == 0  # all held: wait


class Clock:
    """The waiting room's clock (milliseconds), moved by hand: the queue's Redis keys and
    script are real, only the time they are told is chosen."""

    def __init__(self, ms):
        self.ms = ms

    def __call__(self):
        return self.ms


def test_the_openings_crowd_is_queued_before_anyone_is_let_in(monkeypatch):
    """While the queue has more visits in a second than the sale lets in buyers a minute,
    nobody is let in (every server is busy answering the crowd); then the front goes first,
    at the rate, with nothing banked from the pause. After the opening minute a crowd holds
    nothing up."""
    event, regular = on_sale(capacity=1000, per_minute=60, opens_in=timedelta(minutes=5))
    opening = int(regular.sales_start.timestamp() * 1000)
    clock = Clock((opening // 1000 + 3) * 1000 + 100)  # early in a second, past the first two
    monkeypatch.setattr(waiting_room, "_now_ms", clock)
    crowd = list(range(1, 151))  # 150 visits in a second: a rush at 60 a minute

    def visit(account):
        return waiting_room.join(room(event), account_id=account, session_key=f"s{account}")

    def arrive(account):
        clock.ms += 1  # a millisecond apart, in their order
        return visit(account)

    assert all(arrive(a).state == "queued" for a in crowd)
    clock.ms += 1500  # a turn and a half at one a second
    assert visit(1).state == "queued"  # the crowd is still arriving
    clock.ms += 2000  # two quiet seconds: the rush is over
    assert visit(1).state == "admitted"
    assert visit(3).state == "queued" and visit(3).ahead == 0  # two turns since the pause
    assert visit(2).state == "admitted"

    later, _ = on_sale(capacity=1000, per_minute=60, opens_in=timedelta(minutes=5))
    clock.ms = (int(later.ticket_types.get().sales_start.timestamp()) + 3) * 1000 + 100
    monkeypatch.setattr(waiting_room, "RUSH_SECONDS", 0)  # as if the opening minute had passed
    event = later
    assert all(arrive(a).state == "queued" for a in crowd)
    clock.ms += 1500
    assert visit(1).state == "admitted"


def test_nobody_is_let_in_in_the_first_two_seconds_after_the_opening(monkeypatch):
    """A rush is judged over two seconds of visits, so the first two admit nobody: the first
    to look would otherwise be let in ahead of a crowd not yet counted."""
    event, regular = on_sale(capacity=1000, per_minute=600, opens_in=timedelta(minutes=5))
    clock = Clock(int(regular.sales_start.timestamp() * 1000) + 100)
    monkeypatch.setattr(waiting_room, "_now_ms", clock)
    assert waiting_room.join(room(event), account_id=1, session_key="s").state == "queued"
    clock.ms += 1800
    assert waiting_room.join(room(event), account_id=1, session_key="s").state == "queued"
    clock.ms += 500
    assert waiting_room.join(room(event), account_id=1, session_key="s").state == "admitted"


def let_in(event, account):
    """The admission step (at the sale's rate in real life: see the test above)."""
    gate.client().zrem(f"wr:{event.pk}:queue", account)
    gate.client().hset(f"wr:{event.pk}:admitted", account, "")


def admitted_client(event, user=None):
    client = buyer_client(user)
    queue_url = reverse("tickets:queue", args=[event.slug])
    assert client.get(queue_url).status_code == 200  # in the queue
    let_in(event, client.session["_auth_user_id"])
    response = client.get(queue_url)
    assert response.status_code == 302
    return client, response


def test_an_admitted_buyer_chooses_and_holds_with_a_pass_bound_to_their_session():
    event, regular = on_sale()
    hold_url = reverse("tickets:hold", args=[event.slug])
    waiting = buyer_client()
    assert waiting.get(hold_url).url == reverse("tickets:queue", args=[event.slug])
    assert waiting.post(hold_url, {f"qty_{regular.pk}": 1}).status_code == 302
    assert not Hold.objects.exists()  # sent to the queue, nothing held

    client, response = admitted_client(event)
    assert response.url == hold_url
    assert client.get(hold_url).status_code == 200
    assert client.post(hold_url, {f"qty_{regular.pk}": 2}).url.startswith("/checkout")
    assert Hold.objects.get().quantity == 2

    # The pass copied into another browser (another session) admits nobody, whoever it is.
    cookie = waiting_room.PASS_COOKIE.format(event.pk)
    thief = buyer_client()
    thief.cookies[cookie] = client.cookies[cookie].value
    assert thief.get(hold_url).status_code == 302
    assert thief.post(hold_url, {f"qty_{regular.pk}": 1}).status_code == 302
    assert Hold.objects.count() == 1


def test_a_forged_or_expired_pass_admits_nobody(settings):
    settings.WAITING_ROOM_PASS_SECONDS = 1
    event, regular = on_sale()
    hold_url = reverse("tickets:hold", args=[event.slug])
    client, _ = admitted_client(event)
    cookie = waiting_room.PASS_COOKIE.format(event.pk)
    genuine = client.cookies[cookie].value
    client.cookies[cookie] = genuine[:-3] + ("aaa" if genuine[-3:] != "aaa" else "bbb")
    assert client.get(hold_url).status_code == 302  # forged: back to the queue
    client.cookies[cookie] = genuine
    time.sleep(2.1)
    assert client.post(hold_url, {f"qty_{regular.pk}": 1}).status_code == 302
    assert not Hold.objects.exists()  # expired: nothing held


def test_tabs_reloads_and_other_sessions_of_one_account_share_one_place():
    event, _regular = on_sale(per_minute=1)
    queue_url = reverse("tickets:queue", args=[event.slug])
    for _ in range(3):
        buyer_client().get(queue_url)  # three people ahead
    user = UserFactory()
    sessions = [buyer_client(user) for _ in range(3)]
    pages = [s.get(queue_url).content.decode() for s in sessions for _ in range(3)]
    assert all("Number 4</strong> in line" in p and "3 people ahead" in p for p in pages)
    assert queue_order(event).count(user.pk) == 1

    # Let the account in: the first of its sessions to ask gets the pass, the others are told.
    let_in(event, user.pk)
    assert sessions[1].get(queue_url).status_code == 302
    other = sessions[2].get(queue_url)
    assert other.status_code == 200 and "in another window" in other.content.decode()


def buy_everything(event, ticket_type, captured):
    """Other buyers hold what is left, then pay (the inventory services, as checkout does)."""
    holds = [
        inventory.hold_tickets(buyer=UserFactory(), event=event, quantities={ticket_type.pk: 1})
        for _ in range(ticket_type.capacity)
    ]
    with captured(execute=True):
        for hold in holds:
            inventory.sell_hold(hold=hold)


def test_when_stock_is_gone_everyone_waiting_is_told_and_offered_the_waitlist(
    django_capture_on_commit_callbacks,
):
    event, regular = on_sale(capacity=3, per_minute=1)
    waiting = [buyer_client() for _ in range(3)]
    queue_url = reverse("tickets:queue", args=[event.slug])
    for client in waiting:
        assert "in line" in client.get(queue_url).content.decode()
    buy_everything(event, regular, django_capture_on_commit_callbacks)
    for client in waiting:
        page = client.get(queue_url, HTTP_HX_REQUEST="true").content.decode()
        assert "Sold out" in page and "/waitlist?event=" in page and "hx-trigger" not in page


def test_redis_flushed_mid_queue_admits_nobody_twice_and_never_oversells(
    django_capture_on_commit_callbacks,
):
    event, regular = on_sale(capacity=3, per_minute=1)
    hold_url = reverse("tickets:hold", args=[event.slug])
    queue_url = reverse("tickets:queue", args=[event.slug])
    admitted = [admitted_client(event)[0] for _ in range(3)]
    waiting = buyer_client()
    assert "Number 1</strong> in line" in waiting.get(queue_url).content.decode()
    gate.client().flushdb()
    # Those let in keep their pass (it is in their browser, signed); the others join again.
    for client in admitted:
        assert client.post(hold_url, {f"qty_{regular.pk}": 1}).url.startswith("/checkout")
    assert waiting.get(hold_url).status_code == 302
    # Everything is held, not sold: the buyer waits (a hold may lapse), nobody is let in.
    page = waiting.get(queue_url, HTTP_HX_REQUEST="true").content.decode()
    assert "Number 1</strong> in line" in page
    assert gate.client().hlen(f"wr:{event.pk}:admitted") == 0  # nobody let in again
    regular.refresh_from_db()
    assert regular.held == 3
    with django_capture_on_commit_callbacks(execute=True):
        for hold in Hold.objects.all():
            inventory.sell_hold(hold=hold)
    page = waiting.get(queue_url, HTTP_HX_REQUEST="true").content.decode()
    assert "Sold out" in page and "/waitlist?event=" in page


def test_a_queue_poll_reads_no_database_row_and_is_right_after_a_redis_flush(
    django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    event, regular = on_sale(capacity=2, per_minute=1)
    queue_url = reverse("tickets:queue", args=[event.slug])
    ahead, me = buyer_client(), buyer_client()
    for client in (ahead, me):
        assert client.get(queue_url).status_code == 200  # joins: the whole page

    def poll(client):
        return client.get(queue_url, HTTP_HX_REQUEST="true")

    with django_assert_max_num_queries(0):
        page = poll(me).content.decode()
    assert "Number 2</strong> in line" in page and "1 person ahead" in page

    gate.client().flushdb()  # the queue, the room's snapshot, the counters, cached sessions
    assert "Number 1</strong> in line" in poll(me).content.decode()  # rebuilt, joined again
    assert "Number 2</strong> in line" in poll(ahead).content.decode()
    with django_assert_max_num_queries(0):
        assert "Number 1</strong> in line" in poll(me).content.decode()

    let_in(event, me.session["_auth_user_id"])
    with django_assert_max_num_queries(0):
        admitted = poll(me)
    hold_url = reverse("tickets:hold", args=[event.slug])
    assert admitted["HX-Redirect"] == hold_url  # htmx follows it to the selector
    assert me.get(hold_url).status_code == 200  # the pass opens the selector

    buy_everything(event, regular, django_capture_on_commit_callbacks)
    assert "Sold out" in poll(ahead).content.decode()
    with django_assert_max_num_queries(0):
        assert "Sold out" in poll(ahead).content.decode()


def test_the_queue_page_is_drawn_once_per_event_version_with_only_the_place_personal(
    django_assert_max_num_queries,
):
    event, _regular = on_sale(per_minute=1)
    queue_url = reverse("tickets:queue", args=[event.slug])
    first, second = buyer_client(), buyer_client()
    session = second.session  # as signing in leaves it (force_login sets no role)
    session[roles.SESSION_KEY] = roles.BUYER
    session[roles.DEADLINE_KEY] = (timezone.now() + roles.session_age(roles.BUYER)).timestamp()
    session.save()
    assert "Number 1</strong> in line" in first.get(queue_url).content.decode()
    with django_assert_max_num_queries(0):  # an arrival: no user row, no page drawn again
        page = second.get(queue_url).content.decode()
    assert "Number 2</strong> in line" in page and "1 person ahead" in page
    assert event.title in page
    # Without JavaScript it reloads itself when the page says; with htmx it polls as often.
    refresh = re.search(r'<noscript><meta http-equiv="refresh" content="(\d+)"></noscript>', page)
    assert refresh and f'hx-trigger="every {refresh[1]}s"' in page
    # Nothing of anyone's account in the shared part (no menu, no token to post with).
    assert "Sign out" not in page and "csrf" not in page.lower()
    assert "Number 1</strong> in line" in first.get(queue_url).content.decode()

    event.title = "The Headies, moved to Eko Hotel"
    event.save()
    assert "moved to Eko Hotel" in second.get(queue_url).content.decode()


def test_far_back_buyers_are_asked_to_poll_less_often(settings):
    settings.WAITING_ROOM_POLL_SECONDS = 2
    place = waiting_room.Place("queued", ahead=6000, per_minute=600)  # ten minutes away
    assert place.poll_seconds == waiting_room.MAX_POLL_SECONDS
    assert waiting_room.Place("queued", ahead=200, per_minute=600).poll_seconds == 10
    assert waiting_room.Place("queued", ahead=3, per_minute=600).poll_seconds == 2


def test_a_rush_switches_the_waiting_room_on_by_itself():
    event = EventFactory()
    regular = TicketTypeFactory(event=event, capacity=100)
    WaitingRoom.objects.create(event=event, enabled=False, admissions_per_minute=2)
    hold_url = reverse("tickets:hold", args=[event.slug])
    buyers = [buyer_client() for _ in range(8)]
    assert not waiting_room.is_on(room(event))
    answers = [b.post(hold_url, {f"qty_{regular.pk}": 1}).url for b in buyers]
    assert answers[0].startswith("/checkout")
    # More arrivals in a second than the sale admits in a minute: the rest queue.
    assert answers[-1] == reverse("tickets:queue", args=[event.slug])
    assert waiting_room.is_on(room(event))


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_queue_page_on_a_phone_turns_into_the_selector_when_admitted(
    page_factory, live_server, screenshot, settings
):
    from tests.conftest import PHONE

    settings.WAITING_ROOM_POLL_SECONDS = 1
    # Eight a minute: one ahead is 7.5 s away, so the page asks every 3 s (about half of it).
    event, _regular = on_sale(per_minute=8)
    queue_url = reverse("tickets:queue", args=[event.slug])
    buyer_client().get(queue_url)  # somebody is ahead
    client = buyer_client()
    page = page_factory(PHONE)
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
    page.goto(live_server.url + queue_url)
    page.get_by_text("1 person ahead of you").wait_for()
    screenshot(page, "waiting-room-phone-queued")
    for account in queue_order(event):  # the one ahead is let in, then this buyer
        let_in(event, account)
    page.wait_for_url(f"**{reverse('tickets:hold', args=[event.slug])}", timeout=8000)
    page.get_by_role("button", name="Reserve tickets").wait_for()
    screenshot(page, "waiting-room-phone-admitted")
