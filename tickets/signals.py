"""Signals other apps listen to.

``stock_freed(sender, ticket_type_ids=[...])`` is sent after commit whenever held or sold
stock goes back on sale (a release, an expiry, a refund through ``return_sold``); the waitlist
listens to it to offer the freed tickets.
"""

from django.dispatch import Signal

stock_freed = Signal()


def _forget_counter_on_change(sender, instance, **kwargs):
    """An organizer changed a ticket type (capacity...): drop its Redis counter now and after
    commit. The save holds the row lock until commit, and a rebuild reads the row under that
    lock, so the next hold rebuilds the counter from the new figures."""
    from django.db import transaction

    from tickets import gate

    pk = instance.pk
    gate.forget_counters([pk])
    transaction.on_commit(lambda: gate.forget_counters([pk]))


def clear_catalogues(*args, **kwargs):
    """Drop the per-process short memories of events, ticket types, seats and the map."""
    from tickets import memory

    memory.forget_all()


def connect_receivers():
    from django.db.models.signals import post_delete, post_save

    from events.models import Event, Seat, SeatSection, TicketType

    for model in (Event, TicketType, Seat, SeatSection):
        post_save.connect(clear_catalogues, sender=model, dispatch_uid=f"cat-save-{model.__name__}")
        post_delete.connect(
            clear_catalogues, sender=model, dispatch_uid=f"cat-del-{model.__name__}"
        )

    post_save.connect(_forget_counter_on_change, sender=TicketType, dispatch_uid="gate-tt-save")
    post_delete.connect(_forget_counter_on_change, sender=TicketType, dispatch_uid="gate-tt-delete")
