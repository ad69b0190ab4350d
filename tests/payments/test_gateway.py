"""The paystackapi adapter: configured from settings on every call, bounded by a timeout,
and tolerant of Paystack's quirks."""

import socket
import threading
import time

import pytest

from payments import gateway


@pytest.mark.needs_services
@pytest.mark.django_db(transaction=True)
def test_the_adapter_follows_the_settings_on_every_call(sandbox, settings):
    started = gateway.initialize(
        reference="GT-ADAPTER01",
        amount_kobo=250_000,
        email="ada@example.ng",
        callback_url=sandbox.url + "/checkout/callback",
        metadata={"order_reference": "GT-ADAPTER01"},
    )
    assert started.authorization_url.startswith(sandbox.url + "/sandbox/paystack/checkout/")
    verified = gateway.verify("GT-ADAPTER01")
    assert (verified.status, verified.amount_kobo, verified.currency) == ("ongoing", 250_000, "NGN")
    assert verified.metadata == {"order_reference": "GT-ADAPTER01"}  # sent back as a string

    good = settings.PAYSTACK_BASE_URL
    settings.PAYSTACK_BASE_URL = sandbox.url + "/elsewhere"  # no Paystack there
    with pytest.raises(gateway.GatewayError):
        gateway.verify("GT-ADAPTER01")
    settings.PAYSTACK_BASE_URL = good
    assert gateway.verify("GT-ADAPTER01").reference == "GT-ADAPTER01"


@pytest.mark.needs_services
@pytest.mark.django_db(transaction=True)
def test_the_sandbox_refuses_a_wrong_secret_key(sandbox):
    import requests

    answer = requests.get(
        sandbox.url + "/sandbox/paystack/transaction/verify/GT-1",
        headers={"Authorization": "Bearer sk_test_wrong"},
        timeout=5,
    )
    assert answer.status_code == 401
    assert answer.json() == {"status": False, "message": "Invalid key"}


@pytest.mark.needs_services
@pytest.mark.django_db(transaction=True)
def test_the_sandbox_answers_a_form_body_with_a_400_as_paystack_does(sandbox, settings):
    import requests

    answer = requests.post(
        sandbox.url + "/sandbox/paystack/transaction/initialize",
        headers={"Authorization": f"Bearer {settings.PAYSTACK_SECRET_KEY}"},
        files={"amount": (None, "5000"), "email": (None, "ada@example.ng")},
        timeout=5,
    )
    assert answer.status_code == 400
    assert answer.json()["status"] is False


def test_a_paystack_that_never_answers_times_out(settings):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(5)
    accepted = []
    threading.Thread(
        target=lambda: accepted.append(listener.accept()), daemon=True
    ).start()  # accept, then say nothing
    settings.PAYSTACK_BASE_URL = f"http://127.0.0.1:{listener.getsockname()[1]}"
    settings.PAYSTACK_TIMEOUT_SECONDS = 0.5
    gateway.reset()
    began = time.monotonic()
    with pytest.raises(gateway.GatewayError):
        gateway.verify("GT-SLOW")
    assert time.monotonic() - began < 3
    listener.close()
    gateway.reset()


@pytest.mark.parametrize(
    "raw,expected",
    [({"a": 1}, {"a": 1}), ('{"a": 1}', {"a": 1}), ("", {}), (0, {}), (None, {}), ("junk", {})],
)
def test_metadata_comes_back_in_any_shape(raw, expected):
    assert gateway.normalise_metadata(raw) == expected


@pytest.mark.parametrize("raw,expected", [(5000, 5000), ("5000", 5000), ("", 0), (None, 0)])
def test_amounts_may_be_strings(raw, expected):
    assert gateway.to_kobo(raw) == expected


def test_payment_from_reads_a_transaction_object():
    payment = gateway.payment_from(
        {
            "status": "success",
            "amount": "2080000",
            "currency": "ngn",
            "reference": "GT-X",
            "paid_at": "2026-11-25T10:00:00.000Z",
            "channel": "bank_transfer",
            "metadata": 0,
        }
    )
    assert payment.amount_kobo == 2_080_000
    assert payment.currency == "NGN"
    assert payment.paid_at.year == 2026
    assert payment.metadata == {}
