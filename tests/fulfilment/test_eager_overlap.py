"""The embedded default (no broker: tasks run in the web process) with a threaded server:
overlapping fulfilments and resends each complete every step, and nothing answers 500."""

import threading

import pytest
from django.db import connection, transaction

from orders.signals import order_paid
from tests.factories import OrderFactory, UserFactory
from tickets import fulfilment
from tickets.models import DeliveryLog

pytestmark = [pytest.mark.needs_services, pytest.mark.django_db(transaction=True)]


def paid_order():
    buyer = UserFactory(phone="+2348031234567")
    return OrderFactory(items=2, buyer=buyer, phone="+2348031234567")


def states(order, kind="confirmation"):
    return dict(DeliveryLog.objects.filter(order=order, kind=kind).values_list("channel", "state"))


def test_overlapping_fulfilments_and_resends_in_eager_mode_lose_no_step(mailoutbox):
    from getiickets.celery import app

    assert app.conf.task_always_eager  # the embedded default: no broker
    earlier = [paid_order() for _ in range(3)]
    for order in earlier:  # already delivered: their buyers ask for the email again
        with transaction.atomic():
            order_paid.send(sender=None, order_id=order.pk)
    mailoutbox.clear()
    paying = [paid_order() for _ in range(3)]
    rounds = 4
    barrier = threading.Barrier(len(earlier) + len(paying))
    errors = []

    def run(work):
        try:
            barrier.wait()
            work()
        except Exception as exc:  # what the webhook or the view would have answered 500 with
            errors.append(exc)
        finally:
            connection.close()

    def pay(order):
        def work():
            with transaction.atomic():  # as checkout sends it: on commit
                order_paid.send(sender=None, order_id=order.pk)

        return work

    def resend(order):
        def work():
            for _ in range(rounds):
                fulfilment.request_resend(order=order)

        return work

    threads = [threading.Thread(target=run, args=(pay(o),)) for o in paying]
    threads += [threading.Thread(target=run, args=(resend(o),)) for o in earlier]
    for t in threads:
        t.start()
    for t in threads:
        t.join(180)

    assert errors == []
    for order in paying:
        assert order.tickets.count() == 2
        assert states(order)["pdf"] == "sent" and states(order)["email"] == "sent"
    for order in earlier:
        for n in range(1, rounds + 1):
            assert states(order, f"resend-{n}")["email"] == "sent"
    sent_to = sorted(m.to[0] for m in mailoutbox)
    expected = [o.email for o in paying] + [o.email for o in earlier for _ in range(rounds)]
    assert sent_to == sorted(expected)
