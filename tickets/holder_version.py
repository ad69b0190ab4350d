"""The version of what a holder's "My tickets" page shows (tickets.dashboard caches the page
under it). Every change to what the page shows moves it on once its transaction commits:

- a Ticket, Order or TicketTransfer saved or deleted (signals here: the admin, the factories,
  `create()`), and the bulk writes that send no signal, which call `holders_changed`
  themselves: tickets issued in bulk (tickets.issuing), order transitions (orders.services),
  tickets voided by a refund, transfers replaced or cancelled (tickets.transfers);
- a PDF that failed for good (the page stops saying "being prepared");
- the holder's name (a ticket without an attendee name shows it); accounts.guests saves the
  account's name when it moves a guest's orders and tickets to it, which moves it on too.

Event edits (titles, dates, venues, ticket types, seats) move the event's version in
events.cache instead, which the cached page is compared against.
"""

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from events import cache as event_cache
from orders.models import Order
from tickets.models import DeliveryLog, Ticket, TicketTransfer


def holder_version_key(user_id) -> str:
    return f"tickets:v:holder:{user_id}"


def holders_changed(user_ids) -> None:
    """These users' "My tickets" changed: their cached copies go when the transaction
    commits (a reader takes the version before the rows, so a copy built from rows before
    the commit is filed under the old version)."""
    ids = {pk for pk in user_ids if pk is not None}
    if not ids:
        return

    def bump():
        for pk in ids:
            event_cache.bump_version(holder_version_key(pk))

    transaction.on_commit(bump)


def pdf_failed_or_retried(order_id) -> None:
    """The order's PDF failed for good (its buyer's page stops saying "being prepared"), or
    is tried again after it had (the page says it again)."""
    holders_changed(Order.objects.filter(pk=order_id).values_list("buyer_id", flat=True))


@receiver(post_save, sender=Ticket, dispatch_uid="tickets_holder_ticket_saved")
@receiver(post_delete, sender=Ticket, dispatch_uid="tickets_holder_ticket_deleted")
def _ticket_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        holders_changed([instance.holder_id])


@receiver(post_save, sender=Order, dispatch_uid="tickets_holder_order_saved")
@receiver(post_delete, sender=Order, dispatch_uid="tickets_holder_order_deleted")
def _order_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        holders_changed([instance.buyer_id])


@receiver(post_save, sender=TicketTransfer, dispatch_uid="tickets_holder_transfer_saved")
@receiver(post_delete, sender=TicketTransfer, dispatch_uid="tickets_holder_transfer_deleted")
def _transfer_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        holders_changed([instance.sender_id, instance.claimed_by_id])


@receiver(post_save, sender=DeliveryLog, dispatch_uid="tickets_holder_delivery_saved")
def _delivery_saved(sender, instance, raw=False, **kwargs):
    failed = instance.state == DeliveryLog.State.FAILED
    if not raw and failed and instance.channel == DeliveryLog.Channel.PDF:
        pdf_failed_or_retried(instance.order_id)


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="tickets_holder_user_saved")
def _user_saved(sender, instance, raw=False, created=False, update_fields=None, **kwargs):
    if raw or created or (update_fields is not None and "full_name" not in update_fields):
        return
    holders_changed([instance.pk])
