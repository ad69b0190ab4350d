"""An owner invites by email with a role; the invited person joins and gets that role only."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import Invitation, TeamMember, TeamRole
from tests.factories import EventFactory, UserFactory, paid_order_with_tickets
from tests.organizer.conftest import sign_in_as_organizer

pytestmark = pytest.mark.django_db


def _invite(client, **data):
    return client.post(reverse("organizer:team"), data)


def test_owner_invites_door_staff_who_joins_and_can_only_check_in(
    client, organizer, event, django_capture_on_commit_callbacks
):
    sign_in_as_organizer(client, organizer.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = _invite(
            client, email="Gate.Keeper@example.ng", role=TeamRole.DOOR_STAFF, events=[event.pk]
        )
    assert response.status_code == 302
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["gate.keeper@example.ng"]
    link = re.search(r"https?://\S+/organizer/team/join/\S+", mail.outbox[0].body).group(0)
    path = link[link.index("/organizer/") :]

    client.logout()
    staff = UserFactory(email="gate.keeper@example.ng")
    client.force_login(staff)
    response = client.post(path)
    assert response.status_code == 302
    assert response["Location"] == reverse("organizer:check_in_home")
    member = TeamMember.objects.get(user=staff)
    assert (member.organizer, member.role, list(member.events.all())) == (
        organizer,
        TeamRole.DOOR_STAFF,
        [event],
    )
    assert client.get(reverse("organizer:check_in", args=[event.pk])).status_code == 200
    assert client.get(reverse("organizer:orders", args=[event.pk])).status_code == 403
    assert client.post(path).status_code == 409  # used once


def test_an_invitation_is_accepted_only_by_its_email(client, organizer):
    invitation = Invitation.objects.create(
        organizer=organizer, email="manager@example.ng", role=TeamRole.MANAGER
    )
    client.force_login(UserFactory(email="someone.else@example.ng"))
    response = client.post(reverse("organizer:team_join", args=[invitation.token]))
    assert response.status_code == 409
    assert not TeamMember.objects.exists()


def test_door_staff_must_be_given_events_and_only_own_events(client, organizer):
    sign_in_as_organizer(client, organizer.user)
    assert _invite(client, email="a@example.ng", role=TeamRole.DOOR_STAFF).status_code == 400
    theirs = EventFactory()
    response = _invite(client, email="a@example.ng", role=TeamRole.DOOR_STAFF, events=[theirs.pk])
    assert response.status_code == 400
    assert not Invitation.objects.exists()


def test_managers_cannot_manage_the_team(client, organizer, member_factory):
    sign_in_as_organizer(client, member_factory(TeamRole.MANAGER))
    response = _invite(client, email="x@example.ng", role=TeamRole.OWNER)
    assert response.status_code == 403
    assert not Invitation.objects.exists()


def test_scan_only_door_staff_cannot_search_or_admit_by_hand(client, event, regular, door_staff):
    _, tickets = paid_order_with_tickets(ticket_type=regular)
    sign_in_as_organizer(client, door_staff)
    page = client.get(reverse("organizer:check_in", args=[event.pk]), {"q": tickets[0].order.email})
    assert page.status_code == 200 and page.context["results"] is None
    assert "Find an attendee" not in page.content.decode()
    response = client.post(
        reverse("organizer:check_in_scan", args=[event.pk]), {"ticket_id": tickets[0].pk}
    )
    assert response.status_code == 403
    scanned = client.post(
        reverse("organizer:check_in_scan", args=[event.pk]),
        {"payload": tickets[0].qr_payload},
        HTTP_ACCEPT="application/json",
    )
    assert scanned.json()["outcome"] == "ok"
    assert tickets[0].check_in.checked_in_by == door_staff  # who admitted is recorded


def test_door_staff_allowed_by_hand_can_search_and_admit(client, event, regular, member_factory):
    _, tickets = paid_order_with_tickets(ticket_type=regular)
    user = member_factory(TeamRole.DOOR_STAFF, events=[event], can_admit_by_hand=True)
    sign_in_as_organizer(client, user)
    response = client.post(
        reverse("organizer:check_in_scan", args=[event.pk]),
        {"ticket_id": tickets[0].pk},
        HTTP_ACCEPT="application/json",
    )
    assert response.json()["outcome"] == "ok"


def test_a_mail_provider_that_is_down_delays_the_invitation_but_never_fails_the_page(
    client, organizer, event, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.site.broken_mail.BrokenBackend"
    settings.CELERY_TASK_ALWAYS_EAGER = True
    sign_in_as_organizer(client, organizer.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = _invite(client, email="late@example.ng", role=TeamRole.MANAGER)
    assert response.status_code == 302
    assert Invitation.objects.filter(organizer=organizer, email="late@example.ng").exists()


def test_an_owner_withdraws_an_invitation_and_removes_a_member_of_their_own_team_only(
    client, organizer, member_factory
):
    manager = member_factory(TeamRole.MANAGER)
    mine = Invitation.objects.create(organizer=organizer, email="new@example.ng", role="manager")
    theirs_org = EventFactory().organizer
    theirs = Invitation.objects.create(organizer=theirs_org, email="x@example.ng", role="manager")
    their_member = TeamMember.objects.create(
        organizer=theirs_org, user=UserFactory(), role=TeamRole.MANAGER
    )
    sign_in_as_organizer(client, organizer.user)

    assert client.post(reverse("organizer:team_revoke", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("organizer:team_remove", args=[their_member.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.revoked_at is None and TeamMember.objects.filter(pk=their_member.pk).exists()

    assert client.post(reverse("organizer:team_revoke", args=[mine.pk])).status_code == 302
    mine.refresh_from_db()
    assert mine.revoked_at is not None
    again = client.post(reverse("organizer:team_revoke", args=[mine.pk]), follow=True)
    assert "That invitation is not open." in again.content.decode()

    member = TeamMember.objects.get(user=manager)
    assert client.post(reverse("organizer:team_remove", args=[member.pk])).status_code == 302
    assert not TeamMember.objects.filter(pk=member.pk).exists()
