"""No database transaction or row lock is held while Brevo, Twilio or S3 answers (Paystack:
tests/payments/test_no_lock_across_paystack.py). A call made inside a transaction is refused
before it leaves (getiickets/external.py, strict in tests); the stand-ins look at the
database from their own connection while they answer."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from events import services as events
from getiickets.external import CalledInsideTransaction
from tests.events.conftest import image_bytes
from tests.factories import CategoryFactory, OrderFactory, OrganizerFactory, UserFactory
from tests.standins.fixtures import *  # noqa: F403
from tests.standins.http import TransactionProbe
from tickets import delivery, fulfilment, issuing
from tickets.models import DeliveryLog


@pytest.fixture
def order(db):
    buyer = UserFactory(email="ada@example.ng", phone="+2348031234567")
    return OrderFactory(items=1, buyer=buyer, phone="08031234567")


@pytest.mark.needs_services
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_the_ticket_email_and_sms_go_out_with_no_transaction_open(brevo, twilio):
    buyer = UserFactory(email="ada@example.ng", phone="+2348031234567")
    order = OrderFactory(items=1, buyer=buyer, phone="08031234567")
    brevo.probe = twilio.probe = TransactionProbe(window=0.5)
    fulfilment.start_fulfilment(order.pk)  # eager: the whole chain runs here
    assert len(brevo.messages) == 1 and len(twilio.messages) == 1
    assert brevo.probe.probes == 2  # one look during each answer
    assert brevo.probe.findings == []


def test_a_delivery_step_inside_a_transaction_is_refused_and_nothing_is_sent(order, brevo):
    issuing.issue_tickets(order_id=order.pk)
    with pytest.raises(CalledInsideTransaction), transaction.atomic():
        delivery.send_confirmation_email(order_id=order.pk)
    assert brevo.requests == []


def test_a_second_copy_of_a_step_in_flight_waits_for_the_first(order, twilio):
    issuing.issue_tickets(order_id=order.pk)
    DeliveryLog.objects.create(
        order=order,
        channel="sms",
        kind="confirmation",
        state="sending",
        attempts=1,
        lease_until=timezone.now() + timedelta(minutes=1),
    )
    with pytest.raises(delivery.StepInFlight):
        delivery.send_sms(order_id=order.pk)
    assert twilio.requests == []
    DeliveryLog.objects.filter(order=order).update(lease_until=timezone.now())  # it died
    assert delivery.send_sms(order_id=order.pk).state == "sent"
    assert len(twilio.messages) == 1


@pytest.mark.django_db
def test_an_event_cover_goes_to_s3_before_the_event_row_is_written(settings, s3_server):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "getiickets.storage.TransactionFreeS3Storage",
            "OPTIONS": {
                "bucket_name": s3_server["bucket"],
                "endpoint_url": s3_server["endpoint"],
                "access_key": "testing",
                "secret_key": "testing",
                "region_name": "eu-west-1",
                "location": "public",
                "querystring_auth": False,
                "default_acl": None,
            },
        },
    }
    cover = SimpleUploadedFile("cover.png", image_bytes(), content_type="image/png")
    event = events.create_event(
        organizer=OrganizerFactory(),
        title="Lagos Jazz Night",
        description="Live jazz.",
        category=CategoryFactory(),
        starts_at=timezone.now() + timedelta(days=30),
        ends_at=timezone.now() + timedelta(days=30, hours=4),
        new_venue={"name": "Terra Kulture", "city": "Lagos", "address": "Victoria Island"},
        cover_image=cover,
    )
    stored = s3_server["client"].list_objects_v2(Bucket=s3_server["bucket"], Prefix="public/")
    assert [o["Key"] for o in stored["Contents"]] == [f"public/{event.cover_image.name}"]
    assert event.cover_image.name.startswith("events/covers/")


def test_any_brevo_email_or_twilio_sms_inside_a_transaction_is_refused(order, brevo, twilio):
    from django.core.mail import send_mail

    with pytest.raises(CalledInsideTransaction), transaction.atomic():
        send_mail("Hello", "Body", "tickets@getiickets.ng", ["ada@example.ng"])
    with pytest.raises(CalledInsideTransaction), transaction.atomic():
        delivery.twilio_client()
    assert brevo.requests == [] and twilio.requests == []
    send_mail("Hello", "Body", "tickets@getiickets.ng", ["ada@example.ng"])  # outside: sent
    assert len(brevo.messages) == 1
