"""Email and SMS reach the buyer once, through the real clients and local stand-ins."""

import base64
import io
import logging

import pytest
import zxingcpp
from PIL import Image

from tests.factories import OrderFactory, UserFactory
from tickets import delivery, fulfilment, issuing
from tickets.models import DeliveryLog

pytestmark = pytest.mark.django_db


class Crash(BaseException):
    """Stands for the worker dying at a chosen instant (not an Exception: nothing catches it)."""


@pytest.fixture
def lease_lapses_at_once(settings):
    """A dead attempt's lease would lapse minutes later; here the next attempt comes after it."""
    settings.DELIVERY_LEASE_SECONDS = 0


@pytest.fixture
def dies_after_the_provider_answered(monkeypatch):
    """`dies_after_the_provider_answered(channel)`: from then on the worker dies once that
    channel's provider has answered, before `sent` is written down (`.undo()` on the result
    brings a healthy worker back)."""

    def arm(channel):
        record = delivery._record

        def record_or_die(entry, **fields):
            if entry.channel == channel and fields.get("state") == DeliveryLog.State.SENT:
                raise Crash()
            return record(entry, **fields)

        monkeypatch.setattr(delivery, "_record", record_or_die)
        return monkeypatch

    return arm


@pytest.fixture
def dies_before_calling_twilio(monkeypatch):
    """The worker dies after claiming the SMS step, before it reaches Twilio."""

    def die():
        raise Crash()

    monkeypatch.setattr(delivery, "twilio_client", die)
    return monkeypatch


@pytest.fixture
def order():
    buyer = UserFactory(email="ada@example.ng", phone="+2348031234567", full_name="Ada Obi")
    return OrderFactory(items=2, buyer=buyer, phone="08031234567", event__title="Afro Nation")


def run_chain(order):
    fulfilment.start_fulfilment(order.pk)


def test_a_paid_order_sends_one_email_with_the_qr_codes_and_pdf_link_and_one_sms(
    order, brevo, twilio
):
    run_chain(order)

    [email] = brevo.messages
    assert email["to"] == [{"email": "ada@example.ng"}]
    assert "Afro Nation" in email["subject"] and order.reference in email["subject"]
    assert "Afro Nation" in email["textContent"]
    assert "Open my tickets" in email["htmlContent"]
    tickets = list(order.tickets.order_by("pk"))
    assert [a["name"] for a in email["attachment"]] == [f"ticket-{t.pk}-qr.png" for t in tickets]
    for attachment, ticket in zip(email["attachment"], tickets, strict=True):
        image = Image.open(io.BytesIO(base64.b64decode(attachment["content"])))
        assert [r.text for r in zxingcpp.read_barcodes(image)] == [ticket.qr_payload]
    assert f"/dashboard/orders/{order.reference}/pdf" in email["htmlContent"]
    assert email["headers"]["idempotencyKey"]

    [sms] = twilio.messages
    assert sms["to"] == "+2348031234567"  # the order's local number in E.164
    assert order.reference in sms["body"] and "/dashboard/tickets" in sms["body"]

    logs = {(d.channel, d.kind): d for d in order.delivery_logs.all()}
    assert logs["email", "confirmation"].state == "sent"
    assert logs["email", "confirmation"].provider_id == email["messageId"]
    assert logs["sms", "confirmation"].provider_id == sms["sid"]
    assert logs["pdf", "confirmation"].state == "sent"


def test_running_the_chain_again_sends_nothing_more(order, brevo, twilio):
    run_chain(order)
    run_chain(order)
    run_chain(order)
    assert len(brevo.requests) == 1 and len(twilio.requests) == 1
    assert order.tickets.count() == 2


def test_email_crash_after_brevo_accepted_is_retried_with_the_same_key_and_not_resent(
    order, brevo, twilio, dies_after_the_provider_answered, lease_lapses_at_once
):
    issuing.issue_tickets(order_id=order.pk)  # tickets
    delivery.store_pdf(order_id=order.pk)

    worker = dies_after_the_provider_answered("email")
    with pytest.raises(Crash):
        delivery.send_confirmation_email(order_id=order.pk)
    log = order.delivery_logs.get(channel="email")
    assert (log.state, log.attempts) == ("sending", 1)  # committed before the provider call
    assert len(brevo.messages) == 1

    worker.undo()
    delivery.send_confirmation_email(order_id=order.pk)  # the redelivered task
    assert len(brevo.requests) == 2  # it did ask again, with the same idempotency key...
    assert len(brevo.messages) == 1  # ...so the buyer has one email
    log.refresh_from_db()
    assert (log.state, log.attempts, log.provider_id) == (
        "sent",
        2,
        brevo.messages[0]["messageId"],
    )


def test_sms_crash_after_twilio_accepted_finds_the_message_instead_of_resending(
    order, twilio, dies_after_the_provider_answered, lease_lapses_at_once
):
    issuing.issue_tickets(order_id=order.pk)

    worker = dies_after_the_provider_answered("sms")
    with pytest.raises(Crash):
        delivery.send_sms(order_id=order.pk)
    assert len(twilio.messages) == 1
    worker.undo()
    log = delivery.send_sms(order_id=order.pk)
    assert len(twilio.messages) == 1 and len(twilio.requests) == 1
    assert log.state == "sent" and log.provider_id == twilio.messages[0]["sid"]
    assert "found at provider" in log.detail


def test_sms_crash_before_twilio_was_called_sends_on_retry(
    order, twilio, dies_before_calling_twilio, lease_lapses_at_once
):
    issuing.issue_tickets(order_id=order.pk)

    with pytest.raises(Crash):
        delivery.send_sms(order_id=order.pk)
    assert order.delivery_logs.get(channel="sms").state == "sending"
    dies_before_calling_twilio.undo()
    delivery.send_sms(order_id=order.pk)
    assert len(twilio.messages) == 1


def test_a_provider_error_is_logged_and_the_retry_delivers(order, brevo):
    issuing.issue_tickets(order_id=order.pk)
    brevo.fail_next = 1
    with pytest.raises(Exception, match="500"):
        delivery.send_confirmation_email(order_id=order.pk)
    log = order.delivery_logs.get(channel="email")
    assert log.state == "pending" and "500" in log.last_error  # refused: safe to send again
    delivery.send_confirmation_email(order_id=order.pk)
    log.refresh_from_db()
    assert log.state == "sent" and log.last_error == ""
    assert len(brevo.messages) == 1


def test_exhausted_retries_mark_the_step_failed(order):
    DeliveryLog.objects.create(order=order, channel="email", kind="confirmation", state="sending")
    delivery.mark_failed(order_id=order.pk, channel="email", kind="confirmation", error="boom")
    assert order.delivery_logs.get(channel="email").state == "failed"


def test_without_twilio_settings_the_sms_is_recorded_as_not_sent_with_a_warning(
    order, caplog, settings
):
    settings.TWILIO_ACCOUNT_SID = ""
    with caplog.at_level(logging.WARNING, logger="tickets.delivery"):
        run_chain(order)
    log = order.delivery_logs.get(channel="sms")
    assert log.state == "skipped" and log.detail == "not sent: no SMS provider (TWILIO_* not set)"
    assert log.attempts == 0  # nothing was tried
    assert "not sent: no SMS provider" in caplog.text


def test_an_order_without_a_phone_records_the_sms_as_not_sent(twilio):
    order = OrderFactory(items=1, phone="", buyer__phone="")
    run_chain(order)
    log = order.delivery_logs.get(channel="sms")
    assert (log.state, log.detail) == ("skipped", "not sent: no phone number on the order")
    assert twilio.messages == []


def test_the_sms_is_not_sent_when_the_provider_goes_away_after_the_intent(order, twilio, settings):
    delivery.record_sms_intent(order_id=order.pk, kind="confirmation", phone=order.phone)
    assert order.delivery_logs.get(channel="sms").state == "pending"
    settings.TWILIO_ACCOUNT_SID = ""
    issuing.issue_tickets(order_id=order.pk)
    log = delivery.send_sms(order_id=order.pk)
    assert (log.state, log.detail) == ("skipped", "not sent: no SMS provider (TWILIO_* not set)")
    assert twilio.messages == []


def test_the_brevo_stand_in_refuses_a_wrong_api_key(order, brevo, settings):
    settings.ANYMAIL = {**settings.ANYMAIL, "BREVO_API_KEY": "wrong"}
    issuing.issue_tickets(order_id=order.pk)
    with pytest.raises(Exception, match="401"):
        delivery.send_confirmation_email(order_id=order.pk)
    assert brevo.messages == []


def test_the_task_retries_with_backoff_then_marks_the_step_failed(order, brevo):
    from tickets import fulfilment_tasks as t

    assert t.send_confirmation_email.retry_backoff and t.send_confirmation_email.acks_late
    assert t.send_confirmation_email.max_retries == 8
    issuing.issue_tickets(order_id=order.pk)
    brevo.fail_next = 100  # Brevo is down for good
    result = t.send_confirmation_email.apply(args=(order.pk,))
    assert result.failed()
    log = order.delivery_logs.get(channel="email")
    assert (log.state, log.attempts) == ("failed", 9)  # first try + 8 retries
    assert "500" in log.last_error
    assert brevo.messages == []

    brevo.fail_next = 0  # back up: a resend by the buyer or staff goes through
    t.send_confirmation_email.apply(args=(order.pk, "resend-1"))
    assert len(brevo.messages) == 1


@pytest.mark.needs_services
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_two_copies_of_the_sms_task_racing_send_one_sms(twilio):
    import threading

    from django.db import connection

    buyer = UserFactory(phone="+2348031234567")
    order = OrderFactory(items=1, buyer=buyer, phone="+2348031234567")
    issuing.issue_tickets(order_id=order.pk)
    barrier = threading.Barrier(4)

    def work():
        try:
            barrier.wait()
            delivery.send_sms(order_id=order.pk)
        except delivery.StepInFlight:
            pass  # the other copy is sending: Celery retries this one later
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(twilio.messages) == 1
    assert order.delivery_logs.get(channel="sms").state == "sent"
