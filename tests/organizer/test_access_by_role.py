"""Walk every organizer URL in the URLconf: each role reaches only what it may, on its own
organizer's objects, and never another organizer's."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.models import Invitation, TeamMember, TeamRole
from events.models import SeatSection
from orders.models import WaitlistEntry
from organizer.models import ApiToken
from tests.factories import (
    EventFactory,
    OrganizerFactory,
    PromoCodeFactory,
    TicketTypeFactory,
    UserFactory,
    paid_order_with_tickets,
)
from tests.organizer.conftest import sign_in_as_organizer

pytestmark = pytest.mark.django_db

# What a role may open, stated here independently of the code: owners everything; managers
# all but the team and payout details (and the verified payout account); door staff only
# the check-in screens (scanning) and their own API tokens.
OWNER_ONLY = {"team", "team_revoke", "team_remove", "payout_details", "payout_account"}
DOOR_STAFF_MAY = {
    "check_in_home",
    "check_in",
    "check_in_scan",
    "check_in_manifest",
    "check_in_sync",
    "check_in_counts",
    "api_tokens",  # each member's own tokens, acting with their own role
    "api_token_revoke",
}
# The invitation link and the request for organizer access (for people not yet on a team),
# and the check-in service worker script (public, like any static file).
NOT_TEAM_PAGES = {"team_join", "organizer_signup", "check_in_service_worker"}


def organizer_urls():
    """(url name, route kwargs names) of every URL under /organizer/."""
    found = []

    def walk(patterns, prefix, namespace):
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = p.namespace or namespace
                walk(p.url_patterns, prefix + str(p.pattern), ns)
            elif isinstance(p, URLPattern) and p.name:
                route = prefix + str(p.pattern)
                if route.startswith("organizer/"):
                    found.append((f"{namespace}:{p.name}", list(p.pattern.converters)))

    walk(get_resolver().url_patterns, "", None)
    return sorted(set((n, tuple(k)) for n, k in found))


URLS = organizer_urls()


def objects_of(organizer):
    event = EventFactory(organizer=organizer, seating="reserved")
    tt = TicketTypeFactory(event=event, capacity=5)
    order, tickets = paid_order_with_tickets(ticket_type=tt)
    entry = WaitlistEntry.objects.create(
        event=event, ticket_type=tt, buyer=UserFactory(), email="w@example.ng"
    )
    member = TeamMember.objects.create(
        organizer=organizer, user=UserFactory(), role=TeamRole.MANAGER
    )
    invitation = Invitation.objects.create(
        organizer=organizer, email=f"inv{organizer.pk}@example.ng", role=TeamRole.MANAGER
    )
    section = SeatSection.objects.create(event=event, name="Stalls")
    token = ApiToken.objects.create(
        organizer=organizer, user=organizer.user, name="Door app", digest=f"d{organizer.pk}"
    )
    return {
        "event_id": event.pk,
        "ticket_type_id": tt.pk,
        "reference": order.reference,
        "entry_id": entry.pk,
        "member_id": member.pk,
        "invitation_id": invitation.pk,
        "section_id": section.pk,
        "pk": PromoCodeFactory(organizer=organizer).pk,
        "chart": "sales",
        "token": invitation.token,
        "token_id": token.pk,
    }


def _kwargs(names, objects):
    return {name: objects[name] for name in names}


def _answers(client, url):
    return client.get(url).status_code, client.post(url).status_code


@pytest.fixture
def world(db):
    mine = OrganizerFactory()
    theirs = OrganizerFactory()
    return mine, objects_of(mine), objects_of(theirs)


def _user_for(role, organizer, objects):
    if role == "owner":
        return organizer.user
    user = UserFactory()
    member = TeamMember.objects.create(organizer=organizer, user=user, role=role)
    member.events.set([objects["event_id"]])
    return user


def test_every_organizer_url_is_classified():
    names = {name.split(":")[1] for name, _ in URLS}
    assert "dashboard" in names and "check_in_scan" in names and "event_refunds" in names
    assert names >= DOOR_STAFF_MAY | OWNER_ONLY


@pytest.mark.parametrize("role", ["owner", "manager", "door_staff"])
def test_each_role_reaches_only_what_it_may_and_never_another_organizers(client, world, role):
    organizer, mine, theirs = world
    sign_in_as_organizer(client, _user_for(role, organizer, mine))
    for name, params in URLS:
        short = name.split(":")[1]
        if short in NOT_TEAM_PAGES:
            continue
        allowed = (
            role == "owner"
            or (role == "manager" and short not in OWNER_ONLY)
            or (role == "door_staff" and short in DOOR_STAFF_MAY)
        )
        url = reverse(name, kwargs=_kwargs(params, mine))
        get, post = client.get(url).status_code, None
        if allowed:
            assert get not in (403, 404, 500), (role, name, get)
        else:
            if short == "dashboard":  # door staff are sent to their check-in screen
                assert get == 302 and client.get(url)["Location"].endswith("/organizer/check-in")
                continue
            post = client.post(url).status_code
            assert {get, post} <= {403, 405} and 403 in {get, post}, (role, name, get, post)
        if params:  # the same URL with the other organizer's objects
            url = reverse(name, kwargs=_kwargs(params, theirs))
            get, post = client.get(url).status_code, client.post(url).status_code
            assert get in (403, 404, 405) and post in (403, 404, 405), (role, name, get, post)


def test_door_staff_do_not_reach_events_they_were_not_given(client, organizer, door_staff):
    other = EventFactory(organizer=organizer)
    sign_in_as_organizer(client, door_staff)
    assert client.get(reverse("organizer:check_in", args=[other.pk])).status_code == 404
    assert client.post(reverse("organizer:check_in_scan", args=[other.pk])).status_code == 404
    page = client.get(reverse("organizer:check_in_home")).content.decode()
    assert other.title not in page


def test_a_removed_member_loses_access_at_once(client, organizer, event, member_factory):
    user = member_factory(TeamRole.MANAGER)
    sign_in_as_organizer(client, user)
    assert client.get(reverse("organizer:orders", args=[event.pk])).status_code == 200
    TeamMember.objects.filter(user=user).delete()
    assert client.get(reverse("organizer:orders", args=[event.pk])).status_code == 403
