"""Signals: cache invalidation, the search document, and `event_cancelled` for other apps.

`event_cancelled` is sent with `event=<Event>` when an organizer cancels an event, inside the
transaction that cancels it: receivers (payments' refund batch, tickets' buyer notices) write
their rows in it and defer anything external to `transaction.on_commit`.
"""

from django.db import connection
from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal, receiver

from events import cache
from events.models import Category, Event, Seat, SeatSection, TicketType, Venue

event_cancelled = Signal()


@receiver(post_save, sender=Event, dispatch_uid="events_event_saved")
def _event_saved(sender, instance, raw=False, **kwargs):
    if raw:
        return
    update_search_document(instance.pk)
    cache.bump_event(instance.pk)


@receiver(post_delete, sender=Event, dispatch_uid="events_event_deleted")
def _event_deleted(sender, instance, **kwargs):
    cache.bump_event(instance.pk)


@receiver(post_save, sender=TicketType, dispatch_uid="events_ticket_type_saved")
@receiver(post_delete, sender=TicketType, dispatch_uid="events_ticket_type_deleted")
def _ticket_type_changed(sender, instance, raw=False, **kwargs):
    if not raw:  # a price or visibility can reorder the price-sorted lists
        cache.bump_event(instance.event_id)


@receiver(post_save, sender=SeatSection, dispatch_uid="events_section_saved")
@receiver(post_delete, sender=SeatSection, dispatch_uid="events_section_deleted")
@receiver(post_save, sender=Seat, dispatch_uid="events_seat_saved")
@receiver(post_delete, sender=Seat, dispatch_uid="events_seat_deleted")
def _seating_changed(sender, instance, raw=False, **kwargs):
    if not raw:  # the seat map is the event's own page: no list moves
        cache.bump_event(instance.event_id, listing=False)


@receiver(post_save, sender=Venue, dispatch_uid="events_venue_saved")
def _venue_saved(sender, instance, raw=False, created=False, **kwargs):
    if raw or created:
        return
    for event_id in instance.events.values_list("pk", flat=True):
        update_search_document(event_id)
        cache.bump_event(event_id)


@receiver(post_save, sender=Category, dispatch_uid="events_category_saved")
@receiver(post_delete, sender=Category, dispatch_uid="events_category_deleted")
def _category_changed(sender, raw=False, **kwargs):
    if not raw:
        cache.bump_catalogue()


def update_search_document(event_id) -> None:
    """Title (weight A), venue name and city (B), description (C); PostgreSQL only."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            """
            UPDATE events_event e SET search_document =
                setweight(to_tsvector('english', coalesce(e.title, '')), 'A') ||
                setweight(to_tsvector('english', coalesce(v.name, '') || ' ' ||
                                                 coalesce(v.city, '')), 'B') ||
                setweight(to_tsvector('english', coalesce(e.description, '')), 'C')
            FROM events_venue v
            WHERE v.id = e.venue_id AND e.id = %s
            """,
            [event_id],
        )
