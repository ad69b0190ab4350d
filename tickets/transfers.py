"""Ticket transfer: the holder sends a ticket; the recipient claims it; the old QR dies."""

import secrets
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from getiickets.errors import DomainError
from tickets import delivery, holder_version, issuing
from tickets.models import CheckIn, Ticket, TicketTransfer


class TransferRefused(DomainError):
    """This ticket cannot be transferred."""


class TransferUnavailable(DomainError):
    """This transfer link is no longer valid."""

    status_code = 410


def parse_recipient(raw: str) -> tuple[str, str]:
    """(email, phone in E.164) from what the holder typed; refuses anything else."""
    value = (raw or "").strip()
    if not value:
        raise TransferRefused("Enter the recipient's email address or phone number.")
    if "@" in value:
        try:
            validate_email(value)
        except ValidationError:
            raise TransferRefused(f"“{value}” is not a valid email address.") from None
        return value.lower(), ""
    phone = delivery.e164(value)
    if not phone:
        raise TransferRefused(f"“{value}” is not a valid email address or Nigerian phone number.")
    return "", phone


def check_transferable(ticket: Ticket, *, now=None) -> None:
    now = now or timezone.now()
    if ticket.status != Ticket.Status.VALID:
        raise TransferRefused("This ticket is no longer valid, so it cannot be transferred.")
    if CheckIn.objects.filter(ticket=ticket).exists():
        raise TransferRefused("This ticket has already been used at the gate.")
    if not ticket.ticket_type.is_transferable:
        raise TransferRefused(
            f"The organizer does not allow {ticket.ticket_type.name} tickets to be transferred."
        )
    cutoff = ticket.event.starts_at - timedelta(hours=ticket.event.transfer_cutoff_hours)
    if now >= cutoff:
        raise TransferRefused(
            f"Transfers closed {ticket.event.transfer_cutoff_hours} hours before the event starts."
        )


@transaction.atomic
def start_transfer(*, ticket: Ticket, sender, recipient: str) -> TicketTransfer:
    ticket = (
        Ticket.objects.select_for_update()
        .select_related("event", "ticket_type")
        .get(pk=ticket.pk, holder=sender)
    )
    check_transferable(ticket)
    to_email, to_phone = parse_recipient(recipient)
    if (to_email and to_email == sender.email.lower()) or (
        to_phone and sender.phone and to_phone == delivery.e164(str(sender.phone))
    ):
        raise TransferRefused("You cannot transfer a ticket to yourself.")
    # A new transfer replaces one still waiting: the old link stops working.
    TicketTransfer.objects.filter(ticket=ticket, status=TicketTransfer.Status.PENDING).update(
        status=TicketTransfer.Status.CANCELLED, closed_at=timezone.now()
    )  # the new transfer's save moves the sender's page on (tickets.holder_version)
    transfer = TicketTransfer.objects.create(
        ticket=ticket,
        sender=sender,
        to_email=to_email,
        to_phone=to_phone,
        token=secrets.token_urlsafe(32),
    )
    from tickets.fulfilment import dispatch
    from tickets.fulfilment_tasks import send_transfer_notice

    # The notice's outbox row commits with the transfer (the sweep finds it if the task is lost).
    kind = f"transfer-{transfer.pk}"
    if to_email:
        delivery.record_intent(order_id=ticket.order_id, channel="email", kind=kind)
    else:
        delivery.record_sms_intent(order_id=ticket.order_id, kind=kind, phone=to_phone)
    transaction.on_commit(lambda: dispatch(send_transfer_notice, transfer.pk))
    return transfer


@transaction.atomic
def cancel_transfer(*, transfer: TicketTransfer, sender) -> None:
    updated = TicketTransfer.objects.filter(
        pk=transfer.pk, sender=sender, status=TicketTransfer.Status.PENDING
    ).update(status=TicketTransfer.Status.CANCELLED, closed_at=timezone.now())
    if not updated:
        raise TransferUnavailable("This transfer was already claimed or cancelled.")
    holder_version.holders_changed([sender.pk])


def pending_transfer(token: str) -> TicketTransfer:
    transfer = (
        TicketTransfer.objects.select_related("ticket", "ticket__event", "ticket__ticket_type")
        .filter(token=token)
        .first()
    )
    if transfer is None or transfer.status != TicketTransfer.Status.PENDING:
        raise TransferUnavailable()
    return transfer


@transaction.atomic
def claim_transfer(*, token: str, user) -> Ticket:
    """Revoke the sender's ticket and issue the recipient a new one (fresh secret and QR)."""
    transfer = TicketTransfer.objects.select_for_update().filter(token=token).first()
    if transfer is None or transfer.status != TicketTransfer.Status.PENDING:
        raise TransferUnavailable()
    old = (
        Ticket.objects.select_for_update()
        .select_related("event", "ticket_type", "order_item", "order_item__order")
        .get(pk=transfer.ticket_id)
    )
    if user.pk == old.holder_id:
        raise TransferRefused("You already hold this ticket; ask the recipient to claim it.")
    if old.holder_id != transfer.sender_id:
        raise TransferUnavailable()
    check_transferable(old)
    old.status = Ticket.Status.TRANSFERRED
    old.save(update_fields=["status"])
    new = issuing.create_ticket(
        order_item=old.order_item,
        holder=user,
        attendee_name=user.get_full_name() if user.full_name else "",
    )
    old.replaced_by = new
    old.save(update_fields=["replaced_by"])
    transfer.status = TicketTransfer.Status.CLAIMED
    transfer.claimed_by = user
    transfer.new_ticket = new
    transfer.closed_at = timezone.now()
    transfer.save()
    from tickets.fulfilment import dispatch
    from tickets.fulfilment_tasks import refresh_order_pdf

    order_id = old.order_id
    transaction.on_commit(lambda: dispatch(refresh_order_pdf, order_id))
    return new
