import pytest

from tests.factories import EventFactory
from tickets import signing

pytestmark = pytest.mark.django_db


def test_a_signed_payload_verifies_and_an_altered_one_does_not():
    event = EventFactory()
    payload = signing.sign(ticket_id=7, event_id=event.pk, secret="s3cret")
    claim = signing.verify(payload)
    assert claim == signing.QrClaim(ticket_id=7, event_id=event.pk, secret="s3cret")

    prefix, body, sig = payload.split(".")
    forged_body = signing._b64(b'{"t":8,"e":%d,"s":"s3cret"}' % event.pk)
    assert signing.verify(f"{prefix}.{forged_body}.{sig}") is None
    assert signing.verify(payload[:-2] + ("A" if payload[-2] != "A" else "B") + payload[-1]) is None
    assert signing.verify("not a ticket") is None


def test_a_payload_signed_for_one_event_does_not_verify_as_another():
    first, second = EventFactory(), EventFactory()
    payload = signing.sign(ticket_id=1, event_id=first.pk, secret="x")
    signing.key_for_event(second.pk)
    prefix, body, sig = payload.split(".")
    other_body = signing._b64(b'{"t":1,"e":%d,"s":"x"}' % second.pk)
    assert signing.verify(f"{prefix}.{other_body}.{sig}") is None
