"""Check-in at the door: one ticket is admitted exactly once, whatever the number of devices.

The CheckIn one-to-one on Ticket is the guarantee: two scanners racing for one ticket both
try to insert, the database lets one in and the other gets an IntegrityError, which we read
as "already checked in". Offline devices sync later; the earliest admission wins.
"""

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from events.models import Event
from getiickets.datetimes import format_when
from tickets import signing
from tickets.models import CheckIn, Ticket

# Outcomes, in the words the door staff see.
OK = "ok"
DUPLICATE = "duplicate"
WRONG_EVENT = "wrong_event"
REVOKED = "revoked"
UNKNOWN = "unknown"

NOT_THIS_EVENT = "This ticket is not for this event."

HEADLINES = {
    OK: "Valid — checked in",
    DUPLICATE: "Already checked in",
    WRONG_EVENT: "Wrong event",
    REVOKED: "Ticket not valid",
    UNKNOWN: "Unknown ticket",
}


@dataclass
class CheckInResult:
    outcome: str
    message: str
    ticket: Ticket | None = None
    check_in: CheckIn | None = None
    extra: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.outcome == OK

    @property
    def headline(self) -> str:
        return HEADLINES[self.outcome]

    def as_dict(self) -> dict:
        data = {
            "outcome": self.outcome,
            "ok": self.ok,
            "headline": self.headline,
            "message": self.message,
        }
        if self.ticket is not None:
            data["ticket"] = {
                "id": self.ticket.pk,
                "attendee": attendee_name(self.ticket),
                "ticket_type": self.ticket.ticket_type.name,
                "order": self.ticket.order.reference,
            }
        if self.check_in is not None:
            data["checked_in_at"] = self.check_in.checked_in_at.isoformat()
            data["device"] = self.check_in.device
        return data


def secret_hash(secret: str) -> str:
    """What the offline manifest carries instead of the secret itself."""
    return hashlib.sha256(secret.encode()).hexdigest()


def attendee_name(ticket: Ticket) -> str:
    return ticket.attendee_name or ticket.order.full_name or ticket.holder.get_full_name()


def _when(moment: datetime) -> str:
    return f"{format_when(moment, 'time')} on {format_when(moment, 'date')}"


def _load(ticket_id: int, event: Event) -> Ticket | None:
    """The ticket if it belongs to `event`; None for another event's and for none at all."""
    return (
        Ticket.objects.select_related("order", "ticket_type", "holder", "event")
        .filter(pk=ticket_id, event=event)
        .first()
    )


def _duplicate(ticket: Ticket) -> CheckInResult:
    existing = CheckIn.objects.get(ticket=ticket)
    where = f" on {existing.device}" if existing.device else ""
    return CheckInResult(
        DUPLICATE,
        f"{attendee_name(ticket)} was already admitted at {_when(existing.checked_in_at)}{where}.",
        ticket=ticket,
        check_in=existing,
    )


def check_in(
    *,
    event: Event,
    payload: str | None = None,
    ticket_id: int | None = None,
    device: str = "",
    by=None,
) -> CheckInResult:
    """Admit the ticket named by a scanned QR `payload` or by `ticket_id` (manual search)."""
    # A ticket of another event says only that: never whose it is, its type or its order
    # (ticket ids are sequential; answering more would list every attendee on the platform).
    if payload is not None:
        claim = signing.verify(payload)
        if claim is None:
            return CheckInResult(UNKNOWN, "This code is not a getiickets ticket (signature fails).")
        if claim.event_id != event.pk:
            return CheckInResult(WRONG_EVENT, NOT_THIS_EVENT)
        ticket = _load(claim.ticket_id, event)
        if ticket is None or ticket.secret != claim.secret:
            return CheckInResult(UNKNOWN, "No ticket matches this code.")
    elif ticket_id is not None:
        ticket = _load(ticket_id, event)
        if ticket is None:
            return CheckInResult(WRONG_EVENT, NOT_THIS_EVENT)
    else:
        return CheckInResult(UNKNOWN, "Nothing to check.")

    if ticket.status != Ticket.Status.VALID:
        reason = (
            "was transferred to someone else; ask for the new ticket"
            if ticket.status == Ticket.Status.TRANSFERRED
            else "was cancelled or refunded"
        )
        return CheckInResult(REVOKED, f"This ticket {reason}.", ticket=ticket)
    try:
        with transaction.atomic():
            record = CheckIn.objects.create(
                ticket=ticket, device=device[:80], checked_in_by=by, checked_in_at=timezone.now()
            )
    except IntegrityError:
        return _duplicate(ticket)
    return CheckInResult(OK, f"Welcome, {attendee_name(ticket)}.", ticket=ticket, check_in=record)


@dataclass
class SyncReport:
    applied: list = field(default_factory=list)
    already: list = field(default_factory=list)
    conflicts: list = field(default_factory=list)
    rejected: list = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "applied": self.applied,
            "already": self.already,
            "conflicts": self.conflicts,
            "rejected": self.rejected,
        }


def _parse_time(value) -> datetime | None:
    if not isinstance(value, str):
        return None
    moment = parse_datetime(value)
    if moment is None:
        return None
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=UTC)
    return min(moment, timezone.now())


MAX_SYNC_RECORDS = 5000


def sync_offline(*, event: Event, records: list[dict], device: str, by=None) -> SyncReport:
    """Apply check-ins recorded offline: [{"ticket_id": 1, "checked_in_at": iso}, ...].

    First admission wins by time. Two devices admitting one ticket is a conflict, reported
    back so the door staff can look into it; syncing the same record twice changes nothing.
    """
    report = SyncReport()
    device = device[:80]
    for record in records:
        try:
            ticket_id = int(record.get("ticket_id"))
        except (TypeError, ValueError, AttributeError):
            report.rejected.append({"ticket_id": None, "reason": "malformed record"})
            continue
        at = _parse_time(record.get("checked_in_at"))
        if at is None:
            report.rejected.append({"ticket_id": ticket_id, "reason": "no time"})
            continue
        ticket = _load(ticket_id, event)
        if ticket is None:
            report.rejected.append({"ticket_id": ticket_id, "reason": "not a ticket of this event"})
            continue
        if ticket.status != Ticket.Status.VALID:
            report.rejected.append(
                {"ticket_id": ticket_id, "reason": f"ticket is {ticket.get_status_display()}"}
            )
            continue
        try:
            with transaction.atomic():
                CheckIn.objects.create(
                    ticket=ticket, device=device, checked_in_by=by, checked_in_at=at, offline=True
                )
            report.applied.append({"ticket_id": ticket_id, "attendee": attendee_name(ticket)})
            continue
        except IntegrityError:
            pass
        with transaction.atomic():
            existing = CheckIn.objects.select_for_update().get(ticket=ticket)
            if existing.device == device:
                report.already.append({"ticket_id": ticket_id})
                continue
            first_device, first_at = existing.device, existing.checked_in_at
            if at < existing.checked_in_at:  # this device was first: its admission stands
                existing.device, existing.checked_in_at, existing.offline = device, at, True
                existing.checked_in_by = by
                existing.save(update_fields=["device", "checked_in_at", "offline", "checked_in_by"])
            report.conflicts.append(
                {
                    "ticket_id": ticket_id,
                    "attendee": attendee_name(ticket),
                    "this_device_at": at.isoformat(),
                    "other_device": first_device,
                    "other_device_at": first_at.isoformat(),
                    "kept": existing.device,
                }
            )
    return report
