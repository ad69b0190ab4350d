"""Every change made through the workspace records who made it; owners see it on Team."""

import pytest
from django.urls import reverse

from accounts.models import TeamRole
from events.models import Event
from organizer.models import Activity
from tests.organizer.conftest import sign_in_as_organizer

pytestmark = pytest.mark.django_db


def test_a_managers_changes_are_recorded_with_their_name(
    client, organizer, event, regular, member_factory
):
    Event.objects.filter(pk=event.pk).update(status=Event.Status.DRAFT)
    manager = member_factory(TeamRole.MANAGER)
    sign_in_as_organizer(client, manager)
    response = client.post(reverse("organizer:event_publish", args=[event.pk]))
    assert response.status_code == 302
    activity = Activity.objects.get()
    assert (activity.actor, activity.action, activity.event) == (manager, "event_publish", event)

    # A refused change (a 4xx re-render) is not a change.
    bad = client.post(reverse("organizer:ticket_type_add", args=[event.pk]), {"name": ""})
    assert bad.status_code == 400
    assert Activity.objects.count() == 1

    sign_in_as_organizer(client, organizer.user)
    page = client.get(reverse("organizer:team")).content.decode()
    assert f"{manager.get_full_name()}</strong> published the event · {event.title}" in page


def test_door_scans_keep_their_own_record_not_the_activity_log(client, event, regular, door_staff):
    from tests.factories import paid_order_with_tickets

    _, tickets = paid_order_with_tickets(ticket_type=regular)
    sign_in_as_organizer(client, door_staff)
    client.post(
        reverse("organizer:check_in_scan", args=[event.pk]), {"payload": tickets[0].qr_payload}
    )
    assert tickets[0].check_in.checked_in_by == door_staff
    assert not Activity.objects.exists()
