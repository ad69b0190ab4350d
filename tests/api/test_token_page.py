"""The workspace page where a team member makes, sees and revokes their API tokens."""

import pytest
from django.test import Client

from organizer.models import ApiToken
from tests.api.conftest import bearer

pytestmark = pytest.mark.django_db


def signed_in(user):
    client = Client()
    client.force_login(user)
    session = client.session
    session["active_role"] = "organizer"
    session.save()
    return client


def test_a_door_steward_makes_a_read_token_sees_it_once_and_revokes_it(team, catalogue):
    client = signed_in(team["door"])
    page = client.get("/organizer/api-tokens")
    assert page.status_code == 200
    # Door staff may only pick the events they check in.
    assert catalogue["concert"].title in page.content.decode()
    assert catalogue["theatre"].title not in page.content.decode()

    created = client.post("/organizer/api-tokens", {"name": "Gate 2 scanner", "scope": "read"})
    assert created.status_code == 302
    shown = client.get("/organizer/api-tokens").content.decode()
    token = ApiToken.objects.get(user=team["door"])
    secret = shown.split('readonly value="')[1].split('"')[0]
    assert ApiToken.digest_of(secret) == token.digest
    assert secret not in client.get("/organizer/api-tokens").content.decode()  # once only
    assert ApiToken.objects.filter(user=team["door"]).count() == 1

    guest_list = f"/api/v1/organizer/events/{catalogue['concert'].pk}/check-in/guest-list"
    assert bearer(secret).get(guest_list).status_code == 200
    client.post(f"/organizer/api-tokens/{token.pk}/revoke")
    assert bearer(secret).get(guest_list).status_code == 401


def test_a_member_cannot_revoke_someone_elses_token(team, token_for, catalogue):
    token_for(team["owner"])
    owner_token = ApiToken.objects.get(user=team["owner"])
    response = signed_in(team["manager"]).post(f"/organizer/api-tokens/{owner_token.pk}/revoke")
    assert response.status_code == 404
    owner_token.refresh_from_db()
    assert owner_token.revoked_at is None
